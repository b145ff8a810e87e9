// Store: scans and their graphs, analysis runs with ordered events, findings.
#include "engine/store/store.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "tests/engine/store/store_test_support.h"

using namespace vigil::engine;
using namespace vigil::engine::store;
using vigil::engine::store::testing::TempDir;

namespace {

class StoreScans : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = Store::open(dir_ / "vigil.db");
        ASSERT_TRUE(opened.ok()) << opened.error().describe();
        store_.emplace(std::move(opened).value());
    }

    static ScanGraph smallGraph() {
        ScanGraph g;
        g.packages = {
            {"npm", "express", "4.18.2", "sha512-e", true, false, false},
            {"npm", "debug", "2.6.9", "sha512-d", false, false, false},
            {"npm", "ms", "2.0.0", "sha512-m", false, false, false},
            {"npm", "jest", "29.7.0", "", true, true, false},
            {"npm", "ms", "2.0.0", "sha512-m", false, true, false},  // same version again, via dev
        };
        g.edges = {
            {std::nullopt, 0, "express", "^4.18.0", DepType::Prod},
            {std::nullopt, 3, "jest", "^29.0.0", DepType::Dev},
            {0, 1, "debug", "2.6.9", DepType::Prod},
            {1, 2, "ms", "2.0.0", DepType::Prod},
        };
        return g;
    }

    VersionId version(const std::string& name, const std::string& v) {
        VersionRecord r;
        r.packageName = name;
        r.version = v;
        auto id = store_->upsertVersion(r);
        EXPECT_TRUE(id.ok());
        return id.ok() ? *id : 0;
    }

    TempDir dir_;
    std::optional<Store> store_;
};

}  // namespace

TEST_F(StoreScans, AGraphIsRecordedAndReadBackWhole) {
    auto scan = store_->beginScan("/home/dev/app", "package-lock.json");
    ASSERT_TRUE(scan.ok());
    auto recorded = store_->recordScanGraph(*scan, smallGraph());
    ASSERT_TRUE(recorded.ok()) << recorded.error().describe();
    ASSERT_TRUE(store_->finishScan(*scan, ScanStatus::Complete, R"({"packages":4})").ok());

    auto graph = store_->scanGraph(*scan);
    ASSERT_TRUE(graph.ok()) << graph.error().describe();
    ASSERT_EQ(graph->packages.size(), 4u) << "ms@2.0.0 appears once";
    ASSERT_EQ(graph->edges.size(), 4u);
    auto indexOf = [&](const std::string& name) {
        for (std::size_t i = 0; i < graph->packages.size(); ++i)
            if (graph->packages[i].name == name)
                return i;
        ADD_FAILURE() << name << " missing";
        return std::size_t{0};
    };
    const auto& ms = graph->packages[indexOf("ms")];
    EXPECT_FALSE(ms.dev) << "prod through debug and dev through jest: not dev-only";
    EXPECT_EQ(ms.integrity, "sha512-m");
    EXPECT_TRUE(graph->packages[indexOf("jest")].dev);
    EXPECT_TRUE(graph->packages[indexOf("express")].direct);
    EXPECT_FALSE(graph->edges[0].from.has_value());
    EXPECT_EQ(graph->edges[0].to, indexOf("express"));
    EXPECT_EQ(graph->edges[1].type, DepType::Dev);
    EXPECT_EQ(graph->edges[3].from, indexOf("debug"));
    EXPECT_EQ(graph->edges[3].to, indexOf("ms"));
    EXPECT_EQ(graph->edges[3].spec, "2.0.0");

    // The scan's versions are ordinary catalogue versions now.
    EXPECT_TRUE(store_->findVersion("npm", "debug", "2.6.9")->has_value());
    EXPECT_TRUE(store_->checkIntegrity().ok());
}

TEST_F(StoreScans, ABadGraphLeavesNothingBehind) {
    auto scan = store_->beginScan("/p", "");
    auto g = smallGraph();
    g.edges.push_back({2, 42, "ghost", "*", DepType::Prod});
    ASSERT_FALSE(store_->recordScanGraph(*scan, g).ok());

    auto tampered = smallGraph();
    ASSERT_TRUE(store_->upsertVersion(VersionRecord{"npm", "ms", "2.0.0", "sha512-other"}).ok());
    auto refused = store_->recordScanGraph(*scan, tampered);  // fails at the 3rd package, after writes
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::Integrity);
    auto stats = store_->stats();
    EXPECT_EQ(stats->rowsOf("scan_packages"), 0);
    EXPECT_EQ(stats->rowsOf("scan_edges"), 0);
    EXPECT_FALSE(store_->findVersion("npm", "express", "4.18.2")->has_value()) << "rolled back";
}

TEST_F(StoreScans, RecordingAgainReplacesAndAFinishedScanIsFrozen) {
    auto scan = store_->beginScan("/p", "");
    ASSERT_TRUE(store_->recordScanGraph(*scan, smallGraph()).ok());
    ScanGraph smaller;
    smaller.packages = {{"npm", "left-pad", "1.3.0", "", true}};
    smaller.edges = {{std::nullopt, 0, "left-pad", "^1.3.0", DepType::Prod}};
    ASSERT_TRUE(store_->recordScanGraph(*scan, smaller).ok());
    EXPECT_EQ(store_->scanGraph(*scan)->packages.size(), 1u);

    ASSERT_TRUE(store_->finishScan(*scan, ScanStatus::Failed, "{}").ok());
    auto late = store_->recordScanGraph(*scan, smallGraph());
    ASSERT_FALSE(late.ok());
    EXPECT_NE(late.error().primary.find("failed"), std::string::npos) << late.error().primary;
    EXPECT_FALSE(store_->finishScan(*scan, ScanStatus::Complete, "{}").ok());
    EXPECT_EQ(store_->scanGraph(*scan)->packages.size(), 1u);
    EXPECT_EQ(store_->recordScanGraph(*scan + 7, smaller).error().code, ErrorCode::NotFound);
}

TEST_F(StoreScans, LatestScanIsPerProjectAndCanAskForAStatus) {
    EXPECT_FALSE(store_->latestScan("/a")->has_value());
    auto first = store_->beginScan("/a", "package-lock.json");
    ASSERT_TRUE(store_->finishScan(*first, ScanStatus::Complete, R"({"packages":12})").ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // distinct started_at
    auto second = store_->beginScan("/a", "package-lock.json");
    auto other = store_->beginScan("/b", "yarn.lock");

    auto latest = store_->latestScan("/a");
    ASSERT_TRUE(latest.ok() && latest->has_value());
    EXPECT_EQ((*latest)->id, *second);
    EXPECT_EQ((*latest)->status, ScanStatus::Running);
    EXPECT_FALSE((*latest)->finishedAtMs.has_value());

    auto complete = store_->latestScan("/a", ScanStatus::Complete);
    ASSERT_TRUE(complete->has_value());
    EXPECT_EQ((*complete)->id, *first);
    EXPECT_EQ((*complete)->totalsJson, R"({"packages":12})");
    EXPECT_TRUE((*complete)->finishedAtMs.has_value());
    EXPECT_EQ((*store_->latestScan("/b"))->id, *other);
    EXPECT_EQ((*store_->latestScan("/b"))->lockfile, "yarn.lock");
}

TEST_F(StoreScans, EventsAreNumberedInAppendOrderAndABadBatchAddsNothing) {
    auto v = version("colors", "1.4.44-liberty-2");
    auto run = store_->beginRun(v, Phase::Import, "0.1.0");
    ASSERT_TRUE(run.ok()) << run.error().describe();
    std::vector<EventRecord> batch1{{10, "exec", R"({"argv":["node"]})"}, {20, "open", R"({"path":"$PKG/index.js"})"}};
    std::vector<EventRecord> batch2{{30, "loop", "{}"}, {25, "timer", "{}"}};
    EXPECT_EQ(*store_->appendEvents(*run, batch1), 0);
    EXPECT_EQ(*store_->appendEvents(*run, batch2), 2);

    std::vector<EventRecord> bad{{40, "ok", "{}"}, {50, "broken", "{not json"}};
    auto refused = store_->appendEvents(*run, bad);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().primary.find("run " + std::to_string(*run)), std::string::npos)
        << refused.error().primary;

    auto events = store_->eventsOf(*run);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 4u);
    EXPECT_EQ((*events)[0].event.kind, "exec");
    EXPECT_EQ((*events)[3].event.kind, "timer") << "append order, not timestamp order";
    EXPECT_EQ((*events)[3].seq, 3);
    EXPECT_EQ((*events)[0].phase, Phase::Import);
    auto page = store_->eventsOf(*run, 1, 2);
    ASSERT_EQ(page->size(), 2u);
    EXPECT_EQ((*page)[0].event.kind, "open");

    ASSERT_TRUE(store_->finishRun(*run, "timeout").ok());
    EXPECT_EQ(store_->finishRun(*run + 9, "ok").error().code, ErrorCode::NotFound);
    EXPECT_EQ(store_->appendEvents(*run + 9, batch1).error().code, ErrorCode::NotFound);
}

TEST_F(StoreScans, FindingsFilterBySeverityMostSevereFirst) {
    auto v = version("eslint-scope", "3.7.2");
    auto run = store_->beginRun(v, Phase::Install, "0.1.0");
    const std::pair<Severity, const char*> raised[] = {
        {Severity::Low, "new-dependency"},
        {Severity::Critical, "credential-exfiltration"},
        {Severity::High, "remote-code-download"},
        {Severity::Info, "install-script"},
    };
    for (const auto& [severity, rule] : raised) {
        auto id = store_->addFinding(FindingRecord{v, *run, rule, severity, std::string("saw ") + rule,
                                                   R"({"events":[1,2]})"});
        ASSERT_TRUE(id.ok()) << id.error().describe();
    }
    auto serious = store_->findingsOf(v, Severity::High);
    ASSERT_TRUE(serious.ok());
    ASSERT_EQ(serious->size(), 2u);
    EXPECT_EQ((*serious)[0].record.ruleId, "credential-exfiltration");
    EXPECT_EQ((*serious)[1].record.ruleId, "remote-code-download");
    EXPECT_EQ((*serious)[0].record.runId, *run);
    EXPECT_EQ(store_->findingsOf(v)->size(), 4u);

    auto bad = store_->addFinding(FindingRecord{v, std::nullopt, "x", Severity::Low, "t", "not json"});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().primary.find("eslint-scope@3.7.2"), std::string::npos) << bad.error().primary;
    EXPECT_EQ(store_->addFinding(FindingRecord{v + 50, std::nullopt, "x"}).error().code, ErrorCode::NotFound);
    // Foreign keys are enforced: a finding cannot cite a run that does not exist.
    auto orphan = store_->addFinding(FindingRecord{v, *run + 100, "x", Severity::Low, "t", "{}"});
    ASSERT_FALSE(orphan.ok());
    EXPECT_EQ(orphan.error().code, ErrorCode::Store);
    EXPECT_NE(orphan.error().primary.find("FOREIGN KEY"), std::string::npos) << orphan.error().primary;
    EXPECT_EQ(store_->findingsOf(v)->size(), 4u);
}
