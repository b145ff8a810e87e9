// Findings charged to the package whose code did it: runtime stacks and the process tree attribute
// events, a finding only a dependency's code accounts for is information on the dependent ("through
// its dependency D") and the dependency carries it at full severity in the scan's report.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/engine/plan/finding_lookup.h"
#include "engine/analysis/event_attribution.h"
#include "engine/plan/consumer_project.h"
#include "engine/plan/rule_evaluator.h"
#include "engine/plan/scan_aggregation.h"
#include "engine/plan/stored_attribution.h"
#include "engine/store/store.h"

namespace vigil::engine::plan {
namespace {

using test::findFinding;

namespace fs = std::filesystem;
using collect::Event;
using collect::Source;
using nlohmann::json;

Event runtimeEvent(uint64_t seq, std::string_view kind, json attrs, const std::string& package, int32_t pid = 2) {
    Event e;
    e.seq = seq;
    e.tsNs = static_cast<int64_t>(seq) * 1000;
    e.phase = "import";
    e.pid = pid;
    e.ppid = 1;
    e.exe = "/usr/bin/node";
    e.kind = std::string(kind);
    e.source = Source::Runtime;
    e.attrs = std::move(attrs);
    e.attribution.package = package;
    e.attribution.file = "index.js";
    e.attribution.line = 7;
    return e;
}

Event kernelEvent(uint64_t seq, std::string_view kind, json attrs, int32_t pid, int32_t ppid) {
    Event e;
    e.seq = seq;
    e.tsNs = static_cast<int64_t>(seq) * 1000;
    e.phase = "import";
    e.pid = pid;
    e.ppid = ppid;
    e.kind = std::string(kind);
    e.source = Source::Kernel;
    e.attrs = std::move(attrs);
    return e;
}

/// app@1.0.0 imports helper@2.0.0. helper's code calls process.binding and runs `id` through
/// child_process (fork 2 -> 10, whose exec and its own child 11 are helper's too); app itself
/// reads NPM_TOKEN and runs `uname` (fork 2 -> 12). The first process's own kernel events (pid 2)
/// belong to nobody: npm or node started them, not a package's call.
std::vector<Event> importStream() {
    namespace kind = collect::kind;
    const json none = json::array();
    return {
        kernelEvent(0, kind::FileOpen, {{"path", "/home/dev/project/node_modules/app/index.js"}, {"access", "read"}},
                    2, 1),
        runtimeEvent(1, kind::CodeBinding, {{"api", "process.binding"}, {"name", "util"}}, "helper@2.0.0"),
        runtimeEvent(2, kind::EnvRead, {{"name", "NPM_TOKEN"}, {"via", "process.env"}}, "app@1.0.0"),
        runtimeEvent(3, kind::ProcessSpawn,
                     {{"api", "child_process.execFile"}, {"command", "id"}, {"args", none}, {"shell", false}},
                     "helper@2.0.0"),
        kernelEvent(4, kind::ProcessFork, {{"child_pid", 10}}, 2, 1),
        kernelEvent(5, kind::ProcessExec, {{"path", "/usr/bin/id"}, {"argv", {"id"}}, {"env_names", none}}, 10,
                    2),
        kernelEvent(6, kind::ProcessFork, {{"child_pid", 11}}, 10, 2),
        kernelEvent(7, kind::FileOpen, {{"path", "/etc/passwd"}, {"access", "read"}}, 11, 10),
        runtimeEvent(8, kind::ProcessSpawn,
                     {{"api", "child_process.execFile"}, {"command", "uname"}, {"args", none}, {"shell", false}},
                     "app@1.0.0"),
        kernelEvent(9, kind::ProcessFork, {{"child_pid", 12}}, 2, 1),
        kernelEvent(10, kind::ProcessExec, {{"path", "/usr/bin/uname"}, {"argv", {"uname"}}, {"env_names", none}},
                    12, 2),
        // npm's or node's own fork (no call of a package before it): its child is nobody's.
        kernelEvent(11, kind::ProcessFork, {{"child_pid", 13}}, 2, 1),
        kernelEvent(12, kind::ProcessExec, {{"path", "/bin/sh"}, {"argv", {"sh"}}, {"env_names", none}}, 13,
                    2),
    };
}

TEST(EventAttribution, RuntimeStacksAndTheProcessTreeNameThePackage) {
    const analysis::SeqPackages a = analysis::attributeEvents(importStream());
    auto owner = [&](uint64_t seq) { return a.count(seq) ? a.at(seq) : std::string("-"); };
    EXPECT_EQ(owner(0), "-");
    EXPECT_EQ(owner(1), "helper@2.0.0");
    EXPECT_EQ(owner(2), "app@1.0.0");
    EXPECT_EQ(owner(3), "helper@2.0.0");
    EXPECT_EQ(owner(4), "-");  // the fork is done by node itself (pid 2): its own process is nobody's
    EXPECT_EQ(owner(5), "helper@2.0.0");
    EXPECT_EQ(owner(6), "helper@2.0.0");
    EXPECT_EQ(owner(7), "helper@2.0.0");  // a grandchild inherits
    EXPECT_EQ(owner(8), "app@1.0.0");
    EXPECT_EQ(owner(10), "app@1.0.0");
    EXPECT_EQ(owner(12), "-");
}

class DependencyAttributionTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("vigil-dep-attribution-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        std::ofstream(dir_ / "rules.yaml") << R"(- required_engine_version: 1
- rule: process-binding
  description: calls process.binding
  condition: events.code.dynamic.kinds intersects ['binding']
  severity: medium
- rule: secret-env-read
  description: Reads a secret environment variable
  condition: events.env_read intersects ['NPM_TOKEN']
  severity: high
- rule: runs-programs
  description: Starts programs
  condition: events.process.programs.count > 0
  severity: low
- rule: binding-in-strings
  description: process.binding in a string library
  condition: category == 'string' and events.code.dynamic.kinds intersects ['binding']
  severity: medium
)";
    }
    void TearDown() override { fs::remove_all(dir_); }

    /// app@1.0.0's analysis document built from importStream(), attributed as the analyzer does.
    static AnalysisDocument appDocument() {
        analysis::PhaseRecord r;
        r.phase = "import";
        r.runtime = "node-test";
        r.events = importStream();
        AnalysisDocument d;
        d.fingerprint = analysis::buildFingerprint(analysis::PackageIdentity::inConsumer("app", "1.0.0"), {r}, nullptr);
        d.attribution = analysis::evidenceAttribution(d.fingerprint, {{"import", analysis::attributeEvents(r.events)}});
        d.attributionKnown = true;
        d.category.category = "string";
        return d;
    }

    fs::path dir_;
};

TEST_F(DependencyAttributionTest, ADependencysBehaviourIsInformationOnTheDependentItsOwnStaysFull) {
    auto ev = RuleEvaluator::load({dir_});
    ASSERT_TRUE(ev.ok()) << ev.error().describe();
    const AnalysisDocument doc = appDocument();
    const auto findings = ev->judge(doc);

    const report::Finding* binding = findFinding(findings, "process-binding");
    ASSERT_NE(binding, nullptr);
    EXPECT_EQ(binding->severity, Severity::Info);
    EXPECT_EQ(binding->title, "calls process.binding (through its dependency helper@2.0.0)");
    EXPECT_EQ(binding->evidence[std::string(kViaDependencyKey)], json::array({"helper@2.0.0"}));
    EXPECT_EQ(binding->evidence[std::string(kSeverityAsOwnKey)], "medium");
    ASSERT_EQ(binding->events.size(), 1u);  // the evidence still points at the event
    EXPECT_EQ(binding->events[0].seq, 1u);

    const report::Finding* env = findFinding(findings, "secret-env-read");
    ASSERT_NE(env, nullptr);
    EXPECT_EQ(env->severity, Severity::High);
    EXPECT_FALSE(env->evidence.contains(std::string(kViaDependencyKey)));

    // helper's `id` and app's `uname`: app's own code started one of them, so the finding is app's.
    const report::Finding* programs = findFinding(findings, "runs-programs");
    ASSERT_NE(programs, nullptr);
    EXPECT_EQ(programs->severity, Severity::Low);
    EXPECT_FALSE(programs->evidence.contains(std::string(kViaDependencyKey))) << programs->evidence.dump();

    // Without the attribution (a document from before it) nothing changes: full severity.
    AnalysisDocument legacy = doc;
    legacy.attribution.clear();
    legacy.attributionKnown = false;
    const auto legacyFindings = ev->judge(legacy);  // kept: findFinding() points into it
    const report::Finding* old = findFinding(legacyFindings, "process-binding");
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(old->severity, Severity::Medium);

    // The attribution survives the store: a stored document is judged the same.
    auto again = ev->evaluate(AnalysisTarget{}, toJson(doc));
    ASSERT_TRUE(again.ok()) << again.error().describe();
    const report::Finding* stored = findFinding(*again, "process-binding");
    ASSERT_NE(stored, nullptr);
    EXPECT_EQ(stored->severity, Severity::Info);
}

TEST_F(DependencyAttributionTest, TheDependencyCarriesItAtFullSeverityInTheScan) {
    auto ev = RuleEvaluator::load({dir_});
    ASSERT_TRUE(ev.ok()) << ev.error().describe();
    const AnalysisDocument doc = appDocument();

    report::ScanReport r;
    report::PackageReport app;
    app.name = "app";
    app.version = "1.0.0";
    app.findings = ev->judge(doc);
    report::PackageReport other = app;  // a second dependent that reached the same code
    other.name = "other";
    report::PackageReport helper;
    helper.name = "helper";
    helper.version = "2.0.0";
    r.packages = {app, other, helper};
    finalizeReport(r, store::ScanGraph{});
    creditDependencies(r);  // idempotent: a second pass adds nothing

    const report::PackageReport* h = nullptr;
    for (const auto& p : r.packages)
        if (p.name == "helper")
            h = &p;
    ASSERT_NE(h, nullptr);
    ASSERT_EQ(h->findings.size(), 1u);
    const report::Finding& f = h->findings[0];
    EXPECT_EQ(f.ruleId, "process-binding");
    EXPECT_EQ(f.severity, Severity::Medium);
    EXPECT_EQ(f.title, "calls process.binding (when app@1.0.0, other@1.0.0 ran it)");
    EXPECT_EQ(f.evidence["reached_from"], json::array({"app@1.0.0", "other@1.0.0"}));
    EXPECT_EQ(h->severity, Severity::Medium);
    // Judged on app's category: not helper's verdict to carry.
    EXPECT_EQ(findFinding(h->findings, "binding-in-strings"), nullptr);
    // Counted once, on helper: app's is information.
    EXPECT_EQ(r.findingsBySeverity[Severity::Medium], 1u);
    EXPECT_EQ(r.findingsBySeverity[Severity::High], 2u);  // app's and other's own NPM_TOKEN reads

    // helper's own run already judged that rule on the same values (here: as expected, an
    // exception for helper's name): its verdict wins.
    report::ScanReport r2;
    helper.findings = {report::Finding{}};
    helper.findings[0].ruleId = "process-binding";
    helper.findings[0].severity = Severity::Medium;
    helper.findings[0].expected = true;
    helper.findings[0].evidence = {{"events.code.dynamic.kinds", {"binding"}}};
    r2.packages = {app, helper};
    finalizeReport(r2, store::ScanGraph{});
    for (const auto& p : r2.packages)
        if (p.name == "helper") {
            ASSERT_EQ(p.findings.size(), 1u);
            EXPECT_EQ(p.severity, Severity::Info);
        }

    // ...but values only a dependent's run showed are news about helper's code.
    report::ScanReport r3;
    helper.findings[0].evidence = {{"events.code.dynamic.kinds", {"eval"}}};
    r3.packages = {app, helper};
    finalizeReport(r3, store::ScanGraph{});
    for (const auto& p : r3.packages)
        if (p.name == "helper") {
            EXPECT_EQ(p.findings.size(), 2u);
            EXPECT_EQ(p.severity, Severity::Medium);
        }
}

TEST_F(DependencyAttributionTest, ThePhaseDriversCallsAreThePackagesOwn) {
    auto ev = RuleEvaluator::load({dir_});
    ASSERT_TRUE(ev.ok()) << ev.error().describe();
    // The import driver (the consumer project's code) runs the package's bin, which runs `uname`.
    const std::vector<Event> stream = {
        runtimeEvent(0, collect::kind::ProcessSpawn,
                     {{"api", "child_process.spawnSync"}, {"command", "/home/dev/project/node_modules/.bin/app"},
                      {"args", {"--help"}}, {"shell", false}},
                     std::string(kConsumerName) + "@" + kConsumerVersion),
        kernelEvent(1, collect::kind::ProcessFork, {{"child_pid", 10}}, 2, 1),
        kernelEvent(2, collect::kind::ProcessExec,
                    {{"path", "/usr/bin/node"}, {"argv", {"node", "/home/dev/project/node_modules/.bin/app"}},
                     {"env_names", json::array()}},
                    10, 2),
    };
    analysis::PhaseRecord r;
    r.phase = "import";
    r.runtime = "node-test";
    r.events = stream;
    AnalysisDocument d;
    d.fingerprint = analysis::buildFingerprint(analysis::PackageIdentity::inConsumer("app", "1.0.0"), {r}, nullptr);
    d.attribution = analysis::evidenceAttribution(d.fingerprint, {{"import", analysis::attributeEvents(r.events)}});
    d.attributionKnown = true;
    ASSERT_FALSE(d.attribution.empty());
    const auto findings = ev->judge(d);  // kept: findFinding() points into it
    const report::Finding* programs = findFinding(findings, "runs-programs");
    ASSERT_NE(programs, nullptr);
    EXPECT_EQ(programs->severity, Severity::Low);
}

TEST_F(DependencyAttributionTest, WhatALifecycleScriptLoadsIsThePackagesOwn) {
    auto ev = RuleEvaluator::load({dir_});
    ASSERT_TRUE(ev.ok()) << ev.error().describe();
    analysis::PhaseRecord r;
    r.phase = "install";
    r.runtime = "node-test";
    r.events = importStream();
    for (auto& e : r.events)
        e.phase = "install";
    AnalysisDocument d;
    d.fingerprint = analysis::buildFingerprint(analysis::PackageIdentity::inConsumer("app", "1.0.0"), {r}, nullptr);
    d.attribution = analysis::evidenceAttribution(d.fingerprint, {{"install", analysis::attributeEvents(r.events)}});
    d.attributionKnown = true;
    const auto findings = ev->judge(d);
    const report::Finding* binding = findFinding(findings, "process-binding");
    ASSERT_NE(binding, nullptr);
    EXPECT_EQ(binding->severity, Severity::Medium);
}

TEST_F(DependencyAttributionTest, AStoredDocumentGetsItsAttributionFromTheStoredEventsOnce) {
    auto store = store::Store::open(dir_ / "store.db");
    ASSERT_TRUE(store.ok()) << store.error().describe();
    AnalysisDocument doc = appDocument();
    doc.attribution.clear();
    doc.attributionKnown = false;  // as analysed before attribution existed
    store::VersionRecord v;
    v.packageName = "app";
    v.version = "1.0.0";
    auto id = store->upsertVersion(v);
    ASSERT_TRUE(id.ok()) << id.error().describe();
    store::AnalysisRecord record;
    record.version = *id;
    record.fingerprint = fingerprintRecordOf(toJson(doc), "test-analyzer");
    store::AnalysisRunRecord run;
    run.phase = store::Phase::Import;
    run.outcome = "ok";
    for (const Event& e : importStream())
        run.events.push_back(store::EventRecord{e.tsNs, e.kind, collect::toJson(e).dump()});
    record.runs.push_back(std::move(run));
    ASSERT_TRUE(store->recordAnalysis(record).ok());

    auto stored = store->fingerprintOf("npm", "app", "1.0.0");
    ASSERT_TRUE(stored.ok() && stored->has_value());
    json document = fingerprintJsonOf(**stored);
    ASSERT_FALSE(document.contains("attribution"));
    auto added = addStoredAttribution(*store, *id, "test-analyzer", document);
    ASSERT_TRUE(added.ok()) << added.error().describe();
    EXPECT_TRUE(*added);
    // The same as the analyzer computes from the live events.
    EXPECT_EQ(document["attribution"], analysis::toJson(appDocument().attribution)) << document["attribution"];
    EXPECT_EQ(document["attribution"]["app@1.0.0"]["import"], json::array({2, 8, 10}));

    auto ev = RuleEvaluator::load({dir_});
    ASSERT_TRUE(ev.ok()) << ev.error().describe();
    auto findings = ev->evaluate(AnalysisTarget{}, document);
    ASSERT_TRUE(findings.ok()) << findings.error().describe();
    const report::Finding* binding = findFinding(*findings, "process-binding");
    ASSERT_NE(binding, nullptr);
    EXPECT_EQ(binding->severity, Severity::Info);

    // Once there, it is not computed again.
    auto again = addStoredAttribution(*store, *id, "test-analyzer", document);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(*again);
}

}  // namespace
}  // namespace vigil::engine::plan
