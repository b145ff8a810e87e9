#include "engine/resolve/package_spec.h"

#include <gtest/gtest.h>

using namespace vigil::engine;
using namespace vigil::engine::resolve;

namespace {

PackageSpec dep(std::string_view name, std::string_view spec) {
    auto r = parseDependencySpec(name, spec);
    EXPECT_TRUE(r.ok()) << name << " → " << spec << ": " << (r.ok() ? "" : r.error().describe());
    return r.ok() ? r.value() : PackageSpec{};
}

PackageSpec arg(std::string_view text) {
    auto r = parsePackageArg(text);
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().describe());
    return r.ok() ? r.value() : PackageSpec{};
}

}  // namespace

// Kinds checked against npm-package-arg 12 (link:/workspace: are pnpm/yarn additions).
TEST(PackageSpec, RegistrySpecsAreVersionRangeOrTag) {
    EXPECT_EQ(dep("a", "1.2.3").kind, SpecKind::Version);
    EXPECT_EQ(dep("a", "v1.2.3").kind, SpecKind::Version);
    EXPECT_EQ(dep("a", "^1.2.3").kind, SpecKind::Range);
    EXPECT_EQ(dep("a", "1.x || >=2.5").kind, SpecKind::Range);
    EXPECT_EQ(dep("a", "").kind, SpecKind::Range);
    EXPECT_EQ(dep("a", "*").kind, SpecKind::Range);
    EXPECT_EQ(dep("a", "next").kind, SpecKind::Tag);
    auto trimmed = dep("a", " ^1.2.3 ");
    EXPECT_EQ(trimmed.fetchSpec, "^1.2.3");
    EXPECT_EQ(trimmed.raw, " ^1.2.3 ");
    EXPECT_TRUE(trimmed.isRegistry());
    EXPECT_EQ(trimmed.registryName(), "a");
}

TEST(PackageSpec, AliasesPointAtTheRealPackage) {
    auto a = dep("my-lodash", "npm:lodash@^4.17.0");
    EXPECT_EQ(a.kind, SpecKind::Alias);
    EXPECT_EQ(a.name, "my-lodash");
    EXPECT_EQ(a.aliasTarget, "lodash");
    EXPECT_EQ(a.registryName(), "lodash");
    EXPECT_EQ(a.fetchSpec, "^4.17.0");
    EXPECT_EQ(a.aliasKind, SpecKind::Range);
    EXPECT_TRUE(a.isRegistry());

    auto scoped = dep("x", "npm:@types/node@20.1.0");
    EXPECT_EQ(scoped.aliasTarget, "@types/node");
    EXPECT_EQ(scoped.aliasKind, SpecKind::Version);
    auto bare = dep("x", "npm:react");
    EXPECT_EQ(bare.aliasTarget, "react");
    EXPECT_EQ(bare.fetchSpec, "*");
    EXPECT_EQ(dep("x", "NPM:react@next").aliasKind, SpecKind::Tag);
}

TEST(PackageSpec, BadAliasesAreRejected) {
    for (const char* spec : {"npm:foo@npm:bar@1", "npm:github:u/r", "npm:./local", "npm:_bad@1"}) {
        auto r = parseDependencySpec("x", spec);
        ASSERT_FALSE(r.ok()) << spec;
        EXPECT_EQ(r.error().code, ErrorCode::Input);
        EXPECT_NE(r.error().primary.find("x"), std::string::npos) << r.error().primary;
    }
}

TEST(PackageSpec, GitSpecsKeepRepositoryAndCommittishApart) {
    struct Case {
        const char* spec;
        const char* fetchSpec;
        const char* committish;
    };
    for (const Case& c : {
             Case{"github:u/r", "github:u/r", ""},
             Case{"github:u/r#v1.0", "github:u/r", "v1.0"},
             Case{"gitlab:group/sub/r", "gitlab:group/sub/r", ""},
             Case{"bitbucket:u/r#main", "bitbucket:u/r", "main"},
             Case{"u/r", "github:u/r", ""},
             Case{"u/r#semver:^1.0", "github:u/r", "semver:^1.0"},
             Case{"u/r.tgz", "github:u/r.tgz", ""},
             Case{"git+https://example.com/r.git#abc", "https://example.com/r.git", "abc"},
             Case{"git+ssh://git@github.com:u/r.git#v1", "git@github.com:u/r.git", "v1"},
             Case{"git+ssh://git@host:22/r.git", "ssh://git@host:22/r.git", ""},
             Case{"git://example.com/r.git#x", "git://example.com/r.git", "x"},
             Case{"Git+https://x.com/r.git", "https://x.com/r.git", ""},
             Case{"git@github.com:u/r.git", "git@github.com:u/r.git", ""},
             Case{"https://github.com/u/r", "https://github.com/u/r", ""},
             Case{"https://github.com/u/r/tree/dev", "https://github.com/u/r", "dev"},
             Case{"https://gitlab.com/g/sub/r", "https://gitlab.com/g/sub/r", ""},
         }) {
        auto s = dep("d", c.spec);
        EXPECT_EQ(s.kind, SpecKind::Git) << c.spec;
        EXPECT_EQ(s.fetchSpec, c.fetchSpec) << c.spec;
        EXPECT_EQ(s.gitCommittish, c.committish) << c.spec;
        EXPECT_FALSE(s.isRegistry());
    }
}

TEST(PackageSpec, TarballUrlsAreRemote) {
    EXPECT_EQ(dep("d", "https://example.com/x.tgz").kind, SpecKind::Remote);
    EXPECT_EQ(dep("d", "http://example.com/x.tgz").fetchSpec, "http://example.com/x.tgz");
    EXPECT_EQ(dep("d", "https://github.com/u/r/archive/main.tar.gz").kind, SpecKind::Remote)
        << "a tarball on a git host is not a repository";
    EXPECT_EQ(dep("d", "https://gitlab.com/g/r/-/archive/x.tgz").kind, SpecKind::Remote);
    auto ftp = parseDependencySpec("d", "ftp://example.com/x.tgz");
    ASSERT_FALSE(ftp.ok());
    EXPECT_NE(ftp.error().secondary.find("ftp:"), std::string::npos);
}

TEST(PackageSpec, PathsAreFiles) {
    struct Case {
        const char* spec;
        const char* path;
    };
    for (const Case& c : {Case{"file:../x", "../x"}, Case{"file:x.tgz", "x.tgz"}, Case{"./x", "./x"},
                          Case{"../x", "../x"}, Case{"/abs/x", "/abs/x"}, Case{"~/x", "~/x"},
                          Case{"x.tgz", "x.tgz"}, Case{"user/repo/extra", "user/repo/extra"},
                          Case{"file:///abs/path", "/abs/path"}, Case{"file://host/path", "/host/path"},
                          Case{"file:/../x", "../x"}, Case{"file:~/x", "~/x"}, Case{".", "."}}) {
        auto s = dep("d", c.spec);
        EXPECT_EQ(s.kind, SpecKind::File) << c.spec;
        EXPECT_EQ(s.fetchSpec, c.path) << c.spec;
    }
}

TEST(PackageSpec, LinkAndWorkspaceProtocols) {
    auto link = dep("d", "link:../shared");
    EXPECT_EQ(link.kind, SpecKind::Link);
    EXPECT_EQ(link.fetchSpec, "../shared");
    EXPECT_EQ(dep("d", "portal:../p").kind, SpecKind::Link);
    auto ws = dep("d", "workspace:^");
    EXPECT_EQ(ws.kind, SpecKind::Workspace);
    EXPECT_EQ(ws.fetchSpec, "^");
    EXPECT_EQ(dep("d", "workspace:*").fetchSpec, "*");
    EXPECT_FALSE(ws.isRegistry());
}

TEST(PackageSpec, BadNamesAndSpecsAreInputErrorsNamingThem) {
    auto badName = parseDependencySpec("Bad Name", "^1");
    ASSERT_FALSE(badName.ok());
    EXPECT_EQ(badName.error().code, ErrorCode::Input);
    EXPECT_NE(badName.error().primary.find("\"Bad Name\""), std::string::npos);

    auto badTag = parseDependencySpec("left-pad", "foo#bar");
    ASSERT_FALSE(badTag.ok());
    EXPECT_EQ(badTag.error().code, ErrorCode::Input);
    EXPECT_NE(badTag.error().primary.find("left-pad"), std::string::npos);
    EXPECT_NE(badTag.error().primary.find("foo#bar"), std::string::npos);

    EXPECT_FALSE(parseDependencySpec("", "^1").ok());
}

TEST(PackageArg, SplitsNameAndSpecAsNpmDoes) {
    auto plain = arg("foo");
    EXPECT_EQ(plain.name, "foo");
    EXPECT_EQ(plain.kind, SpecKind::Range);
    EXPECT_EQ(plain.fetchSpec, "*");
    EXPECT_EQ(arg("foo@").fetchSpec, "*");
    EXPECT_EQ(arg("foo@1.2.3").kind, SpecKind::Version);
    EXPECT_EQ(arg("foo@latest").kind, SpecKind::Tag);
    auto scoped = arg("@s/foo@^1");
    EXPECT_EQ(scoped.name, "@s/foo");
    EXPECT_EQ(scoped.fetchSpec, "^1");
    EXPECT_EQ(arg("@s/foo").name, "@s/foo");
    EXPECT_EQ(arg("Foo").name, "Foo") << "old packages with capitals still install";

    auto alias = arg("foo@npm:bar@2");
    EXPECT_EQ(alias.name, "foo");
    EXPECT_EQ(alias.aliasTarget, "bar");
    auto nameless = arg("npm:bar@2");
    EXPECT_EQ(nameless.kind, SpecKind::Alias);
    EXPECT_EQ(nameless.registryName(), "bar");

    EXPECT_EQ(arg("github:u/r").kind, SpecKind::Git);
    EXPECT_EQ(arg("u/r").kind, SpecKind::Git);
    EXPECT_EQ(arg("./x").kind, SpecKind::File);
    EXPECT_EQ(arg("x.tgz").kind, SpecKind::File);
    EXPECT_EQ(arg("https://example.com/x.tgz").kind, SpecKind::Remote);
    auto scp = arg("git@example.com:u/r.git");
    EXPECT_EQ(scp.kind, SpecKind::Git);
    EXPECT_EQ(scp.fetchSpec, "git@example.com:u/r.git");
    EXPECT_EQ(arg("foo@file:../x").kind, SpecKind::File);
}

TEST(PackageArg, BadNamesAreUsageErrors) {
    for (std::string_view text : {"_foo", "foo bar", "@s", "node_modules", ".hidden@1"}) {
        auto r = parsePackageArg(text);
        ASSERT_FALSE(r.ok()) << text;
        EXPECT_EQ(r.error().code, ErrorCode::Usage) << text;
        std::string name(text.substr(0, text.find('@', 1)));
        EXPECT_NE(r.error().primary.find("\"" + name + "\""), std::string::npos) << r.error().describe();
    }
}

TEST(PackageName, FollowsNpmRules) {
    for (const char* good : {"a", "left-pad", "@types/node", "@s/x.y", "lodash.merge", "Uppercase", "http", "a_b",
                             "@s/_under", "with~tilde"})
        EXPECT_TRUE(isValidPackageName(good)) << good;
    for (const char* bad : {"", ".dot", "_under", "-dash", " space", "a b", "a/b", "@s/", "@/x", "@s/.x",
                            "@s/a/b", "node_modules", "FAVICON.ICO", "ü", "@s/ü"})
        EXPECT_FALSE(isValidPackageName(bad)) << bad;
    EXPECT_TRUE(isValidPackageName(std::string(214, 'a')));
    EXPECT_FALSE(isValidPackageName(std::string(215, 'a')));
}
