#include "engine/plan/scan_orchestrator.h"

#include <algorithm>
#include <condition_variable>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "engine/core/file_io.h"
#include "engine/core/job_pool.h"
#include "engine/plan/scan_aggregation.h"
#include "engine/plan/stored_attribution.h"
#include "engine/store/store.h"

namespace vigil::engine::plan {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string keyOf(const store::ScanPackage& p) {
    return p.name + "@" + p.version;
}

std::optional<store::Phase> storePhase(const std::string& name) {
    if (name == "install")
        return store::Phase::Install;
    if (name == "import")
        return store::Phase::Import;
    if (name == "api")
        return store::Phase::Api;
    return std::nullopt;
}

std::map<std::string, std::string> installScriptsOf(const store::StoredVersion& v) {
    std::map<std::string, std::string> scripts;
    const json meta = json::parse(v.record.metadataJson, nullptr, false);
    if (!meta.is_object())
        return scripts;
    if (auto it = meta.find("install_scripts"); it != meta.end() && it->is_object())
        for (const auto& [name, text] : it->items())
            if (text.is_string())
                scripts[name] = text.get<std::string>();
    return scripts;
}

/// The store's form of one analysis: a run per phase with that phase's events, findings tied to
/// the run of their first phase, the fingerprint under `analyzerVersion`.
store::AnalysisRecord toRecord(store::VersionId version, const PackageAnalysis& a, const std::string& analyzerVersion) {
    store::AnalysisRecord r;
    r.version = version;
    r.fingerprint = fingerprintRecordOf(a.fingerprint, analyzerVersion);
    // The analysis document's inferred category: the store groups the norms by it.
    if (const auto it = a.fingerprint.find("category"); it != a.fingerprint.end() && it->is_object())
        r.category = it->value("category", "");
    std::map<std::string, std::size_t> runOfPhase;
    for (const auto& summary : a.phases) {
        auto phase = storePhase(summary.phase);
        if (!phase)
            continue;
        store::AnalysisRunRecord run;
        run.phase = *phase;
        run.outcome = summary.outcome;
        run.durationMs = summary.duration.count();
        for (const auto& e : a.events)
            if (e.phase == summary.phase)
                run.events.push_back(store::EventRecord{e.tsNs, e.kind, collect::toJson(e).dump()});
        runOfPhase[summary.phase] = r.runs.size();
        r.runs.push_back(std::move(run));
    }
    for (const auto& f : a.findings) {
        store::AnalysisFinding af;
        for (const auto& p : f.phases)
            if (auto it = runOfPhase.find(p); it != runOfPhase.end()) {
                af.run = it->second;
                break;
            }
        af.finding.ruleId = f.ruleId;
        af.finding.severity = f.severity;
        af.finding.title = f.title;
        af.finding.evidenceJson = findingEvidenceJson(f);
        r.findings.push_back(std::move(af));
    }
    return r;
}

/// Phase summaries of a cached version, from its stored runs.
Result<std::vector<report::PhaseSummary>> storedPhases(store::Store& store, store::VersionId version,
                                                       const std::string& analyzerVersion) {
    auto runs = store.runsOf(version, analyzerVersion);
    if (!runs)
        return std::move(runs).error();
    // Re-analyses with the same analyzer version append runs: keep the newest per phase.
    std::map<std::string, report::PhaseSummary> byPhase;
    for (const auto& run : *runs) {
        report::PhaseSummary s;
        s.phase = store::phaseName(run.phase);
        s.outcome = run.outcome;
        if (run.finishedAtMs)
            s.duration = std::chrono::milliseconds(*run.finishedAtMs - run.startedAtMs);
        byPhase[s.phase] = s;
    }
    std::vector<report::PhaseSummary> out;
    for (const char* p : kAllPhases)
        if (auto it = byPhase.find(p); it != byPhase.end())
            out.push_back(it->second);
    return out;
}

/// A package's report from the store: its current findings (or the rules' verdict on its stored
/// fingerprint) and phase summaries.
Result<report::PackageReport> storedPackage(store::Store& store, const store::StoredVersion& v,
                                            const AnalysisTarget& target, FindingEvaluator* rules) {
    report::PackageReport p;
    p.name = v.record.packageName;
    p.version = v.record.version;
    p.integrity = v.record.integrity;
    p.cached = true;
    p.installScripts = target.installScripts;
    auto fp = store.fingerprintOf(v.record.ecosystem, p.name, p.version);
    if (!fp)
        return std::move(fp).error();
    if (*fp)
        p.fingerprint = fingerprintJsonOf(**fp);
    if (rules && *fp) {
        // A document from before event attribution: computed from its stored events once and
        // saved back, so this and later scans judge it by whose code did what.
        auto added = addStoredAttribution(store, v.id, (*fp)->record.analyzerVersion, p.fingerprint);
        if (!added)
            return std::move(added).error();
        if (*added) {
            auto saved = store.saveFingerprint(v.id, fingerprintRecordOf(p.fingerprint, (*fp)->record.analyzerVersion));
            if (!saved)
                return std::move(saved).error().withContext(p.key());
        }
    }
    if (rules) {
        auto findings = rules->evaluate(target, p.fingerprint);
        if (!findings)
            return std::move(findings).error().withContext(p.key());
        p.findings = std::move(findings).value();
    } else {
        auto stored = store.findingsOf(v.id);
        if (!stored)
            return std::move(stored).error();
        for (const auto& f : *stored)
            p.findings.push_back(findingFromStored(f));
    }
    auto phases = storedPhases(store, v.id, v.analyzerVersion);
    if (!phases)
        return std::move(phases).error();
    p.phases = std::move(phases).value();
    return p;
}

/// The recorded graph with the fetched trees, as the analyzer stages packages from: every
/// target's dependency closure comes from the scan's own resolution, never a second one.
std::shared_ptr<StagingGraph> stagingGraphOf(const store::ScanGraph& graph,
                                             const std::map<std::string, std::filesystem::path>& directories,
                                             std::vector<std::size_t>& nodeOf) {
    auto staging = std::make_shared<StagingGraph>();
    nodeOf.assign(graph.packages.size(), 0);
    for (std::size_t i = 0; i < graph.packages.size(); ++i) {
        const auto& pkg = graph.packages[i];
        resolve::PackageNode node;
        node.name = pkg.name;
        node.version = pkg.version;
        node.integrity = pkg.integrity;
        nodeOf[i] = staging->graph.addNode(node);
        if (auto d = directories.find(keyOf(pkg)); d != directories.end())
            staging->trees[nodeOf[i]] = d->second;
    }
    for (const auto& e : graph.edges) {
        if (e.to >= nodeOf.size() || (e.from && *e.from >= nodeOf.size()))
            continue;
        staging->graph.addEdge(resolve::DependencyEdge{e.from ? nodeOf[*e.from] : 0, nodeOf[e.to], e.alias, e.spec,
                                                       static_cast<resolve::DependencyType>(static_cast<int>(e.type))});
    }
    return staging;
}

std::chrono::system_clock::time_point fromMs(std::int64_t ms) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace

ScanOrchestrator::ScanOrchestrator(Config config, store::Store& store, PackageAnalyzer& analyzer, ScanOptions options,
                                   std::map<std::string, std::string> environment, FindingEvaluator* rules)
    : config_(std::move(config)), store_(store), analyzer_(analyzer), options_(std::move(options)),
      env_(std::move(environment)), rules_(rules) {}

std::string ScanOrchestrator::analyzerVersion() const {
    // A fingerprint made with fewer phases saw less: it is not current for a fuller scan.
    std::string phases;
    for (const auto& p : options_.phases)
        phases += (phases.empty() ? "" : ",") + p;
    return analyzer_.version() + ";phases=" + phases;
}

Result<report::ScanReport> ScanOrchestrator::scan(const ResolveTarget& target, std::stop_token stop,
                                                  const Progress& progress) {
    ResolveRequest request;
    request.target = target;
    // The store keys a project's history by this text: one spelling per folder, however typed.
    if (target.kind == ResolveTarget::Kind::Project)
        request.target.display = target.path.string();
    request.includeDev = options_.includeDev;
    request.leaveScanRunning = true;
    request.stop = stop;
    ProjectResolver resolver(config_, &store_, env_);
    auto resolution = resolver.run(request, [&](const std::string& stage, std::size_t done, std::size_t total,
                                                const std::string& current) {
        if (!progress)
            return;
        ScanProgress p;
        p.stage = stage;
        p.done = done;
        p.total = total;
        if (!current.empty())
            p.running = {current};
        progress(p);
    });
    if (!resolution)
        return std::move(resolution).error();
    if (!resolution->scanId)
        return makeError(ErrorCode::Internal, "the resolver recorded no scan of " + target.display);

    std::map<std::string, std::filesystem::path> directories;
    if (resolution->fetch)
        for (const auto& f : resolution->fetch->packages)
            if (f.node < resolution->graph.nodes.size() && !f.directory.empty())
                directories[resolution->graph.nodes[f.node].id()] = f.directory;

    return analyseRecorded(*resolution->scanId, directories, stop, progress);
}

Result<report::ScanReport> ScanOrchestrator::analyseRecorded(
    std::int64_t scanId, const std::map<std::string, std::filesystem::path>& directories, std::stop_token stop,
    const Progress& progress) {
    auto record = store_.scan(scanId);
    if (!record)
        return std::move(record).error();
    if (!*record)
        return makeError(ErrorCode::NotFound, "no scan with id " + std::to_string(scanId));
    auto graph = store_.scanGraph(scanId);
    if (!graph)
        return std::move(graph).error();

    report::ScanReport report;
    report.scanId = scanId;
    report.projectPath = (*record)->projectPath;
    report.lockfile = (*record)->lockfile;
    report.startedAt = std::chrono::system_clock::now();
    report.analyzerVersion = analyzerVersion();
    report.rulesVersion = rules_ ? rules_->version() : "";
    // The project's own name for the report header; a folder without a manifest uses its name.
    if (auto text = readWholeFile(std::filesystem::path(report.projectPath) / "package.json")) {
        const json j = json::parse(*text, nullptr, false);
        if (j.is_object() && j.contains("name") && j["name"].is_string())
            report.projectName = j["name"].get<std::string>();
    }
    if (report.projectName.empty())
        report.projectName = std::filesystem::path(report.projectPath).filename().string();

    // 1. Dedupe to name@version@integrity and split cached from to-analyse.
    struct Job {
        store::VersionId version = 0;
        AnalysisTarget target;
    };
    std::vector<Job> jobs;
    std::map<std::string, report::PackageReport> done;  // by key, cached and analysed
    std::set<std::string> seen;
    const std::string current = analyzerVersion();
    std::vector<std::size_t> nodeOf;
    const std::shared_ptr<const StagingGraph> staging = stagingGraphOf(*graph, directories, nodeOf);
    for (std::size_t index = 0; index < graph->packages.size(); ++index) {
        const auto& pkg = graph->packages[index];
        if (!seen.insert(keyOf(pkg) + "@" + pkg.integrity).second)
            continue;
        auto stored = store_.findVersion(pkg.ecosystem, pkg.name, pkg.version);
        if (!stored)
            return std::move(stored).error();
        if (!*stored)
            return makeError(ErrorCode::Internal, "scan " + std::to_string(scanId) + " lists " + keyOf(pkg) +
                                                      " but the store has no such version");
        AnalysisTarget target;
        target.name = pkg.name;
        target.version = pkg.version;
        target.integrity = pkg.integrity;
        target.installScripts = installScriptsOf(**stored);
        if (auto d = directories.find(keyOf(pkg)); d != directories.end())
            target.directory = d->second;
        target.staging = staging;
        target.node = nodeOf[index];
        if ((*stored)->analyzerVersion == current && (*stored)->fingerprintId) {
            auto p = storedPackage(store_, **stored, target, rules_);
            if (!p)
                return std::move(p).error();
            done[keyOf(pkg)] = std::move(p).value();
        } else {
            jobs.push_back(Job{(*stored)->id, std::move(target)});
        }
    }

    // 2. One job per version on the bounded pool; each result is stored as soon as it exists.
    std::mutex mutex;  // guards store_, done, running, counters and progress calls
    std::map<std::string, std::string> running;
    std::size_t finished = 0;
    const std::size_t cachedCount = done.size();
    const auto analyseStart = Clock::now();
    auto emit = [&](const std::string& ended = {}) {  // caller holds mutex
        if (!progress)
            return;
        ScanProgress p;
        p.stage = "analyse";
        p.done = finished;
        p.total = jobs.size();
        p.analysed = finished;
        p.toAnalyse = jobs.size();
        p.cached = cachedCount;
        for (const auto& [key, phase] : running)
            p.running.push_back(key + " " + phase);
        p.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - analyseStart);
        p.ended = ended;
        progress(p);
    };
    {
        std::lock_guard lock(mutex);
        emit();
    }

    JobPool pool(config_.jobs);
    std::stop_callback onStop(stop, [&pool] { pool.cancel(); });
    for (const Job& job : jobs) {
        const bool queued = pool.submit("analyse " + job.target.key(), [&, job](JobContext& ctx) {
            const std::string key = job.target.key();
            if (ctx.cancelled())
                return;
            {
                std::lock_guard lock(mutex);
                running[key] = "starting";
                emit();
            }
            auto result = analyzer_.analyse(job.target, options_.phases, ctx.stopToken(),
                                            [&](const std::string& phase, const std::string&) {
                                                std::lock_guard lock(mutex);
                                                running[key] = phase;
                                                emit();
                                            });
            std::lock_guard lock(mutex);
            running.erase(key);
            if (!result && result.error().code == ErrorCode::Cancelled) {
                emit();
                return;  // not analysed: the next scan does it
            }
            report::PackageReport p;
            p.name = job.target.name;
            p.version = job.target.version;
            p.integrity = job.target.integrity;
            p.installScripts = job.target.installScripts;
            if (!result) {
                // Nothing stored: a failed analysis is tried again by the next scan.
                p.analysisFailed = true;
                p.analysisError = result.error().primary;
            } else {
                auto stored = store_.recordAnalysis(toRecord(job.version, *result, current));
                if (!stored.ok()) {
                    p.analysisFailed = true;
                    p.analysisError = stored.error().primary;
                }
                p.fingerprint = result->fingerprint;
                p.findings = std::move(result->findings);
                p.phases = std::move(result->phases);
                // The events stay in the store only (recordAnalysis above): a report of a large
                // scan holding every package's events ran to gigabytes. Readers use an EventSource.
            }
            done[key] = std::move(p);
            ++finished;
            emit(key);
        });
        if (!queued)
            break;
    }
    pool.wait();
    const bool cancelled = stop.stop_requested() || pool.cancelled();

    // 3. Aggregate. A cancelled scan lists what it did not get to as not analysed.
    for (const Job& job : jobs) {
        if (done.count(job.target.key()))
            continue;
        report::PackageReport p;
        p.name = job.target.name;
        p.version = job.target.version;
        p.integrity = job.target.integrity;
        p.installScripts = job.target.installScripts;
        p.analysisFailed = true;
        p.analysisError = "not analysed: the scan was cancelled";
        done[job.target.key()] = std::move(p);
    }
    for (auto& [key, p] : done)
        report.packages.push_back(std::move(p));
    finalizeReport(report, *graph);
    report.status = cancelled ? "cancelled" : "complete";
    if (!cancelled) {
        auto comparison = compareWithPrevious(store_, report);
        if (!comparison)
            return std::move(comparison).error();
        report.comparison = std::move(comparison).value();
    }
    report.finishedAt = std::chrono::system_clock::now();
    VIGIL_TRY(store_.finishScan(scanId, cancelled ? store::ScanStatus::Cancelled : store::ScanStatus::Complete,
                                scanTotalsJson(report).dump()));
    return report;
}

Result<report::ScanReport> loadScanReport(store::Store& store, std::int64_t scanId) {
    auto record = store.scan(scanId);
    if (!record)
        return std::move(record).error();
    if (!*record)
        return makeError(ErrorCode::NotFound, "no scan with id " + std::to_string(scanId),
                         "list a project's scans with `vigil-cli history <project>`");
    auto graph = store.scanGraph(scanId);
    if (!graph)
        return std::move(graph).error();
    const json totals = json::parse((*record)->totalsJson, nullptr, false);

    report::ScanReport report;
    report.scanId = scanId;
    report.projectPath = (*record)->projectPath;
    report.lockfile = (*record)->lockfile;
    report.startedAt = fromMs((*record)->startedAtMs);
    report.finishedAt = fromMs((*record)->finishedAtMs.value_or((*record)->startedAtMs));
    report.status = store::scanStatusName((*record)->status);
    std::set<std::string> cached;
    json failed = json::object();
    if (totals.is_object()) {
        report.projectName = totals.value("project_name", "");
        report.analyzerVersion = totals.value("analyzer_version", "");
        report.rulesVersion = totals.value("rules_version", "");
        if (auto it = totals.find("cached_packages"); it != totals.end() && it->is_array())
            for (const auto& k : *it)
                if (k.is_string())
                    cached.insert(k.get<std::string>());
        if (auto it = totals.find("failed_packages"); it != totals.end() && it->is_object())
            failed = *it;
    }
    std::set<std::string> seen;
    for (const auto& pkg : graph->packages) {
        if (!seen.insert(keyOf(pkg)).second)
            continue;
        auto stored = store.findVersion(pkg.ecosystem, pkg.name, pkg.version);
        if (!stored)
            return std::move(stored).error();
        if (!*stored)
            continue;
        AnalysisTarget target;
        target.name = pkg.name;
        target.version = pkg.version;
        target.installScripts = installScriptsOf(**stored);
        auto p = storedPackage(store, **stored, target, nullptr);
        if (!p)
            return std::move(p).error();
        p->cached = cached.count(keyOf(pkg)) > 0;
        if (auto f = failed.find(keyOf(pkg)); f != failed.end()) {
            p->analysisFailed = true;
            p->analysisError = f->is_string() ? f->get<std::string>() : "analysis failed";
        }
        report.packages.push_back(std::move(p).value());
    }
    finalizeReport(report, *graph);
    auto comparison = compareWithPrevious(store, report);
    if (!comparison)
        return std::move(comparison).error();
    report.comparison = std::move(comparison).value();
    return report;
}

}  // namespace vigil::engine::plan
