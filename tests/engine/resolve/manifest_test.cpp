#include "engine/resolve/manifest.h"

#include <gtest/gtest.h>

using namespace vigil::engine;
using namespace vigil::engine::resolve;

TEST(Manifest, ReadsFieldsAndKeepsDependencyOrder) {
    const char* text = R"({
  "name": "@acme/tool",
  "version": "2.1.0",
  "description": "does things",
  "keywords": ["a", "b"],
  "license": {"type": "MIT"},
  "dependencies": {"zeta": "^1.0.0", "alpha": "~2.0.0", "mid": "npm:real@3"},
  "devDependencies": {"jest": "^29"},
  "optionalDependencies": {"fsevents": "^2"},
  "peerDependencies": {"react": ">=17"},
  "bundledDependencies": ["alpha"],
  "workspaces": {"packages": ["packages/*", "tools/cli"]},
  "scripts": {"test": "jest", "postinstall": "node setup.js"},
  "bin": "cli.js",
  "main": "index.js"
})";
    auto m = parseManifest(text, "package.json");
    ASSERT_TRUE(m.ok()) << m.error().describe();
    EXPECT_EQ(m->name, "@acme/tool");
    EXPECT_EQ(m->version, "2.1.0");
    EXPECT_EQ(m->license, "MIT");
    ASSERT_EQ(m->dependencies.size(), 3u);
    EXPECT_EQ(m->dependencies[0].first, "zeta") << "file order, not alphabetical";
    EXPECT_EQ(m->dependencies[1].first, "alpha");
    EXPECT_EQ(m->dependencies[2].second, "npm:real@3");
    EXPECT_EQ(m->bundleDependencies, std::vector<std::string>{"alpha"});
    EXPECT_EQ(m->workspaces, (std::vector<std::string>{"packages/*", "tools/cli"}));
    EXPECT_EQ(m->bin.at("tool"), "cli.js") << "string bin is named after the unscoped package name";
    EXPECT_EQ(m->main, "index.js");

    // Real packages (math-intrinsics, dunder-proto) publish "main": false; npm ignores it.
    auto odd = parseManifest(R"({"name":"math-intrinsics","version":"1.1.0","main":false})", "odd/package.json");
    ASSERT_TRUE(odd.ok()) << odd.error().describe();
    EXPECT_EQ(odd->main, "");
    EXPECT_TRUE(m->hasInstallScript());
}

TEST(Manifest, NameAndVersionAreOptional) {
    auto m = parseManifest(R"({"private": true, "workspaces": ["a", "b"], "bin": {"x": "bin/x.js"}})", "package.json");
    ASSERT_TRUE(m.ok()) << m.error().describe();
    EXPECT_FALSE(m->name.has_value());
    EXPECT_FALSE(m->version.has_value());
    EXPECT_EQ(m->workspaces.size(), 2u);
    EXPECT_EQ(m->bin.at("x"), "bin/x.js");
    EXPECT_FALSE(m->hasInstallScript());
}

TEST(Manifest, InstallScriptDetection) {
    for (const char* script : {"preinstall", "install", "postinstall"}) {
        auto m = parseManifest(std::string(R"({"scripts": {")") + script + R"(": "x"}})", "package.json");
        ASSERT_TRUE(m.ok());
        EXPECT_TRUE(m->hasInstallScript()) << script;
    }
    auto prepare = parseManifest(R"({"scripts": {"prepare": "x", "test": "y"}})", "package.json");
    EXPECT_FALSE(prepare->hasInstallScript()) << "prepare does not run when installing from the registry";
    auto gyp = parseManifest(R"({"gypfile": true})", "package.json");
    EXPECT_TRUE(gyp->hasInstallScript()) << "npm runs node-gyp rebuild for gypfile packages";
}

TEST(Manifest, BundleDependenciesTrueMeansAll) {
    auto m = parseManifest(R"({"dependencies": {"a": "1", "b": "2"}, "bundleDependencies": true})", "package.json");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->bundleDependencies, (std::vector<std::string>{"a", "b"}));
}

TEST(Manifest, SyntaxErrorNamesFileLineAndColumn) {
    auto m = parseManifest("{\n  \"name\": \"x\",\n  \"version\" 1\n}\n", "proj/package.json");
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().code, ErrorCode::Input);
    EXPECT_EQ(m.error().primary.rfind("proj/package.json:3:13: ", 0), 0u) << m.error().primary;
}

TEST(Manifest, TruncatedFileIsAnInputError) {
    auto m = parseManifest("{\n  \"name\": \"x\",\n  \"dependencies\": {\n", "package.json");
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().code, ErrorCode::Input);
    EXPECT_EQ(m.error().primary.rfind("package.json:4:1: ", 0), 0u) << m.error().primary;
}

TEST(Manifest, WrongTypesNameTheField) {
    struct Case {
        const char* text;
        const char* field;
    };
    for (const Case c : {Case{R"({"dependencies": ["a"]})", "\"dependencies\""},
                         Case{R"({"version": 1})", "\"version\""},
                         Case{R"({"name": {"x": 1}})", "\"name\""},
                         Case{R"({"devDependencies": {"a": 1}})", "\"devDependencies.a\""},
                         Case{R"({"scripts": {"postinstall": ["x"]}})", "\"scripts.postinstall\""},
                         Case{R"({"workspaces": "packages/*"})", "\"workspaces\""},
                         Case{R"({"gypfile": "yes"})", "\"gypfile\""}}) {
        auto m = parseManifest(c.text, "dir/package.json");
        ASSERT_FALSE(m.ok()) << c.text;
        EXPECT_EQ(m.error().code, ErrorCode::Input);
        EXPECT_NE(m.error().primary.find("dir/package.json"), std::string::npos) << m.error().primary;
        EXPECT_NE(m.error().primary.find(c.field), std::string::npos) << m.error().primary;
    }
    auto notObject = parseManifest("[1, 2]", "package.json");
    EXPECT_FALSE(notObject.ok());
}

TEST(Manifest, DeclaredDependenciesFollowNpmPrecedence) {
    auto m = parseManifest(R"({
      "dependencies": {"a": "^1", "opt": "^2"},
      "optionalDependencies": {"opt": "^2"},
      "devDependencies": {"a": "^1", "d": "^3"},
      "peerDependencies": {"p": "*", "a": "^1"}
    })", "package.json");
    ASSERT_TRUE(m.ok());
    auto deps = m->declaredDependencies();
    ASSERT_EQ(deps.size(), 4u);
    EXPECT_EQ(deps[0].name, "opt");
    EXPECT_EQ(deps[0].type, DependencyType::Optional) << "optional wins over dependencies";
    EXPECT_EQ(deps[1].name, "a");
    EXPECT_EQ(deps[1].type, DependencyType::Prod) << "prod wins over dev and peer";
    EXPECT_EQ(deps[2].type, DependencyType::Dev);
    EXPECT_EQ(deps[3].type, DependencyType::Peer);
}
