// `vigil-cli diff` and `vigil-cli query ...` run as a user would, over a store filled with
// hand-made fingerprints the way a scan stores them: the lines a user reads, JSON schemas, and
// the exit codes and hints for versions the store never analysed.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "engine/store/store.h"
#include "tests/engine/plan/behaviour_store_fixture.h"
#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using nlohmann::json;
using vigil::test::ProcessResult;
using vigil::test::runCliWithStore;
namespace store = vigil::engine::store;
namespace plantest = vigil::engine::plan::test;

namespace {

const std::string kCli = std::string(VIGIL_BINARY_DIR) + "/app/cli/vigil-cli";

class CliQuery : public ::testing::Test {
protected:
    void SetUp() override {
        home_ = fs::temp_directory_path() / ("vigil-cli-query-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(home_);
        fs::create_directories(home_);
        auto db = store::Store::open(home_ / "vigil.db");
        ASSERT_TRUE(db.ok()) << db.error().describe();
        plantest::storeAnalysis(*db, plantest::evilRelease("1.0.0", false), "date");
        plantest::storeAnalysis(*db, plantest::evilRelease("1.0.1", true), "date");
        for (const char* name : {"date-a", "date-b", "date-c", "date-d", "date-e"})
            plantest::storeAnalysis(*db, plantest::quietPackage(name), "date");
        store::VersionRecord resolved;  // resolved with registry metadata, never analysed
        resolved.packageName = "winston";
        resolved.version = "3.11.0";
        resolved.metadataJson = R"({"description":"A logger for just about everything.","keywords":["logger","logging"]})";
        ASSERT_TRUE(db->upsertVersion(resolved).ok());
    }
    void TearDown() override { fs::remove_all(home_); }

    ProcessResult cli(std::vector<std::string> args) { return runCliWithStore(kCli, std::move(args), home_.string()); }

    fs::path home_;
};

bool hasLine(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_F(CliQuery, DiffPrintsWhatTheNewVersionAddedWithItsEvents) {
    auto r = cli({"diff", "evil@1.0.0", "evil@1.0.1"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(hasLine(r.out, "evil 1.0.0 -> 1.0.1: 2 added, 0 removed, 0 changed; behaviour differs")) << r.out;
    EXPECT_TRUE(hasLine(r.out, "+ network.connections  evil.example:443/tcp  (install; events #12,#15)")) << r.out;
    EXPECT_TRUE(hasLine(r.out, "+ env.reads            NPM_TOKEN             (install; event #11)")) << r.out;

    auto same = cli({"query", "what-changed", "evil@1.0.0", "evil@1.0.1"});
    EXPECT_EQ(same.exitCode, 0);
    EXPECT_EQ(same.out, r.out);

    auto j = cli({"diff", "evil@1.0.1", "evil@1.0.0", "--json"});
    ASSERT_EQ(j.exitCode, 0) << j.err;
    const json doc = json::parse(j.out);
    EXPECT_EQ(doc["schema"], "vigil.diff/1");
    EXPECT_EQ(doc["counts"]["removed"], 2);
    EXPECT_EQ(doc["sections"]["network.connections"]["removed"][0]["key"], "evil.example:443/tcp");
}

TEST_F(CliQuery, DiffOfAVersionNeverAnalysedSaysHowToAnalyseIt) {
    auto r = cli({"diff", "evil@1.0.0", "evil@2.0.0"});
    EXPECT_EQ(r.exitCode, 4);
    EXPECT_TRUE(r.out.empty());
    EXPECT_NE(r.err.find("evil@2.0.0 is not in the store"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("analysed versions of evil: 1.0.0 1.0.1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("vigil-cli scan evil@2.0.0"), std::string::npos) << r.err;

    auto resolvedOnly = cli({"diff", "winston@3.11.0", "evil@1.0.0"});
    EXPECT_EQ(resolvedOnly.exitCode, 4);
    EXPECT_NE(resolvedOnly.err.find("winston@3.11.0 was never analysed"), std::string::npos) << resolvedOnly.err;

    auto usage = cli({"diff", "evil", "evil@1.0.0"});
    EXPECT_EQ(usage.exitCode, 2);
    EXPECT_NE(usage.err.find("\"evil\" is not name@version"), std::string::npos) << usage.err;
}

TEST_F(CliQuery, NetworkNormsAndCategoryQueries) {
    auto net = cli({"query", "network", "evil"});
    ASSERT_EQ(net.exitCode, 0) << net.err;
    EXPECT_NE(net.out.find("made network calls in 1 of 2 analysed versions (1.0.1)"), std::string::npos) << net.out;
    auto netJson = cli({"query", "network", "evil", "--json"});
    EXPECT_EQ(json::parse(netJson.out)["made_network_calls"], true);
    auto never = cli({"query", "network", "left-pad"});
    EXPECT_EQ(never.exitCode, 4);
    EXPECT_NE(never.err.find("no version of left-pad was analysed"), std::string::npos) << never.err;

    auto norms = cli({"query", "norms", "date", "--json"});
    ASSERT_EQ(norms.exitCode, 0) << norms.err;
    const json table = json::parse(norms.out);
    EXPECT_EQ(table["schema"], "vigil.norms/1");
    EXPECT_EQ(table["packages"], 6);
    EXPECT_EQ(table["behaviours"][0]["behaviour"], "network");
    EXPECT_EQ(table["behaviours"][0]["count"], 1);
    auto typo = cli({"query", "norms", "stirng"});
    EXPECT_EQ(typo.exitCode, 2);
    EXPECT_NE(typo.err.find("known categories: types, polyfill, string"), std::string::npos) << typo.err;

    auto category = cli({"query", "category", "winston"});
    ASSERT_EQ(category.exitCode, 0) << category.err;
    EXPECT_EQ(category.out.substr(0, category.out.find('\n')).substr(0, 26), "winston@3.11.0: logging (c") << category.out;
    auto recorded = cli({"query", "category", "evil@1.0.1", "--json"});
    ASSERT_EQ(recorded.exitCode, 0) << recorded.err;
    EXPECT_EQ(json::parse(recorded.out)["recorded_category"], "date");
    auto missing = cli({"query", "category", "nope"});
    EXPECT_EQ(missing.exitCode, 4);
    EXPECT_NE(missing.err.find("vigil-cli fetch nope@latest"), std::string::npos) << missing.err;
}
