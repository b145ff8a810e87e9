// Staging a consumer project, npm's lifecycle environment and the drivers' report lines.
#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

#include "engine/plan/consumer_project.h"
#include "engine/plan/lifecycle_scripts.h"
#include "engine/plan/phase_runner.h"

namespace vigil::engine::plan {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

TEST(LifecycleScripts, OrderEnvAndPathFollowRunScript) {
    const nlohmann::json manifest = {{"name", "pkg"},
                                     {"version", "1.2.3"},
                                     {"bin", {{"pkg-cli", "cli.js"}}},
                                     {"config", {{"port", 8080}}},
                                     {"scripts", {{"postinstall", "node post.js"}, {"preinstall", "sh pre.sh"}}}};
    NpmInstallation npm;
    const auto scripts = installLifecycle(manifest, false, "/home/dev/project/node_modules/pkg", "/home/dev/project", npm);
    ASSERT_EQ(scripts.size(), 2u);
    EXPECT_EQ(scripts[0].event, "preinstall");
    EXPECT_EQ(scripts[1].event, "postinstall");
    auto has = [&](const LifecycleScript& s, const std::string& entry) {
        return std::find(s.env.begin(), s.env.end(), entry) != s.env.end();
    };
    EXPECT_TRUE(has(scripts[1], "npm_lifecycle_event=postinstall"));
    EXPECT_TRUE(has(scripts[1], "npm_lifecycle_script=node post.js"));
    EXPECT_TRUE(has(scripts[1], "npm_package_name=pkg"));
    EXPECT_TRUE(has(scripts[1], "npm_package_version=1.2.3"));
    EXPECT_TRUE(has(scripts[1], "npm_package_bin_pkg-cli=cli.js"));
    EXPECT_TRUE(has(scripts[1], "npm_package_config_port=8080"));
    EXPECT_TRUE(has(scripts[1], "npm_package_json=/home/dev/project/node_modules/pkg/package.json"));
    EXPECT_TRUE(has(scripts[1], "INIT_CWD=/home/dev/project"));
    EXPECT_TRUE(has(scripts[1], "npm_command=install"));
    ASSERT_GE(scripts[1].pathPrefix.size(), 4u);
    EXPECT_EQ(scripts[1].pathPrefix[0], "/home/dev/project/node_modules/pkg/node_modules/.bin");
    EXPECT_EQ(scripts[1].pathPrefix[1], "/home/dev/project/node_modules/node_modules/.bin");
    EXPECT_EQ(scripts[1].pathPrefix[2], "/home/dev/project/node_modules/.bin");
    EXPECT_EQ(scripts[1].pathPrefix.back(), npm.nodeGypBinDir());
}

TEST(LifecycleScripts, BindingGypMeansNodeGypRebuildUnlessAnInstallScriptExists) {
    NpmInstallation npm;
    const nlohmann::json plain = {{"name", "n"}, {"version", "1.0.0"}};
    auto s = installLifecycle(plain, true, "/p/node_modules/n", "/p", npm);
    ASSERT_EQ(s.size(), 1u);
    EXPECT_EQ(s[0].event, "install");
    EXPECT_EQ(s[0].script, "node-gyp rebuild");
    EXPECT_TRUE(s[0].implicitGyp);
    const nlohmann::json pre = {{"name", "n"}, {"scripts", {{"preinstall", "x"}}}};
    EXPECT_EQ(installLifecycle(pre, true, "/p/node_modules/n", "/p", npm).size(), 1u);
    const nlohmann::json off = {{"name", "n"}, {"gypfile", false}};
    EXPECT_TRUE(installLifecycle(off, true, "/p/node_modules/n", "/p", npm).empty());
    EXPECT_TRUE(installLifecycle(plain, false, "/p/node_modules/n", "/p", npm).empty());
}

TEST(DriverReports, AreTakenOutOfTheOutputByTag) {
    std::string out = "hello\n\n@t:1 {\"type\":\"start\"}\nworld\n\n@t:2 {\"type\":\"x\"}\n\n@t:1 {\"type\":\"summary\"}\n";
    const auto reports = takeDriverReports(out, "@t:1");
    ASSERT_EQ(reports.size(), 2u);
    EXPECT_EQ(reports[1]["type"], "summary");
    EXPECT_EQ(out, "hello\nworld\n\n@t:2 {\"type\":\"x\"}\n");
}

TEST(PhaseList, ParsesInRunOrderAndRefusesUnknownNames) {
    auto p = parsePhaseList("api,install");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, (std::vector<std::string>{"install", "api"}));
    EXPECT_FALSE(parsePhaseList("install,build").ok());
}

class Staging : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/vigil-staging-test-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        root_ = tmpl;
    }
    void TearDown() override { fs::remove_all(root_); }
    size_t node(const std::string& name, const std::string& version, const std::string& extra = "") {
        resolve::PackageNode n;
        n.name = name;
        n.version = version;
        const size_t i = graph_.addNode(n);
        const fs::path tree = root_ / "trees" / (name + "-" + version);
        write(tree / "package.json", "{\"name\":\"" + name + "\",\"version\":\"" + version + "\"" + extra + "}");
        write(tree / "index.js", "module.exports = '" + version + "';\n");
        trees_[i] = tree;
        return i;
    }
    void dep(size_t from, size_t to, const std::string& alias = "") {
        graph_.addEdge({from, to, alias.empty() ? graph_.nodes[to].name : alias, "*", resolve::DependencyType::Prod});
    }
    fs::path root_;
    resolve::PackageGraph graph_;
    std::map<size_t, fs::path> trees_;
};

TEST_F(Staging, HoistsFreeNamesNestsConflictsAndLinksBins) {
    const size_t subject = node("app-lib", "1.0.0", ",\"bin\":\"cli.js\"");
    write(trees_[subject] / "cli.js", "#!/usr/bin/env node\n");
    const size_t dep2 = node("dep", "2.0.0");
    const size_t other = node("other", "1.0.0", ",\"bin\":{\"other-cli\":\"bin/o.js\",\"evil\":\"../../x\"}");
    write(trees_[other] / "bin/o.js", "#!/usr/bin/env node\n");
    const size_t dep1 = node("dep", "1.0.0");
    const size_t devOnly = node("devtool", "1.0.0");
    dep(0, subject);
    dep(subject, dep2);
    dep(subject, other);
    dep(other, dep1);
    graph_.addEdge({subject, devOnly, "devtool", "*", resolve::DependencyType::Dev});

    StageRequest req;
    req.graph = &graph_;
    req.subject = subject;
    req.trees = trees_;
    req.under = root_ / "cache" / "projects";
    auto project = stageConsumerProject(req);
    ASSERT_TRUE(project.ok()) << project.error().describe();
    const fs::path nm = project->dir / "node_modules";
    EXPECT_EQ(project->sandboxPackageDir, "/home/dev/project/node_modules/app-lib");
    EXPECT_TRUE(fs::exists(nm / "app-lib/index.js"));
    EXPECT_TRUE(fs::exists(nm / "dep/package.json"));
    EXPECT_NE(std::ifstream(nm / "dep/index.js").peek(), EOF);
    EXPECT_EQ(project->placements.at("node_modules/dep"), "dep@2.0.0");
    EXPECT_EQ(project->placements.at("node_modules/other/node_modules/dep"), "dep@1.0.0");
    EXPECT_FALSE(fs::exists(nm / "devtool"));
    // Bins: relative links next to the placement, targets executable, a bin out of the package refused.
    EXPECT_EQ(fs::read_symlink(nm / ".bin/app-lib"), fs::path("../app-lib/cli.js"));
    EXPECT_EQ(fs::read_symlink(nm / ".bin/other-cli"), fs::path("../other/bin/o.js"));
    EXPECT_FALSE(fs::exists(fs::symlink_status(nm / ".bin/evil")));
    EXPECT_NE(fs::status(nm / "app-lib/cli.js").permissions() & fs::perms::owner_exec, fs::perms::none);
    // The cache's own file did not become executable (it was copied before chmod).
    EXPECT_EQ(fs::status(trees_[subject] / "cli.js").permissions() & fs::perms::owner_exec, fs::perms::none);
    const auto consumer = nlohmann::json::parse(std::ifstream(project->dir / "package.json"));
    EXPECT_EQ(consumer["dependencies"]["app-lib"], "1.0.0");
    removeConsumerProject(*project);
    EXPECT_FALSE(fs::exists(project->dir));
    EXPECT_TRUE(fs::exists(trees_[subject] / "index.js"));
}

TEST_F(Staging, RefusesDependencyNamesThatLeaveNodeModules) {
    const size_t subject = node("s", "1.0.0");
    const size_t bad = node("x", "1.0.0");
    dep(subject, bad, "../../escape");
    StageRequest req;
    req.graph = &graph_;
    req.subject = subject;
    req.trees = trees_;
    req.under = root_ / "cache" / "projects";
    auto project = stageConsumerProject(req);
    ASSERT_TRUE(project.ok());
    EXPECT_FALSE(fs::exists(project->dir / "escape"));
    EXPECT_FALSE(fs::exists(root_ / "cache" / "escape"));
    ASSERT_EQ(project->warnings.size(), 1u);
    EXPECT_NE(project->warnings[0].find("refused"), std::string::npos);
}

}  // namespace
}  // namespace vigil::engine::plan
