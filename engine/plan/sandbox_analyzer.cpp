// Stage -> phases -> baseline-subtracted fingerprint -> exfiltration proofs -> rules.
#include "engine/plan/sandbox_analyzer.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <sys/stat.h>

#include <openssl/evp.h>

#include <fmt/format.h>

#include "engine/analysis/category.h"
#include "engine/analysis/event_attribution.h"
#include "engine/analysis/exfiltration.h"
#include "engine/analysis/fingerprint.h"
#include "engine/core/file_io.h"
#include "engine/core/log.h"
#include "engine/plan/analysis_document.h"
#include "engine/plan/consumer_project.h"

namespace vigil::engine::plan {

namespace {

namespace fs = std::filesystem;

/// Incremental sha256 over several inputs (OpenSSL EVP).
class Digest {
public:
    Digest() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
    ~Digest() { EVP_MD_CTX_free(ctx_); }
    Digest(const Digest&) = delete;
    Digest& operator=(const Digest&) = delete;
    void add(std::string_view data) { EVP_DigestUpdate(ctx_, data.data(), data.size()); }
    std::string hex() {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        EVP_DigestFinal_ex(ctx_, out, &n);
        std::string s;
        for (unsigned int i = 0; i < n; ++i)
            s += fmt::format("{:02x}", out[i]);
        return s;
    }

private:
    EVP_MD_CTX* ctx_;
};

/// The Node binary's identity without reading its ~100 MB: real path, size and mtime change
/// with every package upgrade.
std::string runtimeIdOf(const std::string& node) {
    std::error_code ec;
    const fs::path real = fs::canonical(node, ec);
    struct stat st{};
    Digest d;
    d.add(ec ? node : real.string());
    if (::stat(node.c_str(), &st) == 0)
        d.add(fmt::format("|{}|{}.{}", st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec));
    return "node-" + d.hex().substr(0, 12);
}

/// What vigil-sandbox copies to /opt/nodejs/lib/node_modules/npm/lib/cli: <helper dir>/../../resources/node in a
/// build tree, else the installed copy (app/sandbox/validate_request.cpp locateRuntimeDir).
fs::path runtimeFilesNextTo(const fs::path& helper) {
    std::error_code ec;
    const fs::path built = fs::weakly_canonical(helper.parent_path() / ".." / ".." / "resources" / "node", ec);
    if (!ec && fs::is_directory(built, ec))
        return built;
    return "/usr/share/vigil/node";
}

/// The package that is nothing but the runtime: its runs are the noise every package shares.
/// An install script that starts node, an entry point and one exported function, so the
/// install driver, the loader and the api driver's calling machinery all show up.
Result<fs::path> writeEmptyPackage(const fs::path& cacheRoot, const std::string& runtime) {
    const fs::path dir = cacheRoot / "baseline" / runtime / "empty-package";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot create " + dir.string() + ": " + ec.message());
    const nlohmann::json manifest = {{"name", kBaselinePackage},
                                     {"version", "1.0.0"},
                                     {"main", "index.js"},
                                     {"scripts", {{"postinstall", "node index.js"}}}};
    std::ofstream(dir / "package.json", std::ios::trunc) << manifest.dump(2) << "\n";
    std::ofstream index(dir / "index.js", std::ios::trunc);
    index << "'use strict';\nmodule.exports = function noop() {};\n";
    index.close();
    if (!index)
        return makeError(ErrorCode::Io, "cannot write " + (dir / "index.js").string());
    return dir;
}

/// A one-package graph: the package alone (its dependencies unknown).
std::shared_ptr<const StagingGraph> aloneGraph(const AnalysisTarget& t, const fs::path& dir) {
    auto g = std::make_shared<StagingGraph>();
    resolve::PackageNode node;
    node.name = t.name;
    node.version = t.version;
    node.integrity = t.integrity;
    const std::size_t id = g->graph.addNode(node);
    g->graph.addEdge(resolve::DependencyEdge{0, id, t.name, t.version, resolve::DependencyType::Prod});
    g->trees[id] = dir;
    return g;
}

/// Removes the staged project however analyse() leaves.
struct ProjectGuard {
    const ConsumerProject& project;
    ~ProjectGuard() { removeConsumerProject(project); }
};

std::string outcomeName(const collect::PhaseRun& run) {
    if (run.outcome == collect::outcome::Timeout)
        return "timed-out";
    return run.outcome;
}

}  // namespace

analysis::PhaseRecord phaseRecordOf(const collect::PhaseRun& run, const std::string& runtime) {
    // Where PhaseOptions::runtimeDir shows the driver scripts inside every sandbox.
    static const std::string kRuntimeDirPrefix = "/opt/nodejs/lib/node_modules/npm/lib/cli/";
    analysis::PhaseRecord r;
    r.phase = run.phase;
    r.runtime = runtime;
    analysis::PhaseOutcome& o = r.outcome;
    o.exitCode = run.exitCode;
    o.signal = run.signal;
    for (const std::string& l : run.limitsHit) {
        o.wallLimitHit = o.wallLimitHit || l == "wall";
        o.memoryLimitHit = o.memoryLimitHit || l == "memory";
        o.pidsLimitHit = o.pidsLimitHit || l == "pids";
        o.outputLimitHit = o.outputLimitHit || l == "output";
    }
    o.duration = run.run;
    o.stdoutBytes = run.stdoutBytes;
    o.stderrBytes = run.stderrBytes;
    o.memoryPeakBytes = run.memoryPeakBytes;
    o.cpu = run.cpu;
    // The phase driver's own command lines (VIGIL's scripts under the read-only runtime dir,
    // with a per-run tag) are not the package's behaviour and differ in every run, so the
    // baseline cannot subtract them. A package that execs node on those files itself would hide
    // only that one command line; everything its processes do is still recorded.
    r.events.reserve(run.events.size());
    for (const collect::Event& e : run.events) {
        if (e.kind == collect::kind::ProcessExec && e.attrs.contains("argv") && e.attrs["argv"].is_array()) {
            bool driver = false;
            for (const auto& arg : e.attrs["argv"])
                driver = driver || (arg.is_string() && arg.get<std::string>().find(kRuntimeDirPrefix) != std::string::npos);
            if (driver)
                continue;
        }
        r.events.push_back(e);
    }
    r.bait = run.bait;
    r.stimulus = run.stimulus;
    return r;
}

report::PhaseSummary phaseSummaryOf(const collect::PhaseRun& run) {
    report::PhaseSummary s;
    s.phase = run.phase;
    s.outcome = outcomeName(run);
    s.exitCode = run.exitCode;
    s.signal = run.signal;
    s.duration = std::chrono::duration_cast<std::chrono::milliseconds>(run.run);
    s.countsByCategory = run.counts;
    s.drops = run.totalDrops();
    return s;
}

namespace {

/// What the category inference reads: the package's own package.json (the registry's version
/// entry carries the same keywords and description). Unreadable or malformed: the name alone.
analysis::PackageMetadata metadataOf(const AnalysisTarget& target, const fs::path& packageDir) {
    analysis::PackageMetadata m;
    m.name = target.name;
    auto text = readWholeFile(packageDir / "package.json");
    if (!text)
        return m;
    const auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object())
        return m;
    if (const auto it = j.find("description"); it != j.end() && it->is_string())
        m.description = it->get<std::string>();
    if (const auto it = j.find("keywords"); it != j.end() && it->is_array())
        for (const auto& k : *it)
            if (k.is_string())
                m.keywords.push_back(k.get<std::string>());
    return m;
}

}  // namespace

SandboxAnalyzer::SandboxAnalyzer(sandbox::SandboxClient client, SandboxAnalyzerOptions options,
                                 std::shared_ptr<const RuleEvaluator> rules, std::shared_ptr<AnalysisHistory> history,
                                 analysis::CategoryOverrides categories, std::string version, std::string runtime)
    : client_(std::move(client)), options_(std::move(options)), rules_(std::move(rules)), history_(std::move(history)),
      categories_(std::move(categories)), version_(std::move(version)), runtime_(std::move(runtime)) {}

Result<std::unique_ptr<SandboxAnalyzer>> SandboxAnalyzer::create(sandbox::SandboxClient client,
                                                                 SandboxAnalyzerOptions options,
                                                                 std::shared_ptr<const RuleEvaluator> rules,
                                                                 std::shared_ptr<AnalysisHistory> history) {
    if (!rules)
        return makeError(ErrorCode::Internal, "SandboxAnalyzer needs a rule evaluator");
    std::error_code ec;
    // The helper insists on absolute paths; a relative --cache must still work.
    options.cacheRoot = fs::absolute(options.cacheRoot, ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot make " + options.cacheRoot.string() + " absolute: " + ec.message());
    if (options.runtimeFiles.empty())
        options.runtimeFiles = runtimeFilesNextTo(client.helperPath());

    Digest d;
    d.add(kSandboxAnalyzerCodeVersion);
    d.add(fmt::format("|document {}|", kAnalysisDocumentVersion));
    auto helper = readWholeFile(client.helperPath());
    if (!helper)
        return std::move(helper).error().withContext("fingerprinting the sandbox helper");
    d.add(*helper);
    std::vector<fs::path> files;
    for (fs::directory_iterator it(options.runtimeFiles, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec))
            files.push_back(it->path());
    if (ec || files.empty())
        return makeError(ErrorCode::NotFound, "the Node runtime files are missing at " + options.runtimeFiles.string(),
                         "build the vigil_node_runtime target, or install the vigil package");
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
        auto text = readWholeFile(f);
        if (!text)
            return std::move(text).error();
        d.add(f.filename().string() + "\n" + std::to_string(text->size()) + "\n");
        d.add(*text);
    }
    const std::string runtime = runtimeIdOf(options.nodeExecutable);
    d.add(runtime);
    analysis::CategoryOverrides categories;
    if (!options.categoriesFile.empty() && fs::exists(options.categoriesFile, ec)) {
        auto text = readWholeFile(options.categoriesFile);
        if (!text)
            return std::move(text).error();
        auto loaded = analysis::CategoryOverrides::parse(*text, options.categoriesFile.string());
        if (!loaded)
            return std::move(loaded).error();
        categories = std::move(loaded).value();
        d.add("|categories|" + *text);
    }
    std::string version = std::string(kSandboxAnalyzerCodeVersion) + "+" + d.hex().substr(0, 16);
    return std::unique_ptr<SandboxAnalyzer>(new SandboxAnalyzer(std::move(client), std::move(options), std::move(rules),
                                                                std::move(history), std::move(categories),
                                                                std::move(version), runtime));
}

std::vector<std::string> SandboxAnalyzer::warnings() const {
    std::lock_guard lock(warningsMutex_);
    return warnings_;
}

void SandboxAnalyzer::warn(const std::string& text) {
    std::lock_guard lock(warningsMutex_);
    if (std::find(warnings_.begin(), warnings_.end(), text) == warnings_.end()) {
        spdlog::warn("{}", text);
        warnings_.push_back(text);
    }
}

std::vector<collect::PhaseRun> SandboxAnalyzer::runPhases(const ConsumerProject& project,
                                                          const std::vector<std::string>& phases, std::stop_token stop,
                                                          const AnalysisProgress& progress) const {
    PhaseOptions options = options_.phases;
    options.phases = phases;
    options.cacheRoot = options_.cacheRoot;
    const PhaseRunner runner(client_, options);
    std::vector<collect::PhaseRun> runs;
    for (const std::string& phase : phases) {
        if (stop.stop_requested())
            break;
        if (progress)
            progress(phase, "running");
        runs.push_back(runner.runPhase(project, phase, stop));
    }
    return runs;
}

Result<analysis::Baseline> SandboxAnalyzer::baseline(std::stop_token stop) {
    std::lock_guard lock(baselineMutex_);
    if (baseline_)
        return *baseline_;
    if (history_)
        if (auto stored = history_->baseline(runtime_, version_)) {
            baseline_ = std::move(stored);
            return *baseline_;
        }
    const auto started = std::chrono::steady_clock::now();
    auto dir = writeEmptyPackage(options_.cacheRoot, runtime_);
    if (!dir)
        return std::move(dir).error();
    AnalysisTarget empty;
    empty.name = kBaselinePackage;
    empty.version = "1.0.0";
    StageRequest stage;
    const auto graph = aloneGraph(empty, *dir);
    stage.graph = &graph->graph;
    stage.subject = 1;
    stage.trees = graph->trees;
    stage.under = options_.cacheRoot / "projects";
    auto project = stageConsumerProject(stage);
    if (!project)
        return std::move(project).error().withContext("staging the empty baseline package");
    ProjectGuard guard{*project};
    const std::vector<std::string> phases(std::begin(kAllPhases), std::end(kAllPhases));
    std::vector<analysis::PhaseRecord> records;
    for (const collect::PhaseRun& run : runPhases(*project, phases, stop, {})) {
        if (stop.stop_requested())
            return makeError(ErrorCode::Cancelled, "cancelled while running the baseline");
        // A baseline phase that did not end cleanly would teach the wrong noise.
        if (run.outcome != collect::outcome::Ok)
            return makeError(ErrorCode::Internal,
                             fmt::format("the empty package's {} phase ended {}: {}", run.phase, run.outcome, run.reason),
                             run.stderrTail.substr(run.stderrTail.size() > 400 ? run.stderrTail.size() - 400 : 0));
        records.push_back(phaseRecordOf(run, runtime_));
    }
    if (records.size() != phases.size())
        return makeError(ErrorCode::Cancelled, "cancelled while running the baseline");
    baseline_ = analysis::Baseline::learn(records, analysis::PackageIdentity::inConsumer(kBaselinePackage, "1.0.0"));
    spdlog::info("runtime baseline for {}: {} phases of the empty package in {} ms", runtime_, records.size(),
                 std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
    if (history_)
        if (auto saved = history_->saveBaseline(runtime_, version_, *baseline_); !saved.ok())
            warn("the runtime baseline could not be kept in the store: " + saved.error().describe());
    return *baseline_;
}

Result<PackageAnalysis> SandboxAnalyzer::analyse(const AnalysisTarget& target, const std::vector<std::string>& phases,
                                                 std::stop_token stop, const AnalysisProgress& progress) {
    if (target.directory.empty())
        return makeError(ErrorCode::Input, target.key() + " was not fetched (git, link or directory source)",
                         "only registry and tarball packages can be run in the sandbox");
    std::error_code ec;
    const fs::path packageDir = fs::absolute(target.directory, ec);
    if (ec)
        return makeError(ErrorCode::Io, target.key() + ": cannot make " + target.directory.string() + " absolute");

    AnalysisDocument doc;
    if (progress)
        progress("baseline", "runtime noise");
    const analysis::Baseline* baselinePtr = nullptr;
    auto base = baseline(stop);
    if (stop.stop_requested())
        return makeError(ErrorCode::Cancelled, target.key() + ": cancelled");
    if (base) {
        baselinePtr = &*base;
    } else {
        const std::string w = "no runtime baseline for " + runtime_ + " (" + base.error().describe() +
                              "): only the fixed noise list is subtracted, expect more behaviour than the packages show";
        warn(w);
        doc.warnings.push_back(w);
    }

    StageRequest stage;
    std::shared_ptr<const StagingGraph> staging = target.staging;
    std::size_t node = target.node;
    if (!staging || node >= staging->graph.nodes.size() || !staging->trees.count(node)) {
        staging = aloneGraph(target, packageDir);
        node = 1;
        doc.warnings.push_back("staged without its dependencies (the scan's graph was not available)");
    }
    stage.graph = &staging->graph;
    stage.subject = node;
    stage.trees = staging->trees;
    stage.trees[node] = packageDir;
    stage.under = options_.cacheRoot / "projects";
    auto project = stageConsumerProject(stage);
    if (!project)
        return std::move(project).error().withContext(target.key());
    ProjectGuard guard{*project};
    for (const std::string& w : project->warnings)
        doc.warnings.push_back("staging: " + w);

    const std::vector<collect::PhaseRun> runs = runPhases(*project, phases, stop, progress);
    if (stop.stop_requested())
        return makeError(ErrorCode::Cancelled, target.key() + ": cancelled");
    PackageAnalysis out;
    std::vector<analysis::PhaseRecord> records;
    for (const collect::PhaseRun& run : runs) {
        if (run.outcome == collect::outcome::Error)
            return makeError(ErrorCode::Internal, fmt::format("{}: the {} phase could not run", target.key(), run.phase),
                             run.reason);
        out.phases.push_back(phaseSummaryOf(run));
        for (const std::string& w : run.warnings)
            doc.warnings.push_back(run.phase + ": " + w);
        for (const auto& [source, n] : run.drops)
            doc.warnings.push_back(fmt::format("{}: {} {} event(s) lost", run.phase, n, source));
        if (run.outcome == collect::outcome::Skipped)
            continue;  // nothing ran: no outcome to judge (a skipped install is not a failed one)
        records.push_back(phaseRecordOf(run, runtime_));
        out.events.insert(out.events.end(), run.events.begin(), run.events.end());
    }

    const auto identity = analysis::PackageIdentity::inConsumer(project->name, project->version);
    doc.fingerprint = analysis::buildFingerprint(identity, records, baselinePtr);
    std::map<std::string, analysis::SeqPackages> attributed;
    for (const analysis::PhaseRecord& r : records)
        attributed[r.phase] = analysis::attributeEvents(r.events);
    doc.attribution = analysis::evidenceAttribution(doc.fingerprint, attributed);
    doc.attributionKnown = true;
    for (const analysis::PhaseRecord& r : records)
        for (analysis::ExfiltrationProof& p : analysis::findExfiltration(r, identity))
            doc.proofs.push_back(std::move(p));
    doc.category = analysis::inferCategory(metadataOf(target, packageDir), &categories_);
    out.findings = rules_->judge(doc);
    out.fingerprint = toJson(doc);
    return out;
}

}  // namespace vigil::engine::plan
