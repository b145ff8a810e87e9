#include "ui/engine_scan_backend.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <utility>

#include "engine/plan/behaviour_queries.h"
#include "engine/plan/scan_aggregation.h"
#include "engine/plan/scan_orchestrator.h"
#include "engine/report/stored_events.h"
#include "engine/report/stored_file_diff.h"
#include "engine/report/version_comparison.h"
#include "engine/resolve/tarball_cache.h"
#include "engine/store/store.h"

namespace vigil::ui {

namespace {

namespace plan = engine::plan;
using engine::ErrorCode;
using engine::makeError;

// Events of one finished package go to the live stream in slices of this size, so one chatty
// package reaches the model as several batches rather than one long insert.
constexpr std::size_t kEventSlice = 256;

/// Forwards every analysis to the real analyzer and reports each finished one at once — the
/// orchestrator only reports counts, the GUI wants the package.
class ObservedAnalyzer : public plan::PackageAnalyzer {
public:
    using OnAnalysed = std::function<void(const plan::AnalysisTarget&, const engine::Result<plan::PackageAnalysis>&)>;
    ObservedAnalyzer(plan::PackageAnalyzer& inner, OnAnalysed onAnalysed)
        : inner_(inner), onAnalysed_(std::move(onAnalysed)) {}

    std::string version() const override { return inner_.version(); }
    engine::Result<plan::PackageAnalysis> analyse(const plan::AnalysisTarget& target, const std::vector<std::string>& phases,
                                                  std::stop_token stop, const plan::AnalysisProgress& progress) override {
        auto result = inner_.analyse(target, phases, stop, progress);
        onAnalysed_(target, result);
        return result;
    }

private:
    plan::PackageAnalyzer& inner_;
    OnAnalysed onAnalysed_;
};

/// Turns the orchestrator's reports (from its pool threads) and finished analyses into
/// ScanProgress calls, one at a time: the controller's callback is not thread-safe.
class ProgressRelay {
public:
    ProgressRelay(const ProgressCallback& out, std::string firstPhase)
        : out_(out), firstPhase_(std::move(firstPhase)) {}

    void onEngine(const plan::ScanProgress& p) {
        std::lock_guard lock(mutex_);
        ScanProgress out;
        out.recorded = p.ended;
        out.stage = p.stage;
        out.stageDone = p.done;
        out.stageTotal = p.total;
        out.running = p.running;
        if (p.stage == "analyse") {
            toAnalyse_ = p.toAnalyse;
            cached_ = p.cached;
            analysed_ = std::max(analysed_, p.analysed);
            counting_ = true;
            if (!p.running.empty()) {
                // "name@version phase"; a job that has not reached its first phase says "starting".
                const std::string& first = p.running.front();
                const auto space = first.rfind(' ');
                out.package = first.substr(0, space);
                out.phase = space == std::string::npos ? firstPhase_ : first.substr(space + 1);
                if (out.phase == "starting")
                    out.phase = firstPhase_;
            }
        } else if (!p.running.empty()) {
            out.package = p.running.front();  // the item being resolved or fetched
        }
        send(std::move(out));
    }

    void onAnalysed(const plan::AnalysisTarget& target, const engine::Result<plan::PackageAnalysis>& result) {
        if (!result && result.error().code == ErrorCode::Cancelled)
            return;  // not analysed: the orchestrator lists it as such in the final report
        engine::report::PackageReport p;
        p.name = target.name;
        p.version = target.version;
        p.integrity = target.integrity;
        p.installScripts = target.installScripts;
        if (!result) {
            p.analysisFailed = true;
            p.analysisError = result.error().primary;
        } else {
            p.fingerprint = result->fingerprint;
            p.findings = result->findings;
            p.phases = result->phases;
            p.severity = plan::packageSeverity(p.findings);
            p.score = plan::packageScore(p.findings);
            p.heat = plan::heatOf(p.fingerprint, !p.installScripts.empty());
        }
        std::lock_guard lock(mutex_);
        analysed_ = std::max(analysed_, ++finished_);
        if (result) {
            const auto& events = result->events;
            for (std::size_t from = 0; from < events.size(); from += kEventSlice) {
                ScanProgress slice;
                slice.eventsPackage = target.key();
                const auto to = std::min(events.size(), from + kEventSlice);
                slice.events.assign(events.begin() + static_cast<std::ptrdiff_t>(from),
                                    events.begin() + static_cast<std::ptrdiff_t>(to));
                send(std::move(slice));
            }
        }
        ScanProgress done;
        done.finished = std::move(p);
        send(std::move(done));
    }

private:
    void send(ScanProgress p) {  // caller holds mutex_
        if (counting_) {
            p.totalPackages = toAnalyse_ + cached_;
            p.donePackages = std::min(analysed_, toAnalyse_) + cached_;
        }
        out_(std::move(p));
    }

    const ProgressCallback& out_;
    const std::string firstPhase_;
    std::mutex mutex_;
    bool counting_ = false;  ///< the analyse stage has reported its counts
    std::size_t toAnalyse_ = 0, cached_ = 0, analysed_ = 0, finished_ = 0;
};

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ",") + item;
    return out;
}

}  // namespace

EngineScanBackend::EngineScanBackend(AnalyzerFactory analyzers, std::map<std::string, std::string> environment)
    : analyzers_(std::move(analyzers)), env_(std::move(environment)) {}

engine::Result<engine::Config> EngineScanBackend::configFor(const ScanOptions& options) const {
    auto config = engine::Config::defaults(env_);
    const auto file = engine::Config::userConfigFile(env_);
    std::error_code ec;
    if (std::filesystem::exists(file, ec))
        VIGIL_TRY(config.applyFile(file));
    if (!options.storePath.empty())
        config.storePath = options.storePath;
    if (!options.registry.empty())
        config.registry = options.registry;
    if (options.parallelism > 0)
        config.jobs = static_cast<std::size_t>(options.parallelism);
    if (options.offline)
        config.offline = true;
    return config;
}

engine::Result<engine::report::ScanReport> EngineScanBackend::run(const std::string& project, const ScanOptions& options,
                                                                  const ProgressCallback& progress, std::stop_token stop) {
    auto config = configFor(options);
    if (!config)
        return std::move(config).error();
    if (options.phases.empty())
        return makeError(ErrorCode::Usage, "no phase is selected for the scan",
                         "Choose at least one of install, import and api in Settings.");
    auto phases = plan::parsePhases(joined(options.phases));
    if (!phases)
        return std::move(phases).error();
    auto target = plan::classifyTarget(project);
    if (!target)
        return std::move(target).error();

    // The sandbox first: a scan that cannot run packages says so before minutes of fetching.
    AnalyzerRequest request;
    request.config = *config;
    request.config.disabledRules.insert(request.config.disabledRules.end(), options.disabledRules.begin(),
                                        options.disabledRules.end());
    request.phaseBudget = options.phaseBudget;
    for (const auto& folder : options.ruleFolders) {
        std::error_code ec;
        // The user rules folder is only made when the user opens it: a missing one holds no rules.
        if (std::filesystem::is_directory(folder, ec))
            request.ruleFolders.emplace_back(folder);
    }
    if (!analyzers_)
        return makeError(ErrorCode::Internal, "no analyzer configured for engine scans");
    auto analyzers = analyzers_(request);
    if (!analyzers)
        return std::move(analyzers).error();
    if (!analyzers->analyzer)
        return makeError(ErrorCode::Internal, "the analyzer factory returned no analyzer");

    auto store = engine::store::Store::open(config->storePath);
    if (!store)
        return std::move(store).error();

    ProgressRelay relay(progress, phases->front());
    ObservedAnalyzer observed(*analyzers->analyzer, [&relay](const auto& t, const auto& r) { relay.onAnalysed(t, r); });
    plan::ScanOptions scanOptions;
    scanOptions.phases = std::move(phases).value();
    plan::ScanOrchestrator orchestrator(*config, *store, observed, scanOptions, env_, analyzers->rules.get());
    auto report = orchestrator.scan(*target, stop, [&relay](const plan::ScanProgress& p) { relay.onEngine(p); });
    if (!report && report.error().code == ErrorCode::Cancelled)  // before any package was analysed
        return makeError(ErrorCode::Cancelled, "scan of " + project + " cancelled",
                         "It stopped while resolving and downloading the dependency tree, before any package was "
                         "analysed; downloaded tarballs stay in the cache for the next scan.");
    if (!report)
        return std::move(report).error();
    // Each package's changes since its previous analysed version, for the diff page and the reports.
    if (auto changes = engine::report::attachVersionChanges(*store, *report); !changes.ok())
        return std::move(changes).error();
    if (report->status == "cancelled") {
        const auto analysed = std::count_if(report->packages.begin(), report->packages.end(),
                                            [](const auto& p) { return !p.analysisFailed; });
        return makeError(ErrorCode::Cancelled, "scan of " + project + " cancelled",
                         std::to_string(analysed) + " of " + std::to_string(report->packages.size()) +
                             " packages were analysed; they are stored, so the next scan continues where this one stopped.");
    }
    return report;
}

engine::Result<std::shared_ptr<const engine::report::EventSource>> EngineScanBackend::eventSource(
    const ScanOptions& options) {
    auto config = configFor(options);
    if (!config)
        return std::move(config).error();
    auto source = engine::report::StoreEventSource::open(config->storePath);
    if (!source)
        return std::move(source).error();
    return std::shared_ptr<const engine::report::EventSource>(std::move(source).value());
}

engine::Result<NormsSnapshot> EngineScanBackend::categoryNorms(const std::vector<engine::report::PackageReport>& packages,
                                                               const ScanOptions& options) {
    auto config = configFor(options);
    if (!config)
        return std::move(config).error();
    auto store = engine::store::Store::open(config->storePath);
    if (!store)
        return std::move(store).error();
    plan::BehaviourQueries queries(*store);
    auto norms = queries.norms();
    if (!norms)
        return std::move(norms).error();
    NormsSnapshot snapshot{std::move(norms).value(), {}};
    for (const auto& p : packages)
        if (auto behaviours = reportBehaviours(p))
            snapshot.behaviours.emplace(p.key(), std::move(*behaviours));
    return snapshot;
}

engine::Result<engine::report::VersionChanges> EngineScanBackend::compare(const std::string& older, const std::string& newer,
                                                                          const ScanOptions& options,
                                                                          const StatusCallback& status, std::stop_token stop) {
    // Usage errors before anything is opened or analysed: a typo must not start a sandbox.
    auto to = plan::parsePackageVersion(newer);
    if (!to)
        return std::move(to).error();
    std::optional<plan::PackageVersionRef> from;
    if (!older.empty()) {
        auto parsed = plan::parsePackageVersion(older);
        if (!parsed)
            return std::move(parsed).error();
        if (parsed->name != to->name)
            return makeError(ErrorCode::Usage, "cannot compare " + older + " with " + newer,
                             "A version diff compares two versions of the same package.");
        from = *parsed;
    }
    auto config = configFor(options);
    if (!config)
        return std::move(config).error();

    // Each version the store has not analysed is scanned first, through the same analyzer as a scan.
    const auto ensureAnalysed = [&](const plan::PackageVersionRef& ref) -> engine::Status {
        {
            auto store = engine::store::Store::open(config->storePath);
            if (!store)
                return std::move(store).error();
            auto analysed = store->analysedVersion("npm", ref.name, ref.version);
            if (!analysed)
                return std::move(analysed).error();
            if (*analysed)
                return {};
        }  // closed before the scan writes through its own connection
        const std::string spec = ref.name + "@" + ref.version;
        if (status)
            status("Analysing " + spec + "…");
        auto scanned = run(spec, options, [](ScanProgress) {}, stop);
        if (!scanned)
            return std::move(scanned).error();
        return {};
    };
    VIGIL_TRY(ensureAnalysed(*to));
    if (from)
        VIGIL_TRY(ensureAnalysed(*from));

    if (status)
        status("Comparing…");
    auto store = engine::store::Store::open(config->storePath);
    if (!store)
        return std::move(store).error();
    if (!from) {
        auto previous = engine::report::previousAnalysedVersion(*store, to->name, to->version);
        if (!previous)
            return std::move(previous).error();
        if (!*previous)
            return makeError(ErrorCode::NotFound, "no earlier analysed version of " + to->name + " than " + to->version,
                             "Compare two versions from the Start page: VIGIL analyses any version it has not seen yet.");
        from = plan::PackageVersionRef{to->name, **previous};
    }
    return engine::report::compareStoredVersions(*store, *from, *to);
}

engine::Result<engine::resolve::ContentDiff> EngineScanBackend::diffFile(const std::string& older, const std::string& newer,
                                                                     const std::string& path, const ScanOptions& options) {
    auto from = plan::parsePackageVersion(older);
    if (!from)
        return std::move(from).error();
    auto to = plan::parsePackageVersion(newer);
    if (!to)
        return std::move(to).error();
    auto config = configFor(options);
    if (!config)
        return std::move(config).error();
    auto store = engine::store::Store::open(config->storePath);
    if (!store)
        return std::move(store).error();
    engine::resolve::TarballCache cache(config->cacheDir);
    return engine::report::diffStoredVersionFile(*store, cache, *from, *to, path);
}

}  // namespace vigil::ui
