#include "engine/analysis/fingerprint.h"

#include <gtest/gtest.h>

#include "engine/analysis/normalizer_baseline.h"
#include "tests/engine/analysis/analysis_test_events.h"

namespace vigil::engine::analysis {
namespace {

using test::ev;
using test::record;
namespace kind = collect::kind;
using V = std::vector<std::string>;

/// What node+npm do in every install, package or not.
std::vector<collect::Event> runtimeNoise(uint64_t firstSeq) {
    return {ev(firstSeq, kind::FileOpen, {{"path", "/home/dev/.npm/_cacache/index"}, {"access", "read"}}),
            ev(firstSeq + 1, kind::EnvRead, {{"name", "HOME"}}),
            ev(firstSeq + 2, kind::FileOpen, {{"path", "/usr/lib/x86_64-linux-gnu/libc.so.6"}, {"access", "read"}}),
            ev(firstSeq + 3, kind::FileOpen, {{"path", "/home/dev/project/package.json"}, {"access", "read"}})};
}

/// A package whose install reads ~/.npmrc and posts to x.example; seqs shifted by `shift`.
PhaseRecord evilInstall(uint64_t shift, int exitCode = 0) {
    std::vector<collect::Event> events = runtimeNoise(shift);
    events.push_back(ev(shift + 10, kind::FileOpen, {{"path", "/home/dev/.npmrc"}, {"access", "read"}}));
    events.push_back(ev(shift + 11, kind::EnvRead, {{"name", "NPM_TOKEN"}}));
    events.push_back(ev(shift + 12, kind::NetConnect, {{"address", "10.0.0.7"}, {"port", 443}, {"host", "x.example"}}));
    events.push_back(ev(shift + 13, kind::CodeEval, {{"length", 5}}));
    events.push_back(ev(shift + 14, kind::CodeEval, {{"length", 6}}));
    PhaseRecord r = record("install", std::move(events));
    r.outcome.exitCode = exitCode;
    r.outcome.duration = std::chrono::milliseconds(1200 + static_cast<int>(shift));  // varies run to run
    return r;
}

Baseline emptyBaseline() {
    return Baseline::learn({record("install", runtimeNoise(0))}, PackageIdentity::inConsumer("vigil-empty", "0.0.0"));
}

TEST(Baseline, SubtractsWhatTheEmptyPackageAlsoDid) {
    const Baseline b = emptyBaseline();
    const PackageIdentity id = PackageIdentity::inConsumer("evil", "1.0.0");
    const Normalizer n(id);
    const auto left = b.subtract("node-20.11.1", "install", n.observe(evilInstall(0).events));
    V keys;
    for (const auto& o : left)
        keys.push_back(std::string(sectionName(o.section)) + " " + o.key);
    EXPECT_EQ(keys, (V{"file.reads $HOME/.npmrc", "env.reads NPM_TOKEN", "network.connections x.example:443/tcp",
                       "code.dynamic eval", "code.dynamic eval"}));
    // Another runtime or phase has no baseline: only the fixed noise list (the libc read) goes.
    EXPECT_FALSE(b.has("node-22.0.0", "install"));
    EXPECT_EQ(b.subtract("node-22.0.0", "install", n.observe(evilInstall(0).events)).size(), left.size() + 3);
}

TEST(Baseline, JsonRoundTripAndValidation) {
    const Baseline b = emptyBaseline();
    const auto back = Baseline::fromJson(b.toJson());
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(*back, b);
    EXPECT_TRUE(back->has("node-20.11.1", "install"));
    auto bad = b.toJson();
    bad["runtimes"]["node-20.11.1"]["install"].push_back("no.such.section\tx");
    EXPECT_FALSE(Baseline::fromJson(bad).ok());
    EXPECT_FALSE(Baseline::fromJson(nlohmann::json::array()).ok());
}

TEST(Fingerprint, DnsTrafficIsNotAContactedHostButTheJoinedNameIs) {
    PhaseRecord install = record("install", {ev(1, kind::NetConnect, {{"family", "inet"}, {"address", "192.168.1.1"},
                                                                      {"port", 53}, {"dns_traffic", true}}),
                                             ev(2, kind::NetDns, {{"name", "cdn.example"}}),
                                             ev(3, kind::NetConnect, {{"family", "inet"}, {"address", "104.18.32.7"},
                                                                      {"port", 443}, {"host", "cdn.example"}})});
    const Fingerprint fp = buildFingerprint(PackageIdentity::inConsumer("dl", "1.0.0"), {install}, nullptr);
    EXPECT_EQ(fp.keys(Section::NetConnections), (V{"cdn.example:443/tcp"}));
    EXPECT_EQ(fp.keys(Section::NetDns), (V{"cdn.example"}));
}

TEST(Fingerprint, HoldsTheBehaviourWithEvidencePerPhase) {
    const Baseline b = emptyBaseline();
    PhaseRecord import = record("import", {ev(3, kind::NetDns, {{"name", "x.example"}}),
                                           ev(4, kind::CodeGlobalOverride, {{"target", "fetch"}})});
    const Fingerprint fp = buildFingerprint(PackageIdentity::inConsumer("evil", "1.0.0"), {evilInstall(0), import}, &b);
    EXPECT_EQ(fp.package, "evil");
    EXPECT_EQ(fp.keys(Section::FileReads), (V{"$HOME/.npmrc"}));
    EXPECT_EQ(fp.keys(Section::NetDns, "install"), V{});
    EXPECT_EQ(fp.keys(Section::NetDns, "import"), (V{"x.example"}));
    EXPECT_EQ(fp.sections.at(Section::FileReads).at("$HOME/.npmrc").at("install"), (std::vector<uint64_t>{10}));
    EXPECT_EQ(fp.eventCount(Section::CodeDynamic, "install", "eval"), 2u);
    EXPECT_TRUE(fp.phases.at("install").baselineApplied);
    EXPECT_FALSE(fp.phases.at("import").baselineApplied);
    EXPECT_EQ(fp.checksum.size(), 64u);
}

TEST(Fingerprint, ChecksumIsStableAcrossRunsAndChangesWithBehaviour) {
    const Baseline b = emptyBaseline();
    const PackageIdentity v1 = PackageIdentity::inConsumer("evil", "1.0.0");
    const Fingerprint a = buildFingerprint(v1, {evilInstall(0)}, &b);
    // Another run: other seqs, times, pids and durations; another version name: same behaviour.
    const Fingerprint again = buildFingerprint(PackageIdentity::inConsumer("evil", "1.0.1"), {evilInstall(100)}, &b);
    EXPECT_TRUE(a.sameBehaviour(again));
    EXPECT_EQ(a.checksum, again.checksum);
    EXPECT_NE(a, again);  // full equality still sees the evidence and version

    PhaseRecord more = evilInstall(0);
    more.events.push_back(ev(50, kind::NetDns, {{"name", "new-host.example"}}));
    EXPECT_FALSE(a.sameBehaviour(buildFingerprint(v1, {more}, &b)));
    EXPECT_FALSE(a.sameBehaviour(buildFingerprint(v1, {evilInstall(0, 1)}, &b)));  // install now fails
}

TEST(Fingerprint, JsonRoundTrip) {
    const Baseline b = emptyBaseline();
    PhaseRecord r = evilInstall(0);
    r.outcome.signal = 9;
    r.outcome.exitCode = -1;
    r.outcome.memoryLimitHit = true;
    r.outcome.cpu = std::chrono::milliseconds(700);
    r.events.push_back(ev(60, kind::NetHttp, {{"method", "POST"}, {"host", "x.example"}, {"path", "/u?d=1"}}));
    r.events.push_back(ev(61, kind::ProcessExec, {{"argv", {"sh", "-c", "echo 'multi\nline'"}}}));
    const Fingerprint fp = buildFingerprint(PackageIdentity::inConsumer("@s/evil", "1.0.0"), {r}, &b);
    const nlohmann::json j = toJson(fp);
    EXPECT_EQ(j["sections"]["network.connections"][0]["host"], "x.example");
    EXPECT_EQ(j["sections"]["network.connections"][0]["port"], 443);
    EXPECT_EQ(j["sections"]["network.http"][0]["method"], "POST");
    EXPECT_EQ(j["sections"]["code.dynamic"][0]["count"], 2);
    EXPECT_TRUE(j["phases"]["install"]["crashed"].get<bool>());
    const auto back = fingerprintFromJson(nlohmann::json::parse(j.dump()));
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(*back, fp);

    nlohmann::json tampered = j;
    tampered["sections"]["file.reads"][0]["key"] = "$HOME/.bashrc";
    const auto rejected = fingerprintFromJson(tampered);
    ASSERT_FALSE(rejected.ok());
    EXPECT_EQ(rejected.error().code, ErrorCode::Integrity);
}

TEST(Fingerprint, OutcomesClassifyFailuresHangsAndCrashes) {
    PhaseOutcome o;
    EXPECT_FALSE(o.failed());
    o.exitCode = 1;
    EXPECT_TRUE(o.failed());
    EXPECT_FALSE(o.crashed());
    o = {};
    o.wallLimitHit = true;
    o.signal = 9;
    o.exitCode = -1;
    EXPECT_TRUE(o.timedOut());
    EXPECT_FALSE(o.crashed());  // killed because of the limit, not a crash
    o.wallLimitHit = false;
    o.signal = 11;
    EXPECT_TRUE(o.crashed());
}

}  // namespace
}  // namespace vigil::engine::analysis
