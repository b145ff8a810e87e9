// The scan orchestrator with a scripted analyzer: dedupe, caching by analyzer version, resume
// after a killed scan, cancellation, failures, comparison with the previous scan, paths.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "engine/plan/scan_aggregation.h"
#include "engine/plan/scan_orchestrator.h"
#include "engine/report/html_report.h"
#include "engine/report/stored_events.h"
#include "engine/store/store.h"
#include "tests/engine/plan/fake_analyzer.h"
#include "tests/engine/store/store_test_support.h"

namespace vigil::engine::plan {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using store::testing::TempDir;
using testing::FakeAnalyzer;

/// Graph by "name@version" lists: direct deps and (from, to) edges.
store::ScanGraph makeGraph(const std::vector<std::string>& packages, const std::vector<std::string>& direct,
                           const std::vector<std::pair<std::string, std::string>>& edges) {
    store::ScanGraph g;
    std::map<std::string, std::size_t> index;
    for (const auto& key : packages) {
        const auto at = key.rfind('@');
        store::ScanPackage p;
        p.name = key.substr(0, at);
        p.version = key.substr(at + 1);
        p.integrity = "sha512-" + p.name;
        index[key] = g.packages.size();
        g.packages.push_back(p);
    }
    for (const auto& d : direct) {
        store::ScanEdge e;
        e.to = index.at(d);
        e.alias = g.packages[e.to].name;
        e.spec = "^1.0.0";
        g.edges.push_back(e);
        g.packages[e.to].direct = true;
    }
    for (const auto& [from, to] : edges) {
        store::ScanEdge e;
        e.from = index.at(from);
        e.to = index.at(to);
        e.alias = g.packages[e.to].name;
        e.spec = "^1.0.0";
        g.edges.push_back(e);
    }
    return g;
}

/// root -> a, b; a -> c; b -> c; c -> evil-d. Four versions, c and evil-d reachable twice.
store::ScanGraph diamond() {
    return makeGraph({"a@1.0.0", "b@1.0.0", "c@1.0.0", "evil-d@1.0.0"}, {"a@1.0.0", "b@1.0.0"},
                     {{"a@1.0.0", "c@1.0.0"}, {"b@1.0.0", "c@1.0.0"}, {"c@1.0.0", "evil-d@1.0.0"}});
}

class ScanOrchestratorTest : public ::testing::Test {
protected:
    TempDir dir;
    std::filesystem::path dbPath = dir / "vigil.db";
    store::Store store = std::move(store::Store::open(dbPath).value());
    FakeAnalyzer analyzer;
    std::string project = (dir / "project").string();

    Config config(std::size_t jobs = 2) {
        Config c = Config::defaults({{"HOME", dir.path().string()}});
        c.jobs = jobs;
        return c;
    }

    std::int64_t record(const store::ScanGraph& graph) {
        auto scan = store.beginScan(project, "package-lock.json");
        EXPECT_TRUE(scan.ok());
        EXPECT_TRUE(store.recordScanGraph(*scan, graph).ok());
        return *scan;
    }

    report::ScanReport run(const store::ScanGraph& graph, std::size_t jobs = 2, FindingEvaluator* rules = nullptr,
                           std::stop_token stop = {}) {
        ScanOrchestrator orchestrator(config(jobs), store, analyzer, ScanOptions{}, {}, rules);
        auto report = orchestrator.analyseRecorded(record(graph), {}, stop);
        EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().primary);
        return report.ok() ? std::move(report).value() : report::ScanReport{};
    }

    const report::PackageReport* find(const report::ScanReport& r, const std::string& key) {
        for (const auto& p : r.packages)
            if (p.key() == key)
                return &p;
        return nullptr;
    }
};

TEST_F(ScanOrchestratorTest, AnalysesEachVersionOnceAndRanksTheHarmfulOneFirst) {
    const auto report = run(diamond());
    EXPECT_THAT(analyzer.calls(), UnorderedElementsAre("a@1.0.0", "b@1.0.0", "c@1.0.0", "evil-d@1.0.0"));
    EXPECT_EQ(report.status, "complete");
    EXPECT_EQ(report.totalPackages, 4u);
    EXPECT_EQ(report.analysed, 4u);
    EXPECT_EQ(report.cached, 0u);
    ASSERT_FALSE(report.packages.empty());
    EXPECT_EQ(report.packages.front().key(), "evil-d@1.0.0");
    EXPECT_EQ(report.packages.front().severity, Severity::Critical);
    EXPECT_EQ(report.packages.front().score, 90);
    ASSERT_EQ(report.packages.front().findings.size(), 1u);
    EXPECT_EQ(report.packages.front().findings.front().scoreContribution, 90);  // listed as what made the score
    EXPECT_EQ(report.findingsBySeverity.at(Severity::Critical), 1u);
    EXPECT_EQ(report.packages.front().heat.at("network"), 10);
    EXPECT_EQ(report.edges.size(), 5u);
}

TEST_F(ScanOrchestratorTest, ShowsEveryShortestPathToARiskyPackage) {
    const auto report = run(diamond());
    const auto* evil = find(report, "evil-d@1.0.0");
    ASSERT_NE(evil, nullptr);
    EXPECT_THAT(evil->paths, UnorderedElementsAre(ElementsAre("a@1.0.0", "c@1.0.0", "evil-d@1.0.0"),
                                                  ElementsAre("b@1.0.0", "c@1.0.0", "evil-d@1.0.0")));
    EXPECT_THAT(find(report, "a@1.0.0")->paths, ElementsAre(ElementsAre("a@1.0.0")));
}

TEST_F(ScanOrchestratorTest, PathsAreBoundedAndSkipUnreachablePackages) {
    // Four ways to reach x; a lockfile leftover nobody depends on.
    auto graph = makeGraph({"p1@1", "p2@1", "p3@1", "p4@1", "x@1", "orphan@1"}, {"p1@1", "p2@1", "p3@1", "p4@1"},
                           {{"p1@1", "x@1"}, {"p2@1", "x@1"}, {"p3@1", "x@1"}, {"p4@1", "x@1"}});
    const auto paths = dependencyPaths(graph, 3);
    EXPECT_EQ(paths[4].size(), 3u);
    EXPECT_TRUE(paths[5].empty());
}

TEST_F(ScanOrchestratorTest, SecondScanIsServedFromTheStore) {
    (void)run(diamond());
    analyzer.resetCalls();
    const auto second = run(diamond());
    EXPECT_TRUE(analyzer.calls().empty());
    EXPECT_EQ(second.cached, 4u);
    EXPECT_EQ(second.analysed, 0u);
    const auto* evil = find(second, "evil-d@1.0.0");
    ASSERT_NE(evil, nullptr);
    EXPECT_TRUE(evil->cached);
    ASSERT_EQ(evil->findings.size(), 1u);
    EXPECT_EQ(evil->findings[0].title, "posts the environment to evil.invalid");
    EXPECT_EQ(evil->findings[0].evidence.at("host"), "evil.invalid");
    ASSERT_EQ(evil->findings[0].events.size(), 1u);
    EXPECT_EQ(evil->findings[0].events[0].summary, "POST http://evil.invalid/");
    EXPECT_EQ(evil->fingerprint.at("network_calls"), nlohmann::json::array({"evil.invalid:443"}));
    EXPECT_EQ(evil->phases.size(), 3u);  // from the stored runs
}

TEST_F(ScanOrchestratorTest, EventsStayInTheStoreAndAreReadPerPackageAlsoWhenCached) {
    const auto first = run(diamond());
    const report::StoreEventSource events(store);
    auto analysed = events.eventsOf("evil-d", "1.0.0");
    ASSERT_TRUE(analysed.ok()) << analysed.error().primary;
    ASSERT_EQ(analysed->size(), 1u);
    EXPECT_EQ((*analysed)[0].kind, "process.exec");
    EXPECT_EQ((*analysed)[0].phase, "install");

    // The warm scan re-analyses nothing, yet its cached packages' events are there to show.
    const auto second = run(diamond());
    ASSERT_TRUE(find(second, "evil-d@1.0.0")->cached);
    auto cached = events.eventsOf("evil-d", "1.0.0");
    ASSERT_TRUE(cached.ok());
    EXPECT_EQ(cached->size(), 1u);
    const std::string html = report::renderHtml(second, &events);
    EXPECT_THAT(html, ::testing::HasSubstr("All 1 recorded events"));
    EXPECT_THAT(html, ::testing::HasSubstr("/bin/sh"));
    EXPECT_THAT(report::renderHtml(second), ::testing::HasSubstr("not part of this report"));

    // One phase at a time: a phase that ran and did nothing is an empty list, not an error.
    auto import = events.eventsOf("evil-d", "1.0.0", "import");
    ASSERT_TRUE(import.ok());
    EXPECT_TRUE(import->empty());
    auto unknownPhase = events.eventsOf("evil-d", "1.0.0", "postinstall");
    ASSERT_FALSE(unknownPhase.ok());
    EXPECT_EQ(unknownPhase.error().code, ErrorCode::NotFound);
    EXPECT_THAT(unknownPhase.error().primary, ::testing::HasSubstr("evil-d@1.0.0"));
    auto unknown = events.eventsOf("left-pad", "1.3.0");
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().code, ErrorCode::NotFound);
    EXPECT_EQ(unknown.error().primary, "left-pad@1.3.0 is not in the store");
    EXPECT_THAT(unknown.error().secondary, ::testing::HasSubstr("vigil-cli scan left-pad@1.3.0"));
}

TEST_F(ScanOrchestratorTest, ANewAnalyzerVersionAnalysesAgain) {
    (void)run(diamond());
    analyzer.resetCalls();
    analyzer.analyzerVersion = "fake/2";  // e.g. a new sandbox image digest
    const auto report = run(diamond());
    EXPECT_EQ(analyzer.calls().size(), 4u);
    EXPECT_EQ(report.cached, 0u);
}

TEST_F(ScanOrchestratorTest, FewerPhasesIsADifferentAnalysis) {
    (void)run(diamond());
    analyzer.resetCalls();
    ScanOptions installOnly;
    installOnly.phases = {"install"};
    ScanOrchestrator orchestrator(config(), store, analyzer, installOnly, {});
    auto report = orchestrator.analyseRecorded(record(diamond()), {});
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(analyzer.calls().size(), 4u);
}

class FlagEverything : public FindingEvaluator {
public:
    [[nodiscard]] std::string version() const override { return "rules-v2"; }
    Result<std::vector<report::Finding>> evaluate(const AnalysisTarget& target, const nlohmann::json& fp) override {
        std::vector<report::Finding> out;
        if (!fp.at("network_calls").empty()) {
            report::Finding f;
            f.ruleId = "new-rule";
            f.severity = Severity::Medium;
            f.title = "new rule on " + target.key();
            out.push_back(f);
        }
        return out;
    }
};

TEST_F(ScanOrchestratorTest, RulesJudgeStoredFingerprintsWithoutRerunning) {
    (void)run(diamond());
    analyzer.resetCalls();
    FlagEverything rules;
    const auto report = run(diamond(), 2, &rules);
    EXPECT_TRUE(analyzer.calls().empty());
    EXPECT_EQ(report.rulesVersion, "rules-v2");
    const auto* evil = find(report, "evil-d@1.0.0");
    ASSERT_EQ(evil->findings.size(), 1u);
    EXPECT_EQ(evil->findings[0].ruleId, "new-rule");
    EXPECT_EQ(evil->severity, Severity::Medium);
    EXPECT_TRUE(find(report, "a@1.0.0")->findings.empty());
}

TEST_F(ScanOrchestratorTest, AFailedAnalysisIsReportedAndRetriedNextTime) {
    analyzer.failing = {"b@1.0.0"};
    const auto first = run(diamond());
    EXPECT_EQ(first.failed, 1u);
    const auto* b = find(first, "b@1.0.0");
    ASSERT_NE(b, nullptr);
    EXPECT_TRUE(b->analysisFailed);
    EXPECT_THAT(b->analysisError, ::testing::HasSubstr("sandbox exploded"));
    analyzer.failing.clear();
    analyzer.resetCalls();
    const auto second = run(diamond());
    EXPECT_THAT(analyzer.calls(), ElementsAre("b@1.0.0"));
    EXPECT_EQ(second.failed, 0u);
    EXPECT_EQ(second.cached, 3u);
}

TEST_F(ScanOrchestratorTest, CancellationStopsRunningAnalysesPromptlyAndKeepsNothingHalfDone) {
    analyzer.blockUntilStopped = true;
    std::stop_source stop;
    std::thread canceller([&] {
        while (analyzer.started().load() < 2)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        stop.request_stop();
    });
    const auto t0 = std::chrono::steady_clock::now();
    const auto report = run(diamond(), 2, nullptr, stop.get_token());
    canceller.join();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
    EXPECT_EQ(report.status, "cancelled");
    EXPECT_EQ(report.analysed, 0u);
    EXPECT_EQ(report.failed, 4u);  // none analysed: all listed as not analysed
    auto scans = store.scansOf(project);
    ASSERT_TRUE(scans.ok());
    EXPECT_EQ(scans->front().status, store::ScanStatus::Cancelled);
    for (const char* name : {"a", "b", "c", "evil-d"}) {
        auto fp = store.fingerprintOf("npm", name, "1.0.0");
        ASSERT_TRUE(fp.ok());
        EXPECT_FALSE(fp->has_value()) << name;
    }
    // The next scan does all of it.
    analyzer.blockUntilStopped = false;
    analyzer.resetCalls();
    const auto again = run(diamond());
    EXPECT_EQ(analyzer.calls().size(), 4u);
    EXPECT_EQ(again.status, "complete");
}

TEST_F(ScanOrchestratorTest, AKilledScanResumesWhereItStopped) {
    // Many packages analysed one at a time, slowly; kill the scanning process after two are stored.
    std::vector<std::string> keys;
    for (int i = 0; i < 12; ++i)
        keys.push_back("pkg" + std::to_string(i) + "@1.0.0");
    const auto graph = makeGraph(keys, keys, {});
    const std::int64_t scanId = record(graph);

    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        auto own = store::Store::open(dbPath);
        if (!own)
            _exit(3);
        FakeAnalyzer slow;
        slow.delay = std::chrono::milliseconds(40);  // per phase: ~120 ms per package
        ScanOrchestrator orchestrator(config(1), *own, slow, ScanOptions{}, {});
        (void)orchestrator.analyseRecorded(scanId, {});
        _exit(0);
    }
    auto stored = [&] {
        int n = 0;
        for (const auto& key : keys) {
            auto fp = store.fingerprintOf("npm", key.substr(0, key.find('@')), "1.0.0");
            n += fp.ok() && fp->has_value();
        }
        return n;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (stored() < 2 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child finished before it was killed";
    const int before = stored();
    ASSERT_GE(before, 2);
    ASSERT_LT(before, 12);

    const auto report = run(graph);
    EXPECT_EQ(analyzer.calls().size(), static_cast<std::size_t>(12 - before));
    EXPECT_EQ(report.cached, static_cast<std::size_t>(before));
    EXPECT_EQ(report.analysed + report.cached, 12u);
    EXPECT_TRUE(store.checkIntegrity().ok());
}

TEST_F(ScanOrchestratorTest, ComparesWithThePreviousScanOfTheProject) {
    (void)run(diamond());
    // evil-d is gone, risky-e arrived through a.
    auto next = makeGraph({"a@1.0.0", "b@1.0.0", "c@1.0.0", "risky-e@2.0.0"}, {"a@1.0.0", "b@1.0.0"},
                          {{"a@1.0.0", "c@1.0.0"}, {"b@1.0.0", "c@1.0.0"}, {"a@1.0.0", "risky-e@2.0.0"}});
    const auto report = run(next);
    ASSERT_TRUE(report.comparison.has_value());
    EXPECT_THAT(report.comparison->addedPackages, ElementsAre("risky-e@2.0.0"));
    EXPECT_THAT(report.comparison->removedPackages, ElementsAre("evil-d@1.0.0"));
    EXPECT_THAT(report.comparison->newFindings, ElementsAre("risky-e@2.0.0: shell-download"));
    EXPECT_THAT(report.comparison->resolvedFindings, ElementsAre("evil-d@1.0.0: exfil-env"));
}

TEST_F(ScanOrchestratorTest, TheFirstScanHasNothingToCompareWith) {
    // A resolve-only record of the same project is no analysed scan.
    auto resolveOnly = store.beginScan(project, "");
    ASSERT_TRUE(resolveOnly.ok());
    ASSERT_TRUE(store.finishScan(*resolveOnly, store::ScanStatus::Complete, R"({"resolve_only":true})").ok());
    const auto report = run(diamond());
    EXPECT_FALSE(report.comparison.has_value());
}

TEST_F(ScanOrchestratorTest, AStoredScanLoadsBackAsTheSameReport) {
    analyzer.failing = {"b@1.0.0"};
    const auto original = run(diamond());
    auto loaded = loadScanReport(store, original.scanId);
    ASSERT_TRUE(loaded.ok()) << loaded.error().primary;
    EXPECT_EQ(loaded->status, "complete");
    EXPECT_EQ(loaded->totalPackages, original.totalPackages);
    EXPECT_EQ(loaded->analysed, original.analysed);
    EXPECT_EQ(loaded->failed, 1u);
    EXPECT_EQ(loaded->analyzerVersion, original.analyzerVersion);
    ASSERT_EQ(loaded->packages.size(), original.packages.size());
    for (std::size_t i = 0; i < original.packages.size(); ++i) {
        EXPECT_EQ(loaded->packages[i].key(), original.packages[i].key());
        EXPECT_EQ(loaded->packages[i].severity, original.packages[i].severity);
        EXPECT_EQ(loaded->packages[i].paths, original.packages[i].paths);
    }
    EXPECT_EQ(loaded->findingsBySeverity, original.findingsBySeverity);
    auto missing = loadScanReport(store, 9999);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

TEST_F(ScanOrchestratorTest, ProgressNamesRunningPackagesAndEndsComplete) {
    analyzer.delay = std::chrono::milliseconds(5);
    std::mutex m;
    std::vector<ScanProgress> seen;
    ScanOrchestrator orchestrator(config(), store, analyzer, ScanOptions{}, {});
    auto report = orchestrator.analyseRecorded(record(diamond()), {}, {}, [&](const ScanProgress& p) {
        std::lock_guard lock(m);
        seen.push_back(p);
    });
    ASSERT_TRUE(report.ok());
    ASSERT_FALSE(seen.empty());
    bool sawPhase = false;
    for (const auto& p : seen)
        for (const auto& r : p.running)
            sawPhase = sawPhase || r.ends_with(" import");
    EXPECT_TRUE(sawPhase);
    EXPECT_EQ(seen.back().done, 4u);
    EXPECT_EQ(seen.back().toAnalyse, 4u);
    EXPECT_TRUE(seen.back().running.empty());
}

// The GUI reads a finished package's events from the store: the report that announces the end of
// an analysis must come after its results are committed, once per package.
TEST_F(ScanOrchestratorTest, EachAnalysisIsAnnouncedOnceItIsStored) {
    std::vector<std::string> ended;
    std::vector<std::string> notStored;
    const report::StoreEventSource events(store);  // what the GUI's details page reads
    ScanOrchestrator orchestrator(config(), store, analyzer, ScanOptions{}, {});
    auto report = orchestrator.analyseRecorded(record(diamond()), {}, {}, [&](const ScanProgress& p) {
        if (p.ended.empty())
            return;  // called under the orchestrator's lock: no two calls at once
        ended.push_back(p.ended);
        const auto at = p.ended.rfind('@');
        if (!events.eventsOf(p.ended.substr(0, at), p.ended.substr(at + 1)).ok())
            notStored.push_back(p.ended);
    });
    ASSERT_TRUE(report.ok());
    std::sort(ended.begin(), ended.end());
    EXPECT_EQ(ended.size(), 4u);
    EXPECT_EQ(std::unique(ended.begin(), ended.end()), ended.end());
    EXPECT_THAT(notStored, ::testing::IsEmpty());
}

TEST(ParsePhases, CanonicalOrderAndUnknownNames) {
    EXPECT_THAT(parsePhases("api,install").value(), ElementsAre("install", "api"));
    auto bad = parsePhases("install,exec");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::Usage);
    EXPECT_THAT(bad.error().primary, ::testing::HasSubstr("exec"));
}

}  // namespace
}  // namespace vigil::engine::plan
