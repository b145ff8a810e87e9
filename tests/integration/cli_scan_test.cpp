// `vigil-cli report` over a stored scan (made here with a scripted analyzer, no sandbox): SARIF that
// the official 2.1.0 schema accepts and that points at lockfile lines, --fail-on exit codes, the
// JSON's structure against a golden file, plain text off a terminal.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "engine/plan/scan_orchestrator.h"
#include "engine/store/store.h"
#include "tests/engine/plan/fake_analyzer.h"
#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using nlohmann::json;
using vigil::test::ProcessResult;
using vigil::test::runCliWithStore;
using vigil::test::runProcess;
namespace plan = vigil::engine::plan;
namespace store = vigil::engine::store;

namespace {

const std::string kCli = std::string(VIGIL_BINARY_DIR) + "/app/cli/vigil-cli";
const fs::path kSarifDir = fs::path(VIGIL_SOURCE_DIR) / "tests/sarif";

/// A lockfile of four packages; evil-d sits below c, which a and b both need.
constexpr const char* kLockfile = R"({
  "name": "shop",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "shop",
      "version": "1.0.0",
      "dependencies": {
        "a": "^1.0.0",
        "b": "^1.0.0"
      }
    },
    "node_modules/a": {
      "version": "1.0.0",
      "dependencies": {
        "c": "^1.0.0"
      }
    },
    "node_modules/b": {
      "version": "1.0.0",
      "dependencies": {
        "c": "^1.0.0"
      }
    },
    "node_modules/c": {
      "version": "1.0.0",
      "dependencies": {
        "evil-d": "^1.0.0",
        "risky-e": "^1.0.0"
      }
    },
    "node_modules/evil-d": {
      "version": "1.0.0"
    },
    "node_modules/risky-e": {
      "version": "1.0.0"
    }
  }
}
)";
constexpr int kEvilLine = 34;  // "node_modules/evil-d": {

class CliScanOutput : public ::testing::Test {
protected:
    void SetUp() override {
        home_ = fs::temp_directory_path() / ("vigil-cli-scan-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(home_);
        fs::create_directories(home_ / "shop");
        std::ofstream(home_ / "shop/package.json")
            << R"({"name":"shop","version":"1.0.0","dependencies":{"a":"^1.0.0","b":"^1.0.0"}})" << "\n";
        std::ofstream(home_ / "shop/package-lock.json") << kLockfile;
    }
    void TearDown() override { fs::remove_all(home_); }

    /// Records and analyses a scan of shop with the given packages (a subset of the lockfile's).
    std::int64_t scan(const std::vector<std::string>& names) {
        auto db = store::Store::open(home_ / "vigil.db");
        EXPECT_TRUE(db.ok());
        store::ScanGraph g;
        std::map<std::string, std::size_t> index;
        for (const auto& n : names) {
            index[n] = g.packages.size();
            store::ScanPackage p;
            p.name = n;
            p.version = "1.0.0";
            g.packages.push_back(p);
        }
        auto edge = [&](std::optional<std::string> from, const std::string& to) {
            if (!index.count(to) || (from && !index.count(*from)))
                return;
            store::ScanEdge e;
            if (from)
                e.from = index[*from];
            e.to = index[to];
            e.alias = to;
            e.spec = "^1.0.0";
            g.edges.push_back(e);
        };
        edge(std::nullopt, "a");
        edge(std::nullopt, "b");
        edge("a", "c");
        edge("b", "c");
        edge("c", "evil-d");
        edge("c", "risky-e");
        auto id = db->beginScan((home_ / "shop").string(), (home_ / "shop/package-lock.json").string());
        EXPECT_TRUE(id.ok());
        EXPECT_TRUE(db->recordScanGraph(*id, g).ok());
        plan::testing::FakeAnalyzer analyzer;
        plan::ScanOrchestrator orchestrator(vigil::engine::Config::defaults({{"HOME", home_.string()}}), *db,
                                            analyzer, plan::ScanOptions{}, {});
        auto report = orchestrator.analyseRecorded(*id, {});
        EXPECT_TRUE(report.ok());
        return *id;
    }

    ProcessResult cli(std::vector<std::string> args) { return runCliWithStore(kCli, std::move(args), home_.string()); }

    fs::path home_;
};

/// The shape of a JSON document: objects keep their keys, arrays their first element, scalars
/// become their type name. Values may change between scans; the shape may not.
json shapeOf(const json& j) {
    if (j.is_object()) {
        json out = json::object();
        for (const auto& [k, v] : j.items())
            out[k] = shapeOf(v);
        return out;
    }
    if (j.is_array())
        return j.empty() ? json::array() : json::array({shapeOf(j.front())});
    if (j.is_number())
        return "number";
    return j.type_name();
}

TEST_F(CliScanOutput, SarifPassesTheOfficialSchemaAndPointsAtTheLockfileLine) {
    if (!fs::exists(kSarifDir / "node_modules/@microsoft/jest-sarif")) {
        const char* ci = std::getenv("CI");
        if (ci && std::string(ci) == "true")
            FAIL() << "tests/sarif is not installed: run tests/sarif/install.sh (packaging/bootstrap.sh --test)";
        GTEST_SKIP() << "tests/sarif is not installed: run tests/sarif/install.sh";
    }
    const auto id = scan({"a", "b", "c", "evil-d", "risky-e"});
    const fs::path out = home_ / "vigil.sarif";
    auto r = cli({"report", std::to_string(id), "--format", "sarif", "--out", out.string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;

    auto valid = runProcess({"/usr/bin/node", (kSarifDir / "validate-sarif.js").string(), out.string()},
                            {{"PATH", "/usr/bin:/bin"}});
    EXPECT_EQ(valid.exitCode, 0) << valid.err << valid.out;

    std::ifstream in(out);
    const json sarif = json::parse(in);
    const json& run = sarif["runs"][0];
    std::map<std::string, json> rules;
    for (const auto& rule : run["tool"]["driver"]["rules"])
        rules[rule["id"]] = rule;
    ASSERT_TRUE(rules.count("exfil-env"));
    EXPECT_EQ(rules["exfil-env"]["properties"]["security-severity"], "9.5");
    EXPECT_EQ(rules["shell-download"]["properties"]["security-severity"], "8.0");
    EXPECT_FALSE(rules["exfil-env"]["help"]["text"].get<std::string>().empty());
    bool sawEvil = false;
    for (const auto& result : run["results"]) {
        EXPECT_TRUE(rules.count(result["ruleId"]));
        EXPECT_FALSE(result["partialFingerprints"].empty());
        if (result["ruleId"] != "exfil-env")
            continue;
        sawEvil = true;
        EXPECT_EQ(result["level"], "error");
        const auto& loc = result["locations"][0]["physicalLocation"];
        EXPECT_EQ(loc["artifactLocation"]["uri"], "shop/package-lock.json") << "relative to where the CLI ran";
        EXPECT_EQ(loc["region"]["startLine"], kEvilLine);
        EXPECT_NE(result["message"]["text"].get<std::string>().find("a@1.0.0 > c@1.0.0 > evil-d@1.0.0"),
                  std::string::npos);
    }
    EXPECT_TRUE(sawEvil);
}

TEST_F(CliScanOutput, FailOnGatesOnTheWorstFinding) {
    const auto withCritical = scan({"a", "b", "c", "evil-d", "risky-e"});
    EXPECT_EQ(cli({"report", std::to_string(withCritical)}).exitCode, 0);
    EXPECT_EQ(cli({"report", std::to_string(withCritical), "--fail-on", "critical"}).exitCode, 1);
    EXPECT_EQ(cli({"report", std::to_string(withCritical), "--fail-on", "high"}).exitCode, 1);
    const auto highOnly = scan({"a", "b", "c", "risky-e"});
    EXPECT_EQ(cli({"report", std::to_string(highOnly), "--fail-on", "critical"}).exitCode, 0);
    EXPECT_EQ(cli({"report", std::to_string(highOnly), "--fail-on", "high"}).exitCode, 1);
    EXPECT_EQ(cli({"report", std::to_string(highOnly), "--fail-on", "medium"}).exitCode, 1);
    const auto clean = scan({"a", "b", "c"});
    EXPECT_EQ(cli({"report", std::to_string(clean), "--fail-on", "medium"}).exitCode, 0);
    EXPECT_EQ(cli({"report", std::to_string(clean), "--fail-on", "severe"}).exitCode, 2);
    auto missing = cli({"report", "999"});
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_NE(missing.err.find("no scan with id 999"), std::string::npos) << missing.err;
}

TEST_F(CliScanOutput, JsonKeepsItsGoldenStructure) {
    (void)scan({"a", "b", "c", "evil-d"});
    const auto id = scan({"a", "b", "c", "evil-d", "risky-e"});  // second: has a comparison
    auto r = cli({"report", std::to_string(id), "--format", "json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const json doc = json::parse(r.out);
    EXPECT_TRUE(doc["schema"].get<std::string>().starts_with("vigil.scan/1"));
    EXPECT_EQ(doc["totals"]["packages"], 5);
    EXPECT_EQ(doc["comparison"]["new_findings"], json::array({"risky-e@1.0.0: shell-download"}));
    // The first package is the most severe, so the shape includes findings and paths.
    const fs::path golden = fs::path(VIGIL_FIXTURES_DIR) / "scan/scan-json-shape.json";
    if (std::getenv("VIGIL_UPDATE_GOLDEN")) {
        std::ofstream(golden) << shapeOf(doc).dump(2) << "\n";
        GTEST_SKIP() << "golden written: " << golden;
    }
    std::ifstream in(golden);
    ASSERT_TRUE(in) << "missing " << golden << " (VIGIL_UPDATE_GOLDEN=1 writes it)";
    EXPECT_EQ(shapeOf(doc), json::parse(in)) << "the scan JSON changed shape: bump its schema version and "
                                                "update the golden (VIGIL_UPDATE_GOLDEN=1)";
}

TEST_F(CliScanOutput, TextGroupsBySeverityWithPathsAndNoColourOffATerminal) {
    const auto id = scan({"a", "b", "c", "evil-d", "risky-e"});
    auto r = cli({"report", std::to_string(id)});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out.find('\033'), std::string::npos) << "escape codes in piped output";
    EXPECT_NE(r.out.find("Scanned 5 dependencies — analysed 5 (0 cached)"), std::string::npos) << r.out;
    const auto critical = r.out.find("CRITICAL");
    const auto high = r.out.find("HIGH");
    ASSERT_NE(critical, std::string::npos) << r.out;
    ASSERT_NE(high, std::string::npos);
    EXPECT_LT(critical, high);
    EXPECT_NE(r.out.find("posts the environment to evil.invalid"), std::string::npos);
    EXPECT_NE(r.out.find("via shop > a@1.0.0 > c@1.0.0 > evil-d@1.0.0"), std::string::npos);
    EXPECT_NE(r.out.find("via shop > b@1.0.0 > c@1.0.0 > evil-d@1.0.0"), std::string::npos);
    auto coloured = cli({"report", std::to_string(id), "--color", "always"});
    EXPECT_NE(coloured.out.find("\033["), std::string::npos);
}

}  // namespace
