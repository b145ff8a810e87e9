// vigil-cli resolve/fetch/db as a user runs them: on the bundled demo project (offline, from
// the cache) and against a real Verdaccio registry on 127.0.0.1 with published fixtures.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "tests/support/local_registry.h"
#include "tests/support/run_process.h"

namespace fs = std::filesystem;
using vigil::test::ProcessResult;
using vigil::test::runProcess;

namespace {

const std::string kCli = std::string(VIGIL_BINARY_DIR) + "/app/cli/vigil-cli";

class CliResolve : public ::testing::Test {
protected:
    void SetUp() override {
        home_ = fs::temp_directory_path() / ("vigil-cli-test-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(home_);
        fs::create_directories(home_);
    }
    void TearDown() override { fs::remove_all(home_); }

    /// The CLI with a clean, fake home: no user .npmrc, no real cache or store.
    ProcessResult cli(std::vector<std::string> args, const std::string& cwd = {}) {
        args.insert(args.begin(), kCli);
        args.push_back("--store");
        args.push_back((home_ / "vigil.db").string());
        args.push_back("--cache");
        args.push_back((home_ / "cache").string());
        return runProcess(args, {{"HOME", home_.string()}, {"PATH", "/usr/bin:/bin"}}, cwd);
    }

    fs::path project(const std::string& name, const std::string& packageJson, const std::string& npmrc = {}) {
        fs::path dir = home_ / name;
        fs::create_directories(dir);
        std::ofstream(dir / "package.json") << packageJson;
        if (!npmrc.empty())
            std::ofstream(dir / ".npmrc") << npmrc;
        return dir;
    }

    static nlohmann::json parse(const ProcessResult& r) {
        try {
            return nlohmann::json::parse(r.out);
        } catch (const std::exception& e) {
            ADD_FAILURE() << "not JSON: " << e.what() << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err;
            return {};
        }
    }

    static const nlohmann::json* package(const nlohmann::json& j, const std::string& id) {
        for (const auto& p : j["packages"])
            if (p["id"] == id)
                return &p;
        return nullptr;
    }

    fs::path home_;
};

/// Skips only outside CI when Verdaccio is not installed; in CI a missing registry fails.
#define REQUIRE_REGISTRY()              \
    VIGIL_REQUIRE_LOCAL_REGISTRY();     \
    auto& registry = vigil::test::LocalRegistry::shared()

TEST_F(CliResolve, DemoProjectResolvesOfflineThenServesFromTheCache) {
    const std::string demo = std::string(VIGIL_SOURCE_DIR) + "/examples/demo";
    auto first = cli({"resolve", demo, "--offline", "--json"});
    ASSERT_EQ(first.exitCode, 0) << first.err;
    auto j = parse(first);
    EXPECT_EQ(j["schema"], "vigil.resolve/1");
    EXPECT_EQ(j["format"], "package-lock v3");
    EXPECT_EQ(j["summary"]["packages"], 6);
    EXPECT_EQ(j["summary"]["direct"], 6);
    EXPECT_EQ(j["summary"]["with_install_scripts"], 2);
    EXPECT_EQ(j["fetch"]["verified"], 6);
    const auto* inspector = package(j, "env-inspector@1.0.3");
    ASSERT_NE(inspector, nullptr);
    EXPECT_TRUE((*inspector)["dev"].get<bool>());
    EXPECT_TRUE((*inspector)["has_install_script"].get<bool>());
    EXPECT_EQ((*inspector)["source"], "local-tarball");
    EXPECT_TRUE(j["scan_id"].is_number());

    for (const auto& tgz : fs::directory_iterator(demo + "/packages"))
        EXPECT_TRUE(fs::is_regular_file(tgz.path())) << "the project's own tarballs must stay where they are";
    EXPECT_EQ(std::distance(fs::directory_iterator(demo + "/packages"), fs::directory_iterator()), 6);
    EXPECT_EQ(j["fetch"]["local"], 6);

    // Every package is now extracted in the cache, and a second run downloads nothing.
    auto second = cli({"resolve", demo, "--offline", "--json"});
    ASSERT_EQ(second.exitCode, 0) << second.err;
    auto j2 = parse(second);
    EXPECT_EQ(j2["fetch"]["cached"], 6);
    EXPECT_EQ(j2["fetch"]["downloaded"], 0);

    auto tree = cli({"resolve", demo, "--offline"});
    ASSERT_EQ(tree.exitCode, 0) << tree.err;
    EXPECT_NE(tree.out.find("├── date-stamp@0.4.2"), std::string::npos) << tree.out;
    EXPECT_NE(tree.out.find("│   └── tiny-pad@1.2.0 [local-tarball] (deduped)"), std::string::npos) << tree.out;
    EXPECT_NE(tree.out.find("2 with install scripts: env-inspector@1.0.3 fast-setup@3.1.0"), std::string::npos) << tree.out;

    auto info = cli({"db", "info", "--json"});
    ASSERT_EQ(info.exitCode, 0) << info.err;
    auto stats = parse(info);
    EXPECT_EQ(stats["tables"]["versions"], 6);
    EXPECT_EQ(stats["tables"]["scans"], 3);
}

TEST_F(CliResolve, ErrorsHaveTheDocumentedExitCodes) {
    EXPECT_EQ(cli({"resolve"}).exitCode, 2);
    EXPECT_EQ(cli({"frobnicate"}).exitCode, 2);
    auto missing = cli({"resolve", "./no/such/dir"});
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_NE(missing.err.find("./no/such/dir"), std::string::npos);

    auto broken = project("broken", "{\n  \"name\": \"broken\",\n  \"dependencies\": {\n");
    auto r = cli({"resolve", broken.string()});
    EXPECT_EQ(r.exitCode, 3) << r.err;
    EXPECT_NE(r.err.find("package.json:"), std::string::npos) << "names the file and line: " << r.err;

    auto lock = project("badlock", R"({"name":"badlock","version":"1.0.0","dependencies":{"a":"^1"}})");
    std::ofstream(lock / "package-lock.json") << "{\"lockfileVersion\": 3, \"packages\": {\"\": ";
    auto lr = cli({"resolve", lock.string()});
    EXPECT_EQ(lr.exitCode, 3) << lr.err;
    EXPECT_NE(lr.err.find("package-lock.json"), std::string::npos) << lr.err;

    // Offline with an empty cache: the registry cannot be asked, which is a registry-class error.
    auto offline = project("offline", R"({"name":"o","version":"1.0.0","dependencies":{"left-pad":"^1"}})");
    auto off = cli({"resolve", offline.string(), "--offline"});
    EXPECT_EQ(off.exitCode, 4) << off.err;
    EXPECT_NE(off.err.find("left-pad"), std::string::npos) << off.err;
}

TEST_F(CliResolve, RegistryProjectWithoutLockfilePicksVersionsLikeNpm) {
    REQUIRE_REGISTRY();
    auto dir = project("app", R"({"name":"app","version":"1.0.0",
        "dependencies":{"vigil-fixture-a":"^1.0.0","@vigil/scoped":"1.0.0","vigil-fixture-tagged":"*"},
        "devDependencies":{"vigil-fixture-scripts":"^1.0.0"}})");
    auto r = cli({"resolve", dir.string(), "--json", "--registry", registry.url()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto j = parse(r);
    EXPECT_EQ(j["format"], "registry");
    EXPECT_NE(package(j, "vigil-fixture-a@1.1.0"), nullptr) << "highest satisfying ^1.0.0";
    EXPECT_NE(package(j, "vigil-fixture-b@1.2.0"), nullptr) << "a's ^1.0.0 → 1.2.0, not 2.0.0";
    EXPECT_EQ(package(j, "vigil-fixture-b@2.0.0"), nullptr);
    EXPECT_NE(package(j, "@vigil/scoped@1.0.0"), nullptr);
    EXPECT_NE(package(j, "vigil-fixture-tagged@1.0.0"), nullptr) << "'*' takes latest, not the prerelease";
    const auto* scripts = package(j, "vigil-fixture-scripts@1.0.0");
    ASSERT_NE(scripts, nullptr);
    EXPECT_TRUE((*scripts)["has_install_script"].get<bool>());
    EXPECT_TRUE((*scripts)["dev"].get<bool>());
    EXPECT_EQ(j["fetch"]["downloaded"], 5);
}

TEST_F(CliResolve, DistTagsAndSinglePackageSpecs) {
    REQUIRE_REGISTRY();
    auto next = cli({"resolve", "vigil-fixture-tagged@next", "--json", "--registry", registry.url()});
    ASSERT_EQ(next.exitCode, 0) << next.err;
    EXPECT_NE(package(parse(next), "vigil-fixture-tagged@2.0.0-beta.1"), nullptr) << next.out;

    auto exact = cli({"resolve", "vigil-fixture-a@1.0.0", "--json", "--registry", registry.url()});
    ASSERT_EQ(exact.exitCode, 0) << exact.err;
    auto j = parse(exact);
    EXPECT_NE(package(j, "vigil-fixture-a@1.0.0"), nullptr);
    EXPECT_EQ(j["summary"]["packages"], 1) << "1.0.0 had no dependencies yet (1.1.0 added vigil-fixture-b)";
}

TEST_F(CliResolve, UnknownPackageIsARegistryErrorNamingIt) {
    REQUIRE_REGISTRY();
    auto r = cli({"resolve", "vigil-no-such-package@1.0.0", "--registry", registry.url()});
    EXPECT_EQ(r.exitCode, 4) << r.err;
    EXPECT_NE(r.err.find("vigil-no-such-package"), std::string::npos) << r.err;
}

TEST_F(CliResolve, PrivatePackageNeedsTheTokenFromNpmrc) {
    REQUIRE_REGISTRY();
    const std::string pkg = R"({"name":"p","version":"1.0.0","dependencies":{"@private/secret":"^1.0.0"}})";
    auto anonymous = project("anon", pkg);
    auto denied = cli({"resolve", anonymous.string(), "--registry", registry.url()});
    EXPECT_EQ(denied.exitCode, 4) << denied.err;
    EXPECT_NE(denied.err.find("@private/secret"), std::string::npos) << denied.err;

    // The token goes in the project's .npmrc under the registry's nerf-dart, as npm expects.
    std::string nerf = registry.url().substr(registry.url().find("//"));
    auto authed = project("authed", pkg, nerf + ":_authToken=" + registry.token() + "\n");
    auto ok = cli({"resolve", authed.string(), "--json", "--registry", registry.url()});
    ASSERT_EQ(ok.exitCode, 0) << ok.err;
    EXPECT_NE(package(parse(ok), "@private/secret@1.0.0"), nullptr);
}

TEST_F(CliResolve, UnsetTokenVariableInNpmrcWarnsAndPublicPackagesStillResolve) {
    REQUIRE_REGISTRY();
    // The common CI pattern: the project's .npmrc reads the token from a variable that is only
    // set in CI. Locally it is unset; public packages must still resolve, and the user is told.
    std::string nerf = registry.url().substr(registry.url().find("//"));
    auto dir = project("ci-npmrc", R"({"name":"c","version":"1.0.0","dependencies":{"@vigil/scoped":"1.0.0"}})",
                       nerf + ":_authToken=${NPM_TOKEN}\n");
    auto r = cli({"resolve", dir.string(), "--registry", registry.url()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("@vigil/scoped@1.0.0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("warning: " + (dir / ".npmrc").string() + ":1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("NPM_TOKEN"), std::string::npos) << r.out;
}

TEST_F(CliResolve, TamperedTarballIsAHardIntegrityError) {
    REQUIRE_REGISTRY();
    auto dir = project("tamper", R"({"name":"t","version":"1.0.0","dependencies":{"vigil-fixture-tampered":"1.0.0"}})");
    auto r = cli({"resolve", dir.string(), "--registry", registry.url()});
    EXPECT_EQ(r.exitCode, 4) << r.err;
    EXPECT_NE(r.err.find("vigil-fixture-tampered@1.0.0"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("integrity"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(home_ / "cache" / "extracted") && !fs::is_empty(home_ / "cache" / "extracted"))
        << "nothing of a tampered package may be extracted";
}

TEST_F(CliResolve, MetadataAndFileDiffAgainstThePreviousVersionAreStored) {
    REQUIRE_REGISTRY();
    auto r = cli({"resolve", "vigil-fixture-a@1.1.0", "--registry", registry.url()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    // The store is SQLite: read it with the sqlite3 shell like a curious user would.
    auto q = runProcess({"/usr/bin/sqlite3", (home_ / "vigil.db").string(),
                         "SELECT v.metadata FROM versions v JOIN packages p ON p.id = v.package_id "
                         "WHERE p.name = 'vigil-fixture-a' AND v.version = '1.1.0'"},
                        {{"PATH", "/usr/bin:/bin"}});
    ASSERT_EQ(q.exitCode, 0) << q.err;
    auto meta = nlohmann::json::parse(q.out);
    EXPECT_EQ(meta["previous_version"], "1.0.0");
    EXPECT_FALSE(meta["published_at"].get<std::string>().empty());
    EXPECT_TRUE(meta["dist_tags"].contains("latest"));
    ASSERT_TRUE(meta.contains("diff_from_previous")) << meta.dump();
    const auto& changed = meta["diff_from_previous"]["changed"];
    EXPECT_NE(std::find(changed.begin(), changed.end(), "package.json"), changed.end()) << meta.dump();
}

}  // namespace
