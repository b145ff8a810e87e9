#include "engine/resolve/lockfile.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <algorithm>
#include <cstring>

#include <gtest/gtest.h>

using namespace vigil::engine;
using namespace vigil::engine::resolve;
namespace fs = std::filesystem;

namespace {

fs::path fixture(const std::string& relative) {
    return fs::path(VIGIL_FIXTURES_DIR) / "lockfiles" / relative;
}

PackageGraph loadOk(const std::string& dir) {
    auto graph = loadProject(fixture(dir));
    if (!graph.ok()) {
        ADD_FAILURE() << dir << ": " << graph.error().describe();
        return {};
    }
    return std::move(graph).value();
}

/// The single node with that name (and version, when given); fails the test otherwise.
const PackageNode& nodeNamed(const PackageGraph& g, const std::string& name, const std::string& version = {}) {
    const PackageNode* found = nullptr;
    for (std::size_t i = 1; i < g.nodes.size(); ++i) {
        if (g.nodes[i].name != name || (!version.empty() && g.nodes[i].version != version))
            continue;
        EXPECT_EQ(found, nullptr) << "several nodes named " << name << "@" << version;
        found = &g.nodes[i];
    }
    static const PackageNode missing{.name = "<missing>"};
    EXPECT_NE(found, nullptr) << name << "@" << version << " not in the graph";
    return found ? *found : missing;
}

std::size_t indexOf(const PackageGraph& g, const PackageNode& node) {
    return static_cast<std::size_t>(&node - g.nodes.data());
}

/// "name@version" of what `from` depends on under `alias`, or "" when it has no such edge.
std::string dependencyOf(const PackageGraph& g, std::size_t from, const std::string& alias) {
    for (const auto* e : g.edgesFrom(from))
        if (e->alias == alias)
            return g.nodes[e->to].id();
    return {};
}

const DependencyEdge* edge(const PackageGraph& g, std::size_t from, const std::string& alias) {
    for (const auto* e : g.edgesFrom(from))
        if (e->alias == alias)
            return e;
    return nullptr;
}

std::set<std::string> registryIds(const PackageGraph& g) {
    std::set<std::string> out;
    for (std::size_t i = 1; i < g.nodes.size(); ++i)
        if (g.nodes[i].source == SourceKind::Registry)
            out.insert(g.nodes[i].id());
    return out;
}

std::set<std::string> otherSources(const PackageGraph& g) {
    std::set<std::string> out;
    for (std::size_t i = 1; i < g.nodes.size(); ++i)
        if (g.nodes[i].source != SourceKind::Registry)
            out.insert(g.nodes[i].name + " " + sourceKindName(g.nodes[i].source));
    return out;
}

}  // namespace

// ---- the same project, locked by every tool -------------------------------------------------

struct LockedProject {
    const char* dir;
    const char* format;
    bool recordsInstallScripts;  ///< npm v2/v3 hasInstallScript, pnpm 5/6 requiresBuild
    bool recordsIntegrity;       ///< berry keeps only its own zip checksum
    const char* gitVersion;      ///< npm v1 writes the git URL where the version would be
};

void PrintTo(const LockedProject& p, std::ostream* os) { *os << p.dir; }

class SameProject : public ::testing::TestWithParam<LockedProject> {};

TEST_P(SameProject, GraphMatchesWhatWasLocked) {
    const LockedProject& p = GetParam();
    const PackageGraph g = loadOk(p.dir);
    EXPECT_EQ(g.format, p.format);
    EXPECT_EQ(g.root().name, "vigil-fixture-app");
    EXPECT_EQ(g.root().version, "1.0.0");
    EXPECT_EQ(g.root().source, SourceKind::Root);
    EXPECT_TRUE(g.sourceFile.ends_with(fs::path(g.sourceFile).filename().string()));
    // 14 registry packages + local-pkg (dir) + tiny-vendored (tarball) + left-pad (git).
    EXPECT_EQ(g.packageCount(), 17u);

    // The non-hoisted duplicate: debug pins ms@2.0.0 while the root gets ms@2.1.3.
    const auto& debug = nodeNamed(g, "debug", "2.6.9");
    EXPECT_EQ(dependencyOf(g, 0, "ms"), "ms@2.1.3");
    EXPECT_EQ(dependencyOf(g, indexOf(g, debug), "ms"), "ms@2.0.0");
    // The alias: the root requires "my-ms", which is really ms@2.1.2.
    EXPECT_EQ(dependencyOf(g, 0, "my-ms"), "ms@2.1.2");
    EXPECT_EQ(std::count_if(g.nodes.begin(), g.nodes.end(), [](const PackageNode& n) { return n.name == "ms"; }), 3)
        << "three ms versions, not one";
    // chalk's subtree.
    const auto& chalk = nodeNamed(g, "chalk", "4.1.2");
    EXPECT_EQ(dependencyOf(g, indexOf(g, chalk), "supports-color"), "supports-color@7.2.0");
    EXPECT_EQ(dependencyOf(g, indexOf(g, nodeNamed(g, "supports-color")), "has-flag"), "has-flag@4.0.0");
    if (p.recordsIntegrity) {
        EXPECT_EQ(chalk.integrity.rfind("sha512-oKnbhFyRIXpUuez8iBMmyEa4nbj4IOQyuhc", 0), 0u) << chalk.integrity;
    } else {
        EXPECT_EQ(chalk.integrity, "") << "berry's checksum is not an SRI integrity";
    }

    // dev-only and optional packages, also the optional one's own nested is-number@6.
    const auto& isNumber7 = nodeNamed(g, "is-number", "7.0.0");
    const auto& isOdd = nodeNamed(g, "is-odd", "3.0.1");
    const auto& isNumber6 = nodeNamed(g, "is-number", "6.0.0");
    EXPECT_TRUE(isNumber7.dev);
    EXPECT_FALSE(isNumber7.optional);
    EXPECT_EQ(edge(g, 0, "is-number")->type, DependencyType::Dev);
    EXPECT_TRUE(isOdd.optional);
    EXPECT_FALSE(isOdd.dev);
    EXPECT_EQ(edge(g, 0, "is-odd")->type, DependencyType::Optional);
    EXPECT_EQ(dependencyOf(g, indexOf(g, isOdd), "is-number"), "is-number@6.0.0");
    EXPECT_TRUE(isNumber6.optional);
    EXPECT_FALSE(chalk.dev);
    EXPECT_FALSE(chalk.optional);
    EXPECT_FALSE(nodeNamed(g, "has-flag").dev);

    // Sources.
    EXPECT_EQ(chalk.source, SourceKind::Registry);
    const auto& local = nodeNamed(g, "local-pkg");
    EXPECT_EQ(local.source, SourceKind::Directory);
    EXPECT_EQ(dependencyOf(g, indexOf(g, local), "has-flag"), "has-flag@4.0.0");
    EXPECT_EQ(nodeNamed(g, "tiny-vendored").source, SourceKind::LocalTarball);
    const auto& leftPad = nodeNamed(g, "left-pad");
    EXPECT_EQ(leftPad.source, SourceKind::Git);
    EXPECT_EQ(leftPad.version, p.gitVersion);
    EXPECT_NE(leftPad.resolved.find("f4a7f2a4bc9e0d5ae8e0e7b2ac1d5c3f0a9b8c7d"), std::string::npos) << leftPad.resolved;

    // Install scripts, where the format records them.
    EXPECT_EQ(nodeNamed(g, "core-js").hasInstallScript, p.recordsInstallScripts);
    EXPECT_EQ(nodeNamed(g, "tiny-vendored").hasInstallScript, p.recordsInstallScripts);
    if (p.recordsInstallScripts) {
        EXPECT_FALSE(chalk.hasInstallScript);
    }
}

constexpr const char* kGitUrl = "git+ssh://git@github.com/stevemao/left-pad.git#f4a7f2a4bc9e0d5ae8e0e7b2ac1d5c3f0a9b8c7d";

INSTANTIATE_TEST_SUITE_P(Lockfiles, SameProject,
                         ::testing::Values(LockedProject{"npm-v1", "package-lock v1", false, true, kGitUrl},
                                           LockedProject{"npm-v2", "package-lock v2", true, true, "1.3.0"},
                                           LockedProject{"npm-v3", "package-lock v3", true, true, "1.3.0"},
                                           LockedProject{"yarn-v1", "yarn.lock v1", false, true, "1.3.0"},
                                           LockedProject{"yarn-berry", "yarn berry v10", false, false, "1.3.0"},
                                           LockedProject{"pnpm-v5", "pnpm-lock 5.4", true, true, "1.3.0"},
                                           LockedProject{"pnpm-v6", "pnpm-lock 6.0", true, true, "1.3.0"},
                                           LockedProject{"pnpm-v9", "pnpm-lock 9.0", false, true, "1.3.0"}),
                         [](const auto& info) {
                             std::string name = info.param.dir;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST(Lockfiles, NpmYarnAndPnpmAgreeOnTheSamePackages) {
    const PackageGraph npm = loadOk("npm-v3");
    const auto expected = registryIds(npm);
    EXPECT_EQ(expected.size(), 14u);
    EXPECT_TRUE(expected.count("ms@2.0.0") && expected.count("ms@2.1.2") && expected.count("ms@2.1.3"));
    for (const char* dir : {"npm-v1", "npm-v2", "yarn-v1", "yarn-berry", "pnpm-v5", "pnpm-v6", "pnpm-v9"}) {
        const PackageGraph other = loadOk(dir);
        EXPECT_EQ(registryIds(other), expected) << dir;
        EXPECT_EQ(otherSources(other), otherSources(npm)) << dir;
    }
}

// ---- npm specifics --------------------------------------------------------------------------

TEST(NpmLockfile, RecordsInstallPathsAndAliasEdges) {
    const PackageGraph g = loadOk("npm-v3");
    EXPECT_EQ(nodeNamed(g, "ms", "2.0.0").installPaths, std::vector<std::string>{"node_modules/debug/node_modules/ms"});
    EXPECT_EQ(nodeNamed(g, "ms", "2.1.2").installPaths, std::vector<std::string>{"node_modules/my-ms"});
    const auto* alias = edge(g, 0, "my-ms");
    ASSERT_NE(alias, nullptr);
    EXPECT_EQ(alias->spec, "npm:ms@2.1.2");
    const auto& local = nodeNamed(g, "local-pkg");
    EXPECT_EQ(local.resolved, "local-pkg");
    EXPECT_EQ(local.installPaths, std::vector<std::string>{"node_modules/local-pkg"}) << "the link's path";
    EXPECT_EQ(nodeNamed(g, "tiny-vendored").resolved, "file:vendor/tiny-vendored-1.0.0.tgz");
    EXPECT_TRUE(g.warnings.empty()) << g.warnings.front();
}

TEST(NpmLockfile, Version1AliasAndNesting) {
    const PackageGraph g = loadOk("npm-v1");
    const auto& aliased = nodeNamed(g, "ms", "2.1.2");
    EXPECT_EQ(aliased.installPaths, std::vector<std::string>{"node_modules/my-ms"});
    EXPECT_EQ(aliased.resolved, "https://registry.npmjs.org/ms/-/ms-2.1.2.tgz");
    EXPECT_EQ(nodeNamed(g, "is-number", "6.0.0").installPaths,
              std::vector<std::string>{"node_modules/is-odd/node_modules/is-number"});
    EXPECT_EQ(nodeNamed(g, "local-pkg").resolved, "local-pkg");
}

TEST(NpmLockfile, WorkspacesAreLinkedMembers) {
    const PackageGraph g = loadOk("npm-workspaces");
    EXPECT_EQ(g.packageCount(), 5u);
    const auto& a = nodeNamed(g, "@vigil-fixture/a");
    const auto& b = nodeNamed(g, "@vigil-fixture/b");
    EXPECT_EQ(a.source, SourceKind::Workspace);
    EXPECT_EQ(b.source, SourceKind::Workspace);
    EXPECT_FALSE(a.dev) << "workspaces are reachable from the root";
    EXPECT_EQ(dependencyOf(g, indexOf(g, b), "@vigil-fixture/a"), "@vigil-fixture/a@1.0.0");
    EXPECT_EQ(dependencyOf(g, indexOf(g, b), "ms"), "ms@2.0.0") << "b's own node_modules first";
    EXPECT_EQ(dependencyOf(g, indexOf(g, a), "ms"), "ms@2.1.3");
    EXPECT_TRUE(nodeNamed(g, "is-number").dev);
}

TEST(NpmLockfile, OptionalDependencyThatIsMissingIsAWarning) {
    const char* text = R"({"lockfileVersion": 3, "packages": {
      "": {"dependencies": {"a": "^1"}},
      "node_modules/a": {"version": "1.0.0", "optionalDependencies": {"fsevents": "^2"},
                         "dependencies": {"fsevents": "^2"}},
      "node_modules/stale": {"version": "0.1.0", "extraneous": true}
    }})";
    Manifest root;
    root.dependencies = {{"a", "^1"}};
    auto g = parseNpmLockfile(text, "package-lock.json", root);
    ASSERT_TRUE(g.ok()) << g.error().describe();
    EXPECT_EQ(g->packageCount(), 2u);
    ASSERT_EQ(g->warnings.size(), 2u);
    EXPECT_NE(g->warnings[0].find("packages[\"node_modules/stale\"]: extraneous"), std::string::npos) << g->warnings[0];
    EXPECT_NE(g->warnings[1].find("packages[\"node_modules/a\"]: dependency \"fsevents@^2\""), std::string::npos)
        << g->warnings[1];
}

TEST(NpmLockfile, ShapeErrorsNameTheEntry) {
    Manifest root;
    auto badVersion = parseNpmLockfile(R"({"lockfileVersion": 2, "packages": {"node_modules/a": {"version": 1}}})",
                                       "package-lock.json", root);
    ASSERT_FALSE(badVersion.ok());
    EXPECT_EQ(badVersion.error().code, ErrorCode::Input);
    EXPECT_NE(badVersion.error().primary.find("packages[\"node_modules/a\"]"), std::string::npos);
    auto noVersion = parseNpmLockfile(R"({"packages": {}})", "package-lock.json", root);
    EXPECT_FALSE(noVersion.ok());
    auto notObject = parseNpmLockfile("[]", "package-lock.json", root);
    EXPECT_FALSE(notObject.ok());
}

// ---- yarn specifics -------------------------------------------------------------------------

TEST(YarnClassicLockfile, ParsesQuotingCommentsAndSharedEntries) {
    const char* text =
        "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n"
        "# yarn lockfile v1\n"
        "\n"
        "\n"
        "\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.5.5\":\n"
        "  version \"7.5.5\"\n"
        "  resolved \"https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.5.5.tgz#bc07\"\n"
        "  integrity sha512-27d4\n"
        "  dependencies:\n"
        "    \"@babel/highlight\" \"^7.0.0\"\n"
        "\n"
        "# a comment between entries\n"
        "\"@babel/highlight@^7.0.0\":\n"
        "  version \"7.5.0\"\n"
        "  resolved \"https://registry.yarnpkg.com/@babel/highlight/-/highlight-7.5.0.tgz\"\n"
        "  optionalDependencies:\n"
        "    fsevents \"^2.0.0\"\n"
        "\n"
        "weird@1.0.0:\n"
        "  version \"1.0.0\"\n"
        "  resolved \"https://example.com/downloads/weird.tgz\"\n";
    Manifest root;
    root.dependencies = {{"@babel/code-frame", "^7.5.5"}, {"weird", "1.0.0"}};
    root.devDependencies = {{"@babel/code-frame", "^7.0.0"}};
    auto g = parseYarnLockfile(text, "yarn.lock", root);
    ASSERT_TRUE(g.ok()) << g.error().describe();
    EXPECT_EQ(g->packageCount(), 3u);
    const auto& frame = nodeNamed(*g, "@babel/code-frame", "7.5.5");
    EXPECT_EQ(frame.integrity, "sha512-27d4");
    EXPECT_EQ(dependencyOf(*g, 0, "@babel/code-frame"), "@babel/code-frame@7.5.5");
    EXPECT_EQ(dependencyOf(*g, indexOf(*g, frame), "@babel/highlight"), "@babel/highlight@7.5.0");
    EXPECT_EQ(nodeNamed(*g, "weird").source, SourceKind::RemoteTarball);
    ASSERT_EQ(g->warnings.size(), 1u);
    EXPECT_NE(g->warnings[0].find("yarn.lock:17"), std::string::npos) << g->warnings[0];
}

TEST(YarnClassicLockfile, RejectsTabsAndUnterminatedStrings) {
    Manifest root;
    auto tab = parseYarnClassicLockfile("a@1:\n\tversion \"1\"\n", "yarn.lock", root);
    ASSERT_FALSE(tab.ok());
    EXPECT_EQ(tab.error().primary.rfind("yarn.lock:2: ", 0), 0u) << tab.error().primary;
    auto quote = parseYarnClassicLockfile("a@1:\n  version \"1\n", "yarn.lock", root);
    ASSERT_FALSE(quote.ok());
    EXPECT_EQ(quote.error().primary.rfind("yarn.lock:2: ", 0), 0u) << quote.error().primary;
    auto noVersion = parseYarnClassicLockfile("a@1:\n  resolved \"x\"\n", "yarn.lock", root);
    ASSERT_FALSE(noVersion.ok());
    EXPECT_EQ(noVersion.error().primary.rfind("yarn.lock:1: ", 0), 0u) << noVersion.error().primary;
}

TEST(YarnBerryLockfile, PatchesAndWorkspacesAreVisible) {
    const char* text = R"(__metadata:
  version: 8
  cacheKey: 10c0

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    resolve: "patch:resolve@npm%3A^1.22.0#optional!builtin<compat/resolve>"
    lib: "workspace:packages/lib"
  languageName: unknown
  linkType: soft

"lib@workspace:packages/lib":
  version: 0.0.0-use.local
  resolution: "lib@workspace:packages/lib"
  languageName: unknown
  linkType: soft

"resolve@patch:resolve@npm%3A^1.22.0#optional!builtin<compat/resolve>":
  version: 1.22.8
  resolution: "resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=c3c19d"
  checksum: 10c0/0446f024439cd2e50c6c8fa8ba77eaa8370b4180f401a96abf3d1ebc770ac51c1955e12764cde449fde3fff480a61f84388e3505ecdbab778f4bef5f8212c729
  languageName: node
  linkType: hard
)";
    Manifest root;
    root.name = "app";
    root.dependencies = {{"resolve", "^1.22.0"}, {"lib", "workspace:packages/lib"}};
    auto g = parseYarnLockfile(text, "yarn.lock", root);
    ASSERT_TRUE(g.ok()) << g.error().describe();
    EXPECT_EQ(g->format, "yarn berry v8");
    EXPECT_EQ(g->packageCount(), 2u) << "the root workspace is node 0, not a package";
    EXPECT_EQ(dependencyOf(*g, 0, "resolve"), "resolve@1.22.8");
    EXPECT_EQ(nodeNamed(*g, "lib").source, SourceKind::Workspace);
    EXPECT_EQ(nodeNamed(*g, "resolve").integrity, "");
    ASSERT_EQ(g->warnings.size(), 1u);
    EXPECT_NE(g->warnings[0].find("patched"), std::string::npos) << g->warnings[0];
    EXPECT_NE(g->warnings[0].find("yarn.lock:20"), std::string::npos) << g->warnings[0];
}

// ---- pnpm specifics -------------------------------------------------------------------------

TEST(PnpmLockfile, Version9PeerSuffixesShareOneNode) {
    const char* text = R"(lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      react:
        specifier: ^18.2.0
        version: 18.2.0
      react-dom:
        specifier: ^18.2.0
        version: 18.2.0(react@18.2.0)
packages:
  react@18.2.0:
    resolution: {integrity: sha512-r}
  react-dom@18.2.0:
    resolution: {integrity: sha512-d}
    peerDependencies:
      react: ^18.2.0
snapshots:
  react@18.2.0: {}
  react-dom@18.2.0(react@18.2.0):
    dependencies:
      react: 18.2.0
  react-dom@18.2.0(react@18.3.0):
    dependencies:
      react: 18.2.0
)";
    Manifest root;
    root.dependencies = {{"react", "^18.2.0"}, {"react-dom", "^18.2.0"}};
    auto g = parsePnpmLockfile(text, "pnpm-lock.yaml", root);
    ASSERT_TRUE(g.ok()) << g.error().describe();
    EXPECT_EQ(g->packageCount(), 2u);
    const auto& dom = nodeNamed(*g, "react-dom", "18.2.0");
    EXPECT_EQ(dom.integrity, "sha512-d");
    EXPECT_EQ(dependencyOf(*g, 0, "react-dom"), "react-dom@18.2.0");
    EXPECT_EQ(edge(*g, 0, "react-dom")->spec, "^18.2.0");
    EXPECT_EQ(dependencyOf(*g, indexOf(*g, dom), "react"), "react@18.2.0");
}

TEST(PnpmLockfile, Version5PeerSuffixAndAlias) {
    const char* text = R"(lockfileVersion: 5.3
specifiers:
  dom: ^18
  old-react: npm:react@17.0.2
dependencies:
  dom: /react-dom/18.2.0_react@18.2.0
  old-react: /react/17.0.2
packages:
  /react-dom/18.2.0_react@18.2.0:
    resolution: {integrity: sha512-d}
    dependencies:
      react: 18.2.0
    dev: false
  /react/18.2.0:
    resolution: {integrity: sha512-r}
    dev: false
  /react/17.0.2:
    resolution: {integrity: sha512-o}
    dev: false
)";
    Manifest root;
    root.dependencies = {{"dom", "^18"}, {"old-react", "npm:react@17.0.2"}};
    auto g = parsePnpmLockfile(text, "pnpm-lock.yaml", root);
    ASSERT_TRUE(g.ok()) << g.error().describe();
    EXPECT_EQ(g->packageCount(), 3u);
    EXPECT_EQ(dependencyOf(*g, 0, "dom"), "react-dom@18.2.0");
    EXPECT_EQ(dependencyOf(*g, 0, "old-react"), "react@17.0.2");
    EXPECT_EQ(edge(*g, 0, "old-react")->spec, "npm:react@17.0.2");
    EXPECT_EQ(dependencyOf(*g, indexOf(*g, nodeNamed(*g, "react-dom")), "react"), "react@18.2.0");
}

TEST(PnpmLockfile, WorkspaceImportersAreNodes) {
    const PackageGraph g = loadOk("pnpm-workspaces");
    EXPECT_EQ(g.packageCount(), 5u);
    const auto& a = nodeNamed(g, "packages/a");
    const auto& b = nodeNamed(g, "packages/b");
    EXPECT_EQ(a.source, SourceKind::Workspace);
    EXPECT_EQ(dependencyOf(g, indexOf(g, b), "@vigil-fixture/a"), a.id()) << "link:../a resolves to the importer";
    EXPECT_EQ(dependencyOf(g, indexOf(g, b), "ms"), "ms@2.0.0");
    EXPECT_EQ(dependencyOf(g, indexOf(g, a), "ms"), "ms@2.1.3");
    EXPECT_FALSE(nodeNamed(g, "ms", "2.0.0").dev);
    EXPECT_TRUE(nodeNamed(g, "is-number").dev);
}

// ---- finding and loading --------------------------------------------------------------------

TEST(LoadProject, ShrinkwrapTakesPrecedenceAndOthersAreNamed) {
    const auto found = findLockfile(fixture("precedence"));
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->filename(), "npm-shrinkwrap.json");
    const PackageGraph g = loadOk("precedence");
    EXPECT_EQ(g.format, "npm-shrinkwrap v3");
    EXPECT_EQ(fs::path(g.sourceFile).filename(), "npm-shrinkwrap.json");
    ASSERT_EQ(g.warnings.size(), 1u);
    EXPECT_NE(g.warnings[0].find("yarn.lock: ignored"), std::string::npos) << g.warnings[0];
}

TEST(LoadProject, NoLockfileIsNotFound) {
    EXPECT_FALSE(findLockfile(fixture("no-lockfile")).has_value());
    auto g = loadProject(fixture("no-lockfile"));
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().code, ErrorCode::NotFound);
}

TEST(LoadProject, MissingManifestIsAnInputError) {
    auto g = loadProject(fixture("does-not-exist"));
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().code, ErrorCode::Input);
    EXPECT_NE(g.error().primary.find("package.json"), std::string::npos);
}

struct Malformed {
    const char* dir;
    const char* file;
    const char* position;  ///< what the primary must continue with after the file name (":LINE: ")
    const char* mentions;  ///< text the primary must contain
};

void PrintTo(const Malformed& m, std::ostream* os) { *os << m.dir; }

class MalformedLockfile : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedLockfile, IsAnInputErrorNamingFileAndPlace) {
    const Malformed& m = GetParam();
    auto g = loadProject(fixture(std::string("malformed/") + m.dir));
    ASSERT_FALSE(g.ok()) << m.dir << " was accepted";
    EXPECT_EQ(g.error().code, ErrorCode::Input) << g.error().describe();
    const std::string path = fixture(std::string("malformed/") + m.dir + "/" + m.file).string();
    const std::string& primary = g.error().primary;
    ASSERT_EQ(primary.rfind(path, 0), 0u) << primary;
    EXPECT_EQ(primary.compare(path.size(), std::strlen(m.position), m.position), 0) << primary;
    EXPECT_NE(primary.find(m.mentions), std::string::npos) << primary;
}

INSTANTIATE_TEST_SUITE_P(
    Lockfiles, MalformedLockfile,
    ::testing::Values(
        Malformed{"npm-truncated", "package-lock.json", ":61:1: ", "unexpected end of input"},
        Malformed{"npm-version-99", "package-lock.json", ": ", "lockfileVersion 99"},
        Malformed{"npm-dangling", "package-lock.json", ": packages[\"node_modules/color-convert\"]: ",
                  "\"color-name@~1.1.4\""},
        Malformed{"yarn-bad-indent", "yarn.lock", ":18: ", "indentation"},
        Malformed{"yarn-dangling", "yarn.lock", ":25: ", "\"color-name@~1.1.4\""},
        Malformed{"berry-bad-yaml", "yarn.lock", ":19:15: ", "illegal map value"},
        Malformed{"berry-dangling", "yarn.lock", ":31: ", "\"color-name@npm:~1.1.4\""},
        Malformed{"pnpm-bad-indent", "pnpm-lock.yaml", ":52:7: ", "end of map not found"},
        Malformed{"pnpm-version-99", "pnpm-lock.yaml", ":1: ", "lockfileVersion 99.0"},
        Malformed{"pnpm-dangling", "pnpm-lock.yaml", ":122: ", "\"color-name@1.1.4\""}),
    [](const auto& info) {
        std::string name = info.param.dir;
        std::replace(name.begin(), name.end(), '-', '_');
        return name;
    });

TEST(Lockfiles, EveryTruncationIsAGraphOrAnInputError) {
    // Cut each real lockfile at many points: the parsers must answer, never crash or throw.
    Manifest root;
    root.dependencies = {{"chalk", "^4.1.2"}};
    for (const char* file : {"npm-v1/package-lock.json", "npm-v2/package-lock.json", "npm-v3/package-lock.json",
                             "yarn-v1/yarn.lock", "yarn-berry/yarn.lock", "pnpm-v5/pnpm-lock.yaml",
                             "pnpm-v6/pnpm-lock.yaml", "pnpm-v9/pnpm-lock.yaml"}) {
        std::ifstream in(fixture(file), std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        ASSERT_GT(text.size(), 1000u) << file;
        int errors = 0;
        for (std::size_t cut = 0; cut < text.size(); cut += text.size() / 97 + 1) {
            auto g = parseLockfile(std::string_view(text).substr(0, cut), file, root);
            if (!g.ok()) {
                ++errors;
                EXPECT_EQ(g.error().code, ErrorCode::Input) << file << " cut at " << cut << ": " << g.error().primary;
                EXPECT_EQ(g.error().primary.rfind(file, 0), 0u) << g.error().primary;
            }
        }
        EXPECT_GT(errors, 0) << file << ": no truncation was noticed";
    }
}
