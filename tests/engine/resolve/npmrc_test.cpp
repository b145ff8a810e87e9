#include "engine/resolve/npmrc.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "engine/resolve/registry_url.h"

using namespace vigil::engine;
using namespace vigil::engine::resolve;

namespace {

using Env = std::map<std::string, std::string>;

RegistryConfig applyText(const std::string& text, const Env& env = {}) {
    RegistryConfig c;
    auto s = applyNpmrc(c, text, "/p/.npmrc", env);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().describe());
    return c;
}

std::filesystem::path freshDir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("vigil-npmrc-test-" + std::to_string(::getpid())) / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace

TEST(RegistryUrl, NerfDartDropsSchemeCredentialsQueryAndLastSegment) {
    EXPECT_EQ(nerfDart("https://registry.npmjs.org/"), "//registry.npmjs.org/");
    EXPECT_EQ(nerfDart("https://u:p@Npm.Example.com:8443/api/npm/pkg?x=1#f"), "//npm.example.com:8443/api/npm/");
    EXPECT_EQ(nerfDart("http://h:80/a"), "//h/") << "the default port is not part of the key";
    EXPECT_EQ(nerfDart("ftp://h/a"), "");
    EXPECT_EQ(redactUrl("https://user:secret@h/x@y"), "https://***@h/x@y");
    EXPECT_EQ(redactUrl("https://h/x"), "https://h/x");
}

TEST(Npmrc, DefaultsAreNpms) {
    RegistryConfig c;
    EXPECT_EQ(c.registryFor("left-pad"), "https://registry.npmjs.org/");
    EXPECT_TRUE(c.strictSsl);
    EXPECT_EQ(c.fetchRetries, 2);
    EXPECT_FALSE(c.authorizationFor("https://registry.npmjs.org/left-pad"));
}

TEST(Npmrc, IniSyntaxCommentsQuotesAndSpaces) {
    auto c = applyText("; a comment\n"
                   "# another\n"
                   "  registry = http://127.0.0.1:4873  \n"
                   "@corp:registry=\"https://npm.corp.example/api/npm/\"\n"
                   "strict-ssl = false ; trailing comment\n"
                   "ca = 'line ; with semicolon'\n"
                   "fetch-retries=5\r\n"
                   "always-auth\n"
                   "ca[]=ignored\n");
    EXPECT_EQ(c.registry, "http://127.0.0.1:4873/") << "a trailing slash is added";
    EXPECT_EQ(c.registryFor("@corp/tool"), "https://npm.corp.example/api/npm/");
    EXPECT_EQ(c.registryFor("@other/tool"), "http://127.0.0.1:4873/");
    EXPECT_EQ(c.registryFor("plain"), "http://127.0.0.1:4873/");
    EXPECT_FALSE(c.strictSsl);
    EXPECT_EQ(c.ca, "line ; with semicolon");
    EXPECT_EQ(c.fetchRetries, 5);
    EXPECT_TRUE(c.alwaysAuth) << "a key without '=' means true";
    ASSERT_EQ(c.warnings.size(), 1u);
    EXPECT_NE(c.warnings[0].find("/p/.npmrc:9"), std::string::npos) << c.warnings[0];
}

TEST(Npmrc, BadValuesWarnWithFileAndLineAndKeepDefaults) {
    auto c = applyText("fetch-retries=lots\nregistry=not a url\nstrict-ssl=maybe\n");
    EXPECT_EQ(c.fetchRetries, 2);
    EXPECT_EQ(c.registry, "https://registry.npmjs.org/");
    EXPECT_TRUE(c.strictSsl);
    ASSERT_EQ(c.warnings.size(), 3u);
    EXPECT_NE(c.warnings[1].find("/p/.npmrc:2"), std::string::npos);
}

TEST(Npmrc, EnvironmentExpansion) {
    Env env{{"TOKEN", "s3cret"}, {"HOST", "npm.corp.example"}};
    auto c = applyText("//${HOST}/:_authToken=${TOKEN}\n"
                   "cafile=${MISSING?}\n"
                   "proxy=\\${TOKEN}\n",
                   env);
    EXPECT_EQ(c.authorizationFor("https://npm.corp.example/x"), "Bearer s3cret") << "keys are expanded too";
    EXPECT_EQ(c.cafile, "");
    EXPECT_EQ(c.proxy, "${TOKEN}") << "a backslash keeps ${…} literal";

    // `_authToken=${NPM_TOKEN}` with NPM_TOKEN unset (a CI-only variable): the setting is skipped
    // with a warning naming file:line, the literal text is never sent, the rest still applies.
    RegistryConfig bad;
    auto s = applyNpmrc(bad, "registry=https://r.example/\n//r.example/:_authToken=${NPM_TOKEN}\n", "/home/a/.npmrc", env);
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_EQ(bad.registry, "https://r.example/");
    EXPECT_FALSE(bad.authorizationFor("https://r.example/pkg").has_value());
    ASSERT_EQ(bad.warnings.size(), 1u);
    EXPECT_NE(bad.warnings[0].find("/home/a/.npmrc:2"), std::string::npos) << bad.warnings[0];
    EXPECT_NE(bad.warnings[0].find("NPM_TOKEN"), std::string::npos) << bad.warnings[0];
}

TEST(Npmrc, NerfDartCredentialsLongestPrefixWins) {
    auto c = applyText("registry=https://npm.corp.example/api/npm/\n"
                   "//npm.corp.example/:_authToken=host-wide\n"
                   "//npm.corp.example/api/npm/:_authToken=registry-token\n"
                   "//basic.example/:username=ann\n"
                   "//basic.example/:_password=" "cGFzcw==\n"  // "pass"
                   "//legacy.example/:_auth=YW5uOnBhc3M=\n");
    EXPECT_EQ(c.authorizationFor("https://npm.corp.example/api/npm/left-pad"), "Bearer registry-token");
    EXPECT_EQ(c.authorizationFor("https://npm.corp.example/other/x.tgz"), "Bearer host-wide");
    EXPECT_EQ(c.authorizationFor("https://basic.example/pkg"), "Basic YW5uOnBhc3M=") << "ann:pass";
    EXPECT_EQ(c.authorizationFor("https://legacy.example/pkg"), "Basic YW5uOnBhc3M=");
}

TEST(Npmrc, NeverLeaksATokenToAnotherHost) {
    auto c = applyText("registry=https://npm.corp.example/\n"
                   "//npm.corp.example/:_authToken=SECRET\n"
                   "@pub:registry=https://registry.npmjs.org/\n");
    EXPECT_EQ(c.authorizationFor("https://npm.corp.example/a"), "Bearer SECRET");
    EXPECT_FALSE(c.authorizationFor("https://registry.npmjs.org/@pub%2fx")) << "the scope's registry has no token";
    EXPECT_FALSE(c.authorizationFor("https://evil.example/npm.corp.example/a"));
    EXPECT_FALSE(c.authorizationFor("https://npm.corp.example.evil.example/a"));
    EXPECT_FALSE(c.authorizationFor("https://npm.corp.example:8443/a")) << "another port is another registry";
    EXPECT_FALSE(c.authorizationFor("https://SECRET@attacker.example/")) << "userinfo does not fool the match";
    EXPECT_FALSE(c.authorizationFor("http://npm.corp.example/a")) << "no token in clear text to an https registry";
    EXPECT_FALSE(c.authorizationFor("file:///etc/passwd"));
}

TEST(Npmrc, SameHostFallbackForTarballsOutsideTheRegistryPath) {
    auto c = applyText("registry=https://repo.example/api/npm/main/\n"
                   "//repo.example/api/npm/main/:_authToken=T\n");
    EXPECT_EQ(c.authorizationFor("https://repo.example/files/pkg-1.0.0.tgz"), "Bearer T");
    EXPECT_FALSE(c.authorizationFor("https://cdn.example/files/pkg-1.0.0.tgz"));
}

TEST(Npmrc, HttpRegistryGetsItsTokenOverHttp) {
    auto c = applyText("registry=http://127.0.0.1:4873/\n//127.0.0.1:4873/:_authToken=local\n");
    EXPECT_EQ(c.authorizationFor("http://127.0.0.1:4873/left-pad"), "Bearer local");
    EXPECT_FALSE(c.authorizationFor("http://127.0.0.1:4874/left-pad"));
}

TEST(Npmrc, LegacyTopLevelAuthBelongsToTheDefaultRegistryOnly) {
    auto c = applyText("_authToken=OLD\nregistry=https://npm.corp.example/\n@pub:registry=https://registry.npmjs.org/\n");
    EXPECT_EQ(c.authorizationFor("https://npm.corp.example/x"), "Bearer OLD")
        << "bound to the registry in effect, even when set before it";
    EXPECT_FALSE(c.authorizationFor("https://registry.npmjs.org/x"));
    auto d = applyText("_authToken=OLD\n//registry.npmjs.org/:_authToken=NEW\n");
    EXPECT_EQ(d.authorizationFor("https://registry.npmjs.org/x"), "Bearer NEW") << "the nerf-darted key wins";
}

TEST(Npmrc, LoadFollowsNpmPrecedence) {
    auto home = freshDir("home");
    auto project = freshDir("project");
    std::ofstream(home / ".npmrc") << "registry=https://user.example/\nfetch-retries=4\nstrict-ssl=false\n"
                                      "//user.example/:_authToken=${USER_TOKEN}\n";
    std::ofstream(project / ".npmrc") << "registry=https://project.example/\nfetch-retries=3\n";
    Env env{{"HOME", home.string()}, {"USER_TOKEN", "u"}, {"npm_config_fetch_retries", "7"},
            {"NPM_CONFIG_HTTPS_PROXY", "http://proxy.example:3128"}, {"npm_config_noproxy", ""}};
    auto c = loadRegistryConfig(project, env);
    ASSERT_TRUE(c.ok()) << c.error().describe();
    EXPECT_EQ(c->registry, "https://project.example/") << "project beats user";
    EXPECT_FALSE(c->strictSsl) << "user beats builtin";
    EXPECT_EQ(c->fetchRetries, 7) << "environment beats project";
    EXPECT_EQ(c->httpsProxy, "http://proxy.example:3128") << "NPM_CONFIG_ is case-insensitive, _ becomes -";
    EXPECT_EQ(c->proxyFor("https://project.example/x"), "http://proxy.example:3128");
    EXPECT_EQ(c->authorizationFor("https://user.example/x"), "Bearer u");
    ASSERT_EQ(c->sources.size(), 3u);

    auto other = freshDir("elsewhere");
    std::ofstream(other / "npmrc") << "registry=https://userconfig.example/\n";
    env["NPM_CONFIG_USERCONFIG"] = (other / "npmrc").string();
    auto d = loadRegistryConfig(freshDir("empty-project"), env);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->registry, "https://userconfig.example/") << "NPM_CONFIG_USERCONFIG replaces ~/.npmrc";
}

TEST(Npmrc, EnvironmentCanSetNerfDartedTokens) {
    Env env{{"npm_config_//registry.npmjs.org/:_authToken", "from-env"}, {"npm_config__authtoken_ignored", "x"}};
    auto c = loadRegistryConfig({}, env);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->authorizationFor("https://registry.npmjs.org/a"), "Bearer from-env");
}

TEST(Npmrc, UnsetVariableInUserFileIsAWarningNamingIt) {
    auto home = freshDir("badhome");
    std::ofstream(home / ".npmrc") << "\n\n//r/:_authToken=${NOT_SET}\n";
    auto c = loadRegistryConfig({}, {{"HOME", home.string()}});
    ASSERT_TRUE(c.ok()) << c.error().describe();
    ASSERT_FALSE(c->warnings.empty());
    EXPECT_NE(c->warnings[0].find((home / ".npmrc").string() + ":3"), std::string::npos) << c->warnings[0];
}
