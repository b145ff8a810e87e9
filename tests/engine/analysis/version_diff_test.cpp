#include "engine/analysis/version_diff.h"

#include <gtest/gtest.h>

#include "tests/engine/analysis/analysis_test_events.h"

namespace vigil::engine::analysis {
namespace {

using test::ev;
using test::fingerprintOf;
using test::record;
namespace kind = collect::kind;
using V = std::vector<std::string>;
using ms = std::chrono::milliseconds;

collect::Event buildScript(uint64_t seq) {
    return ev(seq, kind::ProcessExec, {{"argv", {"sh", "-c", "node build.js"}}});
}
collect::Event connect(uint64_t seq, const char* host) {
    return ev(seq, kind::NetConnect, {{"address", "10.0.0.9"}, {"port", 443}, {"host", host}});
}

/// 1.0.0: builds at install, reads a file at import, calls its API in the api phase.
Fingerprint before() {
    return fingerprintOf(
        "evil", "1.0.0",
        {record("install", {buildScript(1), ev(2, kind::FileOpen, {{"path", "/home/dev/project/node_modules/evil/out.js"}, {"access", "write"}})}, 0, ms(1000)),
         record("import", {ev(4, kind::FileOpen, {{"path", "/home/dev/project/node_modules/evil/old.js"}, {"access", "read"}})}, 0, ms(300)),
         record("api", {connect(3, "api.example")}, 0, ms(400))});
}

/// 1.0.1: the same build, then reads NPM_TOKEN and calls evil.example and its API at install,
/// which now fails and takes 31 s.
Fingerprint after() {
    return fingerprintOf(
        "evil", "1.0.1",
        {record("install",
                {buildScript(1), ev(2, kind::FileOpen, {{"path", "/home/dev/project/node_modules/evil/out.js"}, {"access", "write"}}),
                 ev(11, kind::EnvRead, {{"name", "NPM_TOKEN"}}), connect(12, "evil.example"), connect(13, "api.example"),
                 connect(15, "evil.example")},
                1, ms(31000)),
         record("import", {}, 0, ms(320)), record("api", {}, 0, ms(410))});
}

TEST(VersionDiff, AddedRemovedAndChangedWithEvidence) {
    const VersionDiff d = diffFingerprints(before(), after());
    ASSERT_EQ(d.added.size(), 2u);
    EXPECT_EQ(d.added[0].section, Section::NetConnections);
    EXPECT_EQ(d.added[0].key, "evil.example:443/tcp");
    EXPECT_EQ(d.added[0].evidence, (EventSeqs{{"install", {12, 15}}}));  // the newer version's events
    EXPECT_EQ(d.added[1].key, "NPM_TOKEN");
    ASSERT_EQ(d.removed.size(), 1u);
    EXPECT_EQ(d.removed[0].key, "$PKG/old.js");
    EXPECT_EQ(d.removed[0].evidence, (EventSeqs{{"import", {4}}}));  // the older version's event

    ASSERT_EQ(d.changed.size(), 3u);
    EXPECT_EQ(d.changed[0].kind, ChangeKind::Outcome);
    EXPECT_EQ(d.changed[0].description, "install started failing: ok (exit 0) -> failed (exit 1)");
    EXPECT_EQ(d.changed[1].kind, ChangeKind::Resource);
    EXPECT_EQ(d.changed[1].measure, "duration");
    EXPECT_DOUBLE_EQ(d.changed[1].factor, 31.0);
    EXPECT_EQ(d.changed[2].kind, ChangeKind::Phases);
    EXPECT_EQ(d.changed[2].key, "api.example:443/tcp");
    EXPECT_EQ(d.changed[2].description, "moved from api to install");
    EXPECT_EQ(d.changed[2].afterEvidence, (EventSeqs{{"install", {13}}}));
    EXPECT_FALSE(d.sameBehaviour);
    EXPECT_EQ(d.summary(), "2 added, 1 removed, 3 changed; behaviour differs");
}

TEST(VersionDiff, TextIsWhatTheUserReads) {
    const std::string text = renderText(diffFingerprints(before(), after()));
    EXPECT_EQ(text,
              "evil 1.0.0 -> 1.0.1: 2 added, 1 removed, 3 changed; behaviour differs\n"
              "+ network.connections  evil.example:443/tcp  (install; events #12,#15)\n"
              "- file.reads           $PKG/old.js           (import; event #4)\n"
              "+ env.reads            NPM_TOKEN             (install; event #11)\n"
              "~ install started failing: ok (exit 0) -> failed (exit 1)\n"
              "~ install duration 1.0 s -> 31.0 s (31.0x more)\n"
              "~ network.connections  api.example:443/tcp   moved from api to install  (install; event #13)\n");
}

TEST(VersionDiff, SameBehaviourDespiteOtherSeqsAndJitter) {
    // Another run of the same code: seqs shifted, durations within the jitter allowed.
    const Fingerprint a = before();
    Fingerprint b = fingerprintOf(
        "evil", "1.0.2",
        {record("install", {buildScript(7), ev(9, kind::FileOpen, {{"path", "/home/dev/project/node_modules/evil/out.js"}, {"access", "write"}})}, 0, ms(2400)),
         record("import", {ev(5, kind::FileOpen, {{"path", "/home/dev/project/node_modules/evil/old.js"}, {"access", "read"}})}, 0, ms(900)),
         record("api", {connect(8, "api.example")}, 0, ms(400))});
    const VersionDiff d = diffFingerprints(a, b);
    EXPECT_TRUE(d.empty()) << renderText(d);  // x2.4 and x3 but under 2 s: jitter, not a change
    EXPECT_EQ(d.summary(), "no differences; same behaviour");

    // Same behaviour, but the install now takes 10x longer: listed, and still "same behaviour".
    b.phases["install"].outcome.duration = ms(10000);
    const VersionDiff slow = diffFingerprints(a, b);
    ASSERT_EQ(slow.changed.size(), 1u);
    EXPECT_EQ(slow.changed[0].description, "install duration 1.0 s -> 10.0 s (10.0x more)");
    EXPECT_EQ(slow.summary(), "0 added, 0 removed, 1 changed; same behaviour");
}

TEST(VersionDiff, OutcomesTimeoutsAndResourceThresholds) {
    Fingerprint a = before(), b = before();
    b.version = "1.0.1";
    b.phases["install"].outcome.wallLimitHit = true;
    b.phases["install"].outcome.exitCode = -1;
    b.phases["install"].outcome.signal = 9;
    b.phases["import"].outcome.memoryPeakBytes = 400ull << 20;
    a.phases["import"].outcome.memoryPeakBytes = 50ull << 20;
    a.phases["api"].outcome.stdoutBytes = 200;
    b.phases["api"].outcome.stdoutBytes = 3000;  // x15 but only 2.8 KiB more: a longer banner
    a.phases["api"].outcome.cpu = ms(100);      // b did not measure CPU: no comparison
    const VersionDiff d = diffFingerprints(a, b);
    V lines;
    for (const DiffChange& c : d.changed)
        lines.push_back(c.description);
    // Phases in name order, within a phase the outcome first.
    EXPECT_EQ(lines, (V{"import memory 50.0 MiB -> 400.0 MiB (8.0x more)",
                        "install started timing out: ok (exit 0) -> timed out (wall-clock limit)"}));

    const VersionDiff back = diffFingerprints(b, a);
    EXPECT_EQ(back.changed[0].description, "import memory 400.0 MiB -> 50.0 MiB (8.0x less)");
    EXPECT_EQ(back.changed[1].description, "install stopped timing out: timed out (wall-clock limit) -> ok (exit 0)");

    // Output floods are a change, CPU compared once both runs measured it.
    b.phases["api"].outcome.stdoutBytes = 1 << 20;
    b.phases["api"].outcome.cpu = ms(5000);
    const VersionDiff flood = diffFingerprints(a, b);
    EXPECT_EQ(flood.changed.size(), 4u);
    EXPECT_EQ(flood.changed[0].description, "api cpu 0.1 s -> 5.0 s (50.0x more)");
    EXPECT_EQ(flood.changed[1].description, "api output 200 B -> 1.0 MiB (5242.9x more)");
}

TEST(VersionDiff, PhaseThatRanInOnlyOneVersion) {
    Fingerprint a = before();
    a.phases.erase("api");
    a.sections[Section::NetConnections].clear();
    const VersionDiff d = diffFingerprints(a, before());
    ASSERT_EQ(d.added.size(), 1u);
    EXPECT_EQ(d.added[0].key, "api.example:443/tcp");
    ASSERT_EQ(d.changed.size(), 1u);
    EXPECT_EQ(d.changed[0].kind, ChangeKind::PhaseRun);
    EXPECT_EQ(d.changed[0].description, "api phase ran only in 1.0.0");
}

TEST(VersionDiff, FactsPerPhaseAndOverall) {
    const DiffFacts all = diffFacts(before(), after());
    EXPECT_EQ(all.added.at("network.hosts"), (V{"evil.example"}));
    EXPECT_EQ(all.added.at("network.connections"), (V{"evil.example:443"}));
    EXPECT_EQ(all.added.at("env_read"), (V{"NPM_TOKEN"}));
    EXPECT_EQ(all.removed.at("file.reads"), (V{"$PKG/old.js"}));
    EXPECT_EQ(all.added.at("process.programs"), V{});
    // In the install phase api.example is new too: it moved there from the api phase.
    const DiffFacts install = diffFacts(before(), after(), "install");
    EXPECT_EQ(install.added.at("network.hosts"), (V{"api.example", "evil.example"}));
    EXPECT_EQ(diffFacts(before(), after(), "api").removed.at("network.hosts"), (V{"api.example"}));
    for (const std::string& k : diffFactKeys()) {
        EXPECT_EQ(all.added.count(k), 1u) << k;
        EXPECT_EQ(all.removed.count(k), 1u) << k;
    }
    // What the rules see.
    const nlohmann::json f = buildFacts(after(), "install", {"evil", "1.0.1", "string"}, install, std::nullopt, {});
    EXPECT_EQ(f["diff.added.network.hosts.count"], 2);
    EXPECT_TRUE(f["diff.available"].get<bool>());
}

TEST(VersionDiff, JsonShape) {
    const nlohmann::json j = toJson(diffFingerprints(before(), after()));
    EXPECT_EQ(j["schema"], "vigil.diff/1");
    EXPECT_EQ(j["from"]["version"], "1.0.0");
    EXPECT_EQ(j["to"]["version"], "1.0.1");
    EXPECT_EQ(j["counts"]["added"], 2);
    EXPECT_EQ(j["summary"], "2 added, 1 removed, 3 changed; behaviour differs");
    EXPECT_EQ(j["sections"]["network.connections"]["added"][0]["key"], "evil.example:443/tcp");
    EXPECT_EQ(j["sections"]["network.connections"]["added"][0]["evidence"]["install"], (std::vector<int>{12, 15}));
    EXPECT_EQ(j["sections"]["file.reads"]["removed"][0]["evidence"]["import"], (std::vector<int>{4}));
    EXPECT_FALSE(j["sections"].contains("process.programs"));  // unchanged sections are left out
    EXPECT_EQ(j["changed"][0]["kind"], "outcome");
    EXPECT_EQ(j["changed"][0]["phase"], "install");
    EXPECT_EQ(j["changed"][1]["measure"], "duration");
    EXPECT_EQ(j["changed"][2]["kind"], "phases");
    EXPECT_EQ(j["changed"][2]["before"], "api");
    EXPECT_EQ(j["changed"][2]["after"], "install");
    EXPECT_EQ(j["changed"][2]["after_evidence"]["install"], (std::vector<int>{13}));
}

TEST(VersionDiff, HostileKeysCannotDriveTheTerminal) {
    Fingerprint b = before();
    b.sections[Section::ShellCommands]["echo \x1b]0;pwned\x07\nrm -rf ~"]["install"] = {40};
    const std::string text = renderText(diffFingerprints(before(), b));
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_EQ(text.find('\x07'), std::string::npos);
    EXPECT_NE(text.find("echo \\x1b]0;pwned\\x07\\nrm -rf ~"), std::string::npos) << text;
    EXPECT_EQ(terminalSafe(std::string(100, 'a'), 10), "aaaaaaa...");
    EXPECT_EQ(evidenceText({{"install", {1, 2, 3, 4, 5, 6, 7, 8}}}, 3), "(install; events #1,#2,#3,...+5)");
    EXPECT_EQ(evidenceText({{"api", {7}}, {"install", {3}}}), "(api: #7; install: #3)");
}

}  // namespace
}  // namespace vigil::engine::analysis
