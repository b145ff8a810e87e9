#include "engine/analysis/category_norms.h"

#include <gtest/gtest.h>

#include "engine/analysis/network_history.h"
#include "tests/engine/analysis/analysis_test_events.h"

namespace vigil::engine::analysis {
namespace {

using test::ev;
using test::fingerprintOf;
using test::record;
namespace kind = collect::kind;
using V = std::vector<std::string>;

collect::Event connect(uint64_t seq, const char* host, const char* address = "10.0.0.9", int port = 443) {
    return ev(seq, kind::NetConnect, {{"address", address}, {"port", port}, {"host", host}});
}

/// A quiet package: reads its own file at import, nothing else.
Fingerprint quiet(const std::string& name) {
    return fingerprintOf(name, "1.0.0",
                         {record("install", {}),
                          record("import", {ev(1, kind::FileOpen, {{"path", "/home/dev/project/node_modules/" + name + "/index.js"}, {"access", "read"}})})});
}

/// Six date libraries: one calls the network at import, two read TZ, one has an install script.
std::vector<NormSample> dateSamples() {
    std::vector<NormSample> s;
    for (const char* name : {"date-a", "date-b", "date-c"})
        s.push_back({"date", quiet(name)});
    s.push_back({"date", fingerprintOf("date-tz", "2.0.0", {record("import", {ev(3, kind::EnvRead, {{"name", "TZ"}})})})});
    s.push_back({"date", fingerprintOf("date-tz2", "1.1.0", {record("import", {ev(3, kind::EnvRead, {{"name", "TZ"}})})})});
    s.push_back({"date", fingerprintOf("date-evil", "9.9.9",
                                       {record("install", {ev(1, kind::ProcessExec, {{"argv", {"sh", "-c", "node x.js"}}})}),
                                        record("import", {connect(4, "x.example")})})});
    return s;
}

TEST(Behaviours, DefinedFromTheFingerprintSections) {
    const Fingerprint unixOnly = fingerprintOf(
        "p", "1", {record("import", {ev(1, kind::NetConnect, {{"family", "unix"}, {"address", "/run/dbus.sock"}})})});
    EXPECT_FALSE(showsBehaviour(unixOnly, "network"));  // local IPC is not the network

    const Fingerprint apiShell = fingerprintOf(
        "p", "1", {record("api", {ev(1, kind::ProcessExec, {{"argv", {"sh", "-c", "ls"}}})})});
    EXPECT_EQ(behavioursOf(apiShell), (std::set<std::string>{"process", "shell"}));  // not install_script

    const Fingerprint busy = fingerprintOf(
        "p", "1",
        {record("install", {ev(1, kind::ProcessExec, {{"argv", {"sh", "-c", "node-gyp rebuild"}}}),
                            ev(2, kind::FileOpen, {{"path", "/home/dev/project/node_modules/p/build/x.node"}, {"access", "write"}}),
                            ev(3, kind::FileUnlink, {{"path", "/tmp/obj.o"}})}),
         record("import", {ev(1, kind::NetDns, {{"name", "x.example"}}),
                           ev(2, kind::NetHttp, {{"method", "GET"}, {"host", "x.example"}, {"path", "/"}}),
                           ev(3, kind::EnvEnumerate, {{"how", "keys"}}), ev(4, kind::EnvRead, {{"name", "HOME"}}),
                           ev(5, kind::CodeEval, {{"length", 3}}), ev(6, kind::CodeGlobalOverride, {{"target", "fetch"}})})});
    EXPECT_EQ(behavioursOf(busy).size(), normFactKeys().size());  // shows all eleven
    for (const std::string& key : normFactKeys())
        EXPECT_FALSE(behaviourDefinition(key).empty()) << key;
    EXPECT_EQ(behaviourDefinition("bogus"), "");
}

TEST(CategoryNorms, SharesCountsAndExamples) {
    const CategoryNorms norms(dateSamples());
    const NormTable t = norms.table("date");
    EXPECT_EQ(t.packages, 6u);
    EXPECT_TRUE(t.available);
    auto row = [&](const std::string& key) {
        for (const NormRow& r : t.rows)
            if (r.behaviour == key)
                return r;
        ADD_FAILURE() << key;
        return NormRow{};
    };
    EXPECT_EQ(row("network").count, 1u);
    EXPECT_NEAR(*row("network").share, 1.0 / 6, 1e-9);
    EXPECT_EQ(row("network").examples, (V{"date-evil@9.9.9"}));
    EXPECT_EQ(row("env_read").count, 2u);
    EXPECT_EQ(row("env_read").examples, (V{"date-tz@2.0.0", "date-tz2@1.1.0"}));
    EXPECT_EQ(row("install_script").count, 1u);
    EXPECT_EQ(row("code_dynamic").count, 0u);
    EXPECT_EQ(*row("code_dynamic").share, 0.0);
    EXPECT_EQ(t.rows.size(), normFactKeys().size());
}

TEST(CategoryNorms, APackageIsLeftOutOfItsOwnNorm) {
    const CategoryNorms norms(dateSamples());
    // date-evil's network call does not make network normal for date libraries when it is judged.
    const auto self = norms.factsFor("date", "date-evil");
    ASSERT_TRUE(self.has_value());
    EXPECT_EQ(self->share.at("network"), 0.0);
    EXPECT_EQ(self->share.at("env_read"), 2.0 / 5);
    // Another package sees all six.
    const auto other = norms.factsFor("date", "date-new");
    ASSERT_TRUE(other.has_value());
    EXPECT_NEAR(other->share.at("network"), 1.0 / 6, 1e-9);
    EXPECT_EQ(other->share.size(), normFactKeys().size());

    // What a rule reads: norm.network.share < 0.05 holds for date-evil.
    const nlohmann::json f =
        buildFacts(dateSamples().back().fingerprint, "", {"date-evil", "9.9.9", "date"}, std::nullopt, self, {});
    EXPECT_TRUE(f["norm.available"].get<bool>());
    EXPECT_EQ(f["norm.network.share"], 0.0);
}

TEST(CategoryNorms, UnavailableBelowTheMinimumSample) {
    std::vector<NormSample> samples = dateSamples();
    samples.pop_back();  // five date packages left
    for (const char* name : {"http-a", "http-b", "http-c"})
        samples.push_back({"http-client", quiet(name)});
    samples.push_back({"", quiet("mystery")});  // unknown category: ignored
    const CategoryNorms norms(samples);
    EXPECT_EQ(norms.categories(), (V{"date", "http-client"}));
    EXPECT_TRUE(norms.factsFor("date", "date-new").has_value());   // 5 others
    EXPECT_FALSE(norms.factsFor("date", "date-a").has_value());    // only 4 others
    EXPECT_FALSE(norms.factsFor("http-client", "http-z").has_value());
    EXPECT_FALSE(norms.factsFor("", "mystery").has_value());
    EXPECT_FALSE(norms.factsFor("cli", "x").has_value());

    const NormTable small = norms.table("http-client");
    EXPECT_FALSE(small.available);
    EXPECT_FALSE(small.rows[0].share.has_value());
    EXPECT_TRUE(toJson(small)["behaviours"][0]["share"].is_null());
    EXPECT_EQ(renderText(small).substr(0, renderText(small).find('\n')),
              "http-client: 3 analysed packages - norms unavailable (fewer than 5); counts only");
    // Without norms the facts treat every behaviour as common, so norm rules stay quiet.
    const nlohmann::json f = buildFacts(quiet("http-z"), "", {"http-z", "1.0.0", "http-client"}, std::nullopt,
                                        norms.factsFor("http-client", "http-z"), {});
    EXPECT_FALSE(f["norm.available"].get<bool>());
    EXPECT_EQ(f["norm.network.share"], 1.0);
}

TEST(CategoryNorms, OneEntryPerPackageTheLaterSampleWins) {
    std::vector<NormSample> samples = dateSamples();
    samples.push_back({"date", quiet("date-evil")});      // a newer, quiet release replaces it
    samples.push_back({"utility", quiet("date-a")});      // re-categorised: counts only there
    const CategoryNorms norms(samples);
    EXPECT_EQ(norms.packages("date"), 5u);
    EXPECT_EQ(norms.packages("utility"), 1u);
    EXPECT_EQ(norms.table("date").rows[0].count, 0u);  // network
}

TEST(CategoryNorms, TextAndJson) {
    const NormTable t = CategoryNorms(dateSamples()).table("date", 1);
    const std::string text = renderText(t);
    EXPECT_EQ(text.substr(0, text.find('\n')), "date: 6 analysed packages");
    EXPECT_NE(text.find("  network           16.7%    1/6  e.g. date-evil@9.9.9\n"), std::string::npos) << text;
    EXPECT_NE(text.find("  env_read          33.3%    2/6  e.g. date-tz@2.0.0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("  global_override    0.0%    0/6\n"), std::string::npos) << text;
    const nlohmann::json j = toJson(t);
    EXPECT_EQ(j["schema"], "vigil.norms/1");
    EXPECT_EQ(j["packages"], 6);
    EXPECT_EQ(j["min_sample"], 5);
    EXPECT_EQ(j["behaviours"][0]["behaviour"], "network");
    EXPECT_EQ(j["behaviours"][0]["count"], 1);
    EXPECT_EQ(j["behaviours"][0]["examples"], (V{"date-evil@9.9.9"}));
}

std::vector<Fingerprint> historyOfX() {
    return {fingerprintOf("x", "1.0.0", {record("install", {}), record("import", {})}),
            fingerprintOf("x", "1.0.1",
                          {record("install", {ev(11, kind::NetDns, {{"name", "evil.example"}}), connect(12, "evil.example"),
                                              connect(15, "evil.example")}),
                           record("import", {ev(2, kind::NetHttp, {{"method", "POST"}, {"host", "evil.example"}, {"path", "/c"}})})}),
            fingerprintOf("x", "1.0.2",
                          {record("api", {connect(5, "", "127.0.0.1", 8080),
                                          ev(6, kind::NetConnect, {{"family", "unix"}, {"address", "/run/x.sock"}})})})};
}

TEST(NetworkHistory, WhichVersionsHostsPhasesAndEvidence) {
    const NetworkHistory h = networkHistory("x", historyOfX());
    EXPECT_TRUE(h.madeNetworkCalls);
    EXPECT_EQ(h.versionsWithCalls, (V{"1.0.1"}));
    EXPECT_EQ(h.hosts, (V{"evil.example"}));
    ASSERT_EQ(h.versions.size(), 3u);
    const VersionNetwork& v = h.versions[1];
    EXPECT_EQ(v.phases, (V{"import", "install"}));
    ASSERT_EQ(v.calls.size(), 3u);
    EXPECT_EQ(v.calls[0].key, "evil.example:443/tcp");
    EXPECT_EQ(v.calls[0].evidence, (EventSeqs{{"install", {12, 15}}}));
    EXPECT_EQ(v.calls[1].section, Section::NetDns);
    EXPECT_EQ(v.calls[2].key, "POST evil.example /c");
    EXPECT_EQ(v.calls[2].host, "evil.example");
    // 1.0.2 only talked to loopback (and a unix socket, which is not listed at all).
    ASSERT_EQ(h.versions[2].calls.size(), 1u);
    EXPECT_TRUE(h.versions[2].calls[0].loopback);
    EXPECT_FALSE(h.versions[2].external);

    EXPECT_EQ(renderText(h),
              "x: made network calls in 1 of 3 analysed versions (1.0.1)\n"
              "  1.0.0  no network calls\n"
              "  1.0.1  network.connections  evil.example:443/tcp  (install; events #12,#15)\n"
              "         network.dns          evil.example          (install; event #11)\n"
              "         network.http         POST evil.example /c  (import; event #2)\n"
              "  1.0.2  network.connections  127.0.0.1:8080/tcp    (api; event #5)  [loopback]\n");
    const nlohmann::json j = toJson(h);
    EXPECT_EQ(j["schema"], "vigil.network-history/1");
    EXPECT_EQ(j["analysed_versions"], 3);
    EXPECT_TRUE(j["made_network_calls"].get<bool>());
    EXPECT_EQ(j["versions"][1]["calls"][0]["evidence"]["install"], (std::vector<int>{12, 15}));
    EXPECT_TRUE(j["versions"][2]["calls"][0]["loopback"].get<bool>());
}

TEST(NetworkHistory, NoAndLoopbackOnlyAnswers) {
    std::vector<Fingerprint> versions = historyOfX();
    EXPECT_EQ(renderText(networkHistory("x", {})), "x: no analysed versions\n");
    const NetworkHistory none = networkHistory("x", {versions[0]});
    EXPECT_FALSE(none.madeNetworkCalls);
    EXPECT_EQ(renderText(none), "x: no network calls in 1 analysed version\n  1.0.0  no network calls\n");
    const NetworkHistory local = networkHistory("x", {versions[0], versions[2]});
    EXPECT_FALSE(local.madeNetworkCalls);
    EXPECT_EQ(renderText(local).substr(0, renderText(local).find('\n')),
              "x: no network calls beyond loopback in 2 analysed versions");
    EXPECT_TRUE(isLoopbackHost("127.8.0.1"));
    EXPECT_TRUE(isLoopbackHost("::1"));
    EXPECT_FALSE(isLoopbackHost("127.0.0.1.evil.example"));  // a name, not the address
    EXPECT_FALSE(isLoopbackHost("127.evil.example"));
    EXPECT_FALSE(isLoopbackHost("10.0.0.1"));
}

}  // namespace
}  // namespace vigil::engine::analysis
