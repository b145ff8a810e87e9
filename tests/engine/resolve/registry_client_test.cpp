#include "engine/resolve/registry_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/support/test_http_server.h"

using namespace std::chrono_literals;
using namespace vigil::engine;
using namespace vigil::engine::resolve;
using vigil::test::ScriptedResponse;
using vigil::test::TestHttpServer;

namespace {

std::filesystem::path freshDir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("vigil-registry-test-" + std::to_string(::getpid())) / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

std::string readFile(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

RegistryConfig configFor(const TestHttpServer& server, const std::string& npmrc = {}) {
    RegistryConfig c;
    EXPECT_TRUE(applyNpmrc(c, "registry=" + server.url("/") + "\n" + npmrc, "test.npmrc", {}).ok());
    return c;
}

RegistryClient::Options quick(bool offline = false) {
    RegistryClient::Options o;
    o.offline = offline;
    o.retries = 1;
    o.timeoutSeconds = 10;
    o.backoffBase = 10ms;
    return o;
}

// An abbreviated packument as registry.npmjs.org serves it (trimmed).
const char* kAbbreviated = R"json({
  "name": "left-pad",
  "modified": "2024-01-02T03:04:05.000Z",
  "dist-tags": {"latest": "1.3.0", "next": "2.0.0-rc.1"},
  "versions": {
    "1.3.0": {
      "name": "left-pad", "version": "1.3.0",
      "dependencies": {"zeta": "^1.0.0", "alpha": "~2.1.0"},
      "optionalDependencies": {"fsevents": "*"},
      "peerDependencies": {"react": ">=16"},
      "hasInstallScript": true,
      "deprecated": "use String.prototype.padStart()",
      "bin": {"left-pad": "cli.js"},
      "dist": {"tarball": "https://registry.example/left-pad/-/left-pad-1.3.0.tgz",
               "integrity": "sha512-abc", "shasum": "5c0c", "fileCount": 7, "unpackedSize": 1234}
    },
    "2.0.0-rc.1": {"name": "left-pad", "version": "2.0.0-rc.1", "deprecated": "",
                   "dist": {"tarball": "https://registry.example/left-pad/-/left-pad-2.0.0-rc.1.tgz"}}
  }
})json";

const char* kFull = R"json({
  "name": "native-thing", "description": "does native things", "keywords": ["native", 3],
  "readme": "A VERY LONG README",
  "maintainers": [{"name": "ann", "email": "ann@example.com"}, "Bob <bob@example.com> (https://bob.example)"],
  "time": {"created": "2020-01-01T00:00:00.000Z", "modified": "2021-01-01T00:00:00.000Z", "1.0.0": "2020-01-01T00:00:00.000Z"},
  "dist-tags": {"latest": "1.0.0"},
  "versions": {"1.0.0": {
      "name": "native-thing", "version": "1.0.0", "gypfile": true,
      "scripts": {"postinstall": "node setup.js", "test": "jest"},
      "devDependencies": {"jest": "^29"},
      "license": {"type": "MIT"},
      "_npmUser": {"name": "ann", "email": "ann@example.com"},
      "readme": "per-version readme",
      "dist": {"tarball": "https://registry.example/native-thing/-/native-thing-1.0.0.tgz"}}}
})json";

}  // namespace

TEST(RegistryClient, FetchesAbbreviatedPackumentWithNpmsAcceptHeader) {
    TestHttpServer server;
    server.on("/left-pad", std::vector<ScriptedResponse>{{.body = kAbbreviated, .headers = {{"ETag", "\"v1\""}}}});
    RegistryClient client(configFor(server), freshDir("abbrev"), quick());
    auto p = client.packument("left-pad");
    ASSERT_TRUE(p.ok()) << p.error().describe();
    EXPECT_EQ(server.requestsFor("/left-pad").at(0).header("accept"),
              "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*");
    EXPECT_EQ(p->name, "left-pad");
    EXPECT_EQ(p->distTags.at("latest"), "1.3.0");
    EXPECT_EQ(p->time.at("modified"), "2024-01-02T03:04:05.000Z");
    const auto& v = p->versions.at("1.3.0");
    ASSERT_EQ(v.dependencies.size(), 2u);
    EXPECT_EQ(v.dependencies[0].first, "zeta") << "declaration order is kept";
    EXPECT_EQ(v.dependencies[1], (std::pair<std::string, std::string>{"alpha", "~2.1.0"}));
    EXPECT_EQ(v.optionalDependencies.at(0).first, "fsevents");
    EXPECT_EQ(v.peerDependencies.at(0).second, ">=16");
    EXPECT_TRUE(v.hasInstallScript);
    EXPECT_TRUE(v.hasBin);
    EXPECT_EQ(v.deprecated, "use String.prototype.padStart()");
    EXPECT_EQ(v.dist.integrity, "sha512-abc");
    EXPECT_EQ(v.dist.fileCount, 7);
    EXPECT_EQ(v.dist.unpackedSize, 1234);
    const auto& rc = p->versions.at("2.0.0-rc.1");
    EXPECT_FALSE(rc.deprecated) << "deprecated: \"\" means un-deprecated";
    EXPECT_FALSE(rc.hasInstallScript);
}

TEST(RegistryClient, FullPackumentKeepsMetadataButNotTheReadme) {
    TestHttpServer server;
    server.on("/native-thing", std::vector<ScriptedResponse>{{.body = kFull}});
    RegistryClient client(configFor(server), freshDir("full"), quick());
    auto p = client.packument("native-thing", /*full=*/true);
    ASSERT_TRUE(p.ok()) << p.error().describe();
    EXPECT_EQ(server.requestsFor("/native-thing").at(0).header("accept"), "application/json");
    EXPECT_EQ(p->description, "does native things");
    EXPECT_EQ(p->keywords, std::vector<std::string>{"native"});
    ASSERT_EQ(p->maintainers.size(), 2u);
    EXPECT_EQ(p->maintainers[1], (Person{"Bob", "bob@example.com"}));
    EXPECT_EQ(p->time.at("created"), "2020-01-01T00:00:00.000Z");
    const auto& v = p->versions.at("1.0.0");
    EXPECT_TRUE(v.hasInstallScript);
    EXPECT_TRUE(v.gypfile);
    EXPECT_EQ(v.scripts.at("postinstall"), "node setup.js");
    EXPECT_EQ(v.devDependencies.at(0).first, "jest");
    EXPECT_EQ(v.license, "MIT");
    EXPECT_EQ(v.npmUser, (Person{"ann", "ann@example.com"}));
    EXPECT_FALSE(v.hasBin);

    auto cached = readFile(client.cacheFile("native-thing", true));
    EXPECT_NE(cached.find("does native things"), std::string::npos);
    EXPECT_EQ(cached.find("README"), std::string::npos) << "readme is not cached";
    EXPECT_EQ(cached.find("per-version readme"), std::string::npos);
}

TEST(RegistryClient, RevalidatesTheCacheWithEtag) {
    TestHttpServer server;
    server.on("/left-pad", std::vector<ScriptedResponse>{{.body = kAbbreviated, .headers = {{"ETag", "\"v1\""}}},
                                                          {.status = 304, .headers = {{"ETag", "\"v1\""}}}});
    auto cache = freshDir("etag");
    RegistryClient client(configFor(server), cache, quick());
    ASSERT_TRUE(client.packument("left-pad").ok());
    auto second = client.packument("left-pad");
    ASSERT_TRUE(second.ok()) << second.error().describe();
    auto seen = server.requestsFor("/left-pad");
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_FALSE(seen[0].has("if-none-match"));
    EXPECT_EQ(seen[1].header("if-none-match"), "\"v1\"");
    EXPECT_EQ(second->versions.at("1.3.0").dist.integrity, "sha512-abc") << "304 served from the cache";
    EXPECT_TRUE(std::filesystem::exists(cache / "packuments" / "abbrev" / "left-pad.json"));
}

TEST(RegistryClient, FreshWithinMaxAgeNeedsNoRequest) {
    // registry.npmjs.org sends "cache-control: public, max-age=300": a rescan within it, like
    // npm's own cache, asks nothing; --prefer-online still revalidates.
    TestHttpServer server;
    server.on("/left-pad", std::vector<ScriptedResponse>{
                               {.body = kAbbreviated, .headers = {{"ETag", "\"v1\""}, {"Cache-Control", "public, max-age=300"}}},
                               {.status = 304, .headers = {{"ETag", "\"v1\""}}}});
    auto cache = freshDir("max-age");
    RegistryClient client(configFor(server), cache, quick());
    ASSERT_TRUE(client.packument("left-pad").ok());
    auto again = client.packument("left-pad");
    ASSERT_TRUE(again.ok()) << again.error().describe();
    EXPECT_EQ(again->versions.at("1.3.0").dist.integrity, "sha512-abc");
    EXPECT_EQ(server.requestsFor("/left-pad").size(), 1u) << "fresh for 300 s: served from the cache";

    auto preferOnline = quick();
    preferOnline.preferOnline = true;
    ASSERT_TRUE(RegistryClient(configFor(server), cache, preferOnline).packument("left-pad").ok());
    auto seen = server.requestsFor("/left-pad");
    ASSERT_EQ(seen.size(), 2u) << "--prefer-online revalidates";
    EXPECT_EQ(seen[1].header("if-none-match"), "\"v1\"");
}

TEST(RegistryClient, StaleOrUncacheableEntriesAreRevalidated) {
    TestHttpServer server;
    const std::pair<std::string, std::string> etag{"ETag", "\"v1\""}, fiveMinutes{"Cache-Control", "max-age=300"};
    // The first answer says nothing about freshness (as an entry cached by an older VIGIL);
    // the 304s that follow carry the registry's max-age.
    server.on("/left-pad", std::vector<ScriptedResponse>{{.body = kAbbreviated, .headers = {etag}},
                                                          {.status = 304, .headers = {etag, fiveMinutes}},
                                                          {.status = 304, .headers = {etag, fiveMinutes}}});
    server.on("/right-pad", std::vector<ScriptedResponse>{
                                {.body = kAbbreviated, .headers = {{"ETag", "\"r\""}, {"Cache-Control", "no-cache, max-age=300"}}},
                                {.status = 304, .headers = {{"ETag", "\"r\""}, {"Cache-Control", "no-cache, max-age=300"}}}});
    auto cache = freshDir("stale");
    RegistryClient client(configFor(server), cache, quick());
    ASSERT_TRUE(client.packument("left-pad").ok());
    ASSERT_TRUE(client.packument("left-pad").ok());  // revalidated: the 304 brings max-age=300
    ASSERT_TRUE(client.packument("left-pad").ok());  // fresh now
    EXPECT_EQ(server.requestsFor("/left-pad").size(), 2u);
    // Validated ten minutes ago: past its max-age, asked about again; that 304 restarts it.
    std::filesystem::last_write_time(cache / "packuments" / "abbrev" / "left-pad.json",
                                     std::filesystem::file_time_type::clock::now() - 600s);
    ASSERT_TRUE(client.packument("left-pad").ok());
    auto last = client.packument("left-pad");
    ASSERT_TRUE(last.ok()) << last.error().describe();
    EXPECT_EQ(last->versions.at("1.3.0").dist.integrity, "sha512-abc");
    EXPECT_EQ(server.requestsFor("/left-pad").size(), 3u) << "stale → revalidated once, then fresh again";

    ASSERT_TRUE(client.packument("right-pad").ok());
    ASSERT_TRUE(client.packument("right-pad").ok());
    EXPECT_EQ(server.requestsFor("/right-pad").size(), 2u) << "no-cache: revalidated every time";
}

TEST(RegistryClient, OfflineServesOnlyTheCache) {
    TestHttpServer server;
    server.on("/left-pad", std::vector<ScriptedResponse>{{.body = kAbbreviated}});
    auto cache = freshDir("offline");
    ASSERT_TRUE(RegistryClient(configFor(server), cache, quick()).packument("left-pad").ok());
    RegistryClient offline(configFor(server), cache, quick(/*offline=*/true));
    auto hit = offline.packument("left-pad");
    ASSERT_TRUE(hit.ok()) << hit.error().describe();
    EXPECT_EQ(hit->distTags.at("latest"), "1.3.0");
    auto miss = offline.packument("right-pad");
    ASSERT_FALSE(miss.ok());
    EXPECT_EQ(miss.error().code, ErrorCode::NotFound);
    EXPECT_NE(miss.error().primary.find("'right-pad'"), std::string::npos);
    EXPECT_NE(miss.error().primary.find("not in the offline cache"), std::string::npos);
    auto tarball = offline.downloadTarball(server.url("/left-pad/-/left-pad-1.3.0.tgz"), cache / "t.tgz");
    EXPECT_FALSE(tarball.ok());
    EXPECT_EQ(server.requests().size(), 1u) << "offline never touches the network";
}

TEST(RegistryClient, ScopedNamesAreEncodedAndUseTheirRegistryAndToken) {
    TestHttpServer publicRegistry;
    TestHttpServer corp;
    corp.on("/@corp%2ftool", std::vector<ScriptedResponse>{{.body = R"({"name":"@corp/tool","versions":{}})"}});
    publicRegistry.on("/@other%2fthing", std::vector<ScriptedResponse>{{.body = R"({"name":"@other/thing"})"}});
    auto config = configFor(publicRegistry, "@corp:registry=" + corp.url("/") + "\n//127.0.0.1:" +
                                                std::to_string(corp.port()) + "/:_authToken=CORP-TOKEN\n");
    auto cache = freshDir("scoped");
    RegistryClient client(config, cache, quick());
    auto corpTool = client.packument("@corp/tool");
    ASSERT_TRUE(corpTool.ok()) << corpTool.error().describe();
    EXPECT_EQ(corpTool->name, "@corp/tool");
    auto other = client.packument("@other/thing");
    ASSERT_TRUE(other.ok()) << other.error().describe();

    ASSERT_EQ(corp.requests().size(), 1u);
    EXPECT_EQ(corp.requests()[0].header("authorization"), "Bearer CORP-TOKEN");
    ASSERT_EQ(publicRegistry.requests().size(), 1u);
    EXPECT_FALSE(publicRegistry.requests()[0].has("authorization")) << "the corp token must not leak";
    EXPECT_EQ(client.cacheFile("@corp/tool", false), cache / "packuments" / "abbrev" / "@corp%2ftool.json");
    EXPECT_EQ(RegistryClient::escapeName("@corp/tool"), "@corp%2ftool");
}

TEST(RegistryClient, TarballsGetCredentialsOnlyOnTheirRegistryHost) {
    TestHttpServer registry;
    TestHttpServer cdn;
    registry.on("/a/-/a-1.0.0.tgz", std::vector<ScriptedResponse>{{.body = "A"}});
    cdn.on("/a-1.0.0.tgz", std::vector<ScriptedResponse>{{.body = "CDN"}});
    auto config = configFor(registry, "//127.0.0.1:" + std::to_string(registry.port()) + "/:_authToken=T\n");
    auto dir = freshDir("tarballs");
    RegistryClient client(config, dir, quick());
    auto a = client.downloadTarball(registry.url("/a/-/a-1.0.0.tgz"), dir / "x" / "a.tgz");
    ASSERT_TRUE(a.ok()) << a.error().describe();
    EXPECT_EQ(readFile(*a), "A");
    auto b = client.downloadTarball(cdn.url("/a-1.0.0.tgz"), dir / "b.tgz");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(registry.requests().at(0).header("authorization"), "Bearer T");
    EXPECT_FALSE(cdn.requests().at(0).has("authorization")) << "another host:port never sees the token";
}

TEST(RegistryClient, HttpErrorsNameThePackageAndRegistry) {
    TestHttpServer server;
    server.on("/private", std::vector<ScriptedResponse>{{.status = 401}});
    server.on("/broken", std::vector<ScriptedResponse>{{.body = "<html>proxy error</html>"}});
    server.on("/bad-shape", std::vector<ScriptedResponse>{{.body = R"({"name":"x","versions":[]})"}});
    RegistryClient client(configFor(server), freshDir("errors"), quick());

    auto missing = client.packument("no-such-package");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    EXPECT_NE(missing.error().primary.find("'no-such-package'"), std::string::npos);
    EXPECT_NE(missing.error().primary.find(server.url("/")), std::string::npos) << missing.error().primary;
    EXPECT_EQ(server.requestsFor("/no-such-package").size(), 1u) << "404 is not retried";

    auto denied = client.packument("private");
    ASSERT_FALSE(denied.ok());
    EXPECT_EQ(denied.error().code, ErrorCode::Network);
    EXPECT_NE(denied.error().secondary.find(".npmrc"), std::string::npos);
    EXPECT_NE(denied.error().secondary.find("//127.0.0.1:" + std::to_string(server.port()) + "/:_authToken"),
              std::string::npos)
        << denied.error().secondary;

    for (const char* name : {"broken", "bad-shape"}) {
        auto bad = client.packument(name);
        ASSERT_FALSE(bad.ok()) << name;
        EXPECT_EQ(bad.error().code, ErrorCode::Network);
        EXPECT_NE(bad.error().primary.find(std::string("'") + name + "'"), std::string::npos) << bad.error().primary;
        EXPECT_NE(bad.error().primary.find(server.url("/")), std::string::npos);
    }

    auto unsafe = client.packument("../../etc/passwd");
    ASSERT_FALSE(unsafe.ok());
    EXPECT_EQ(unsafe.error().code, ErrorCode::Usage);
}

TEST(RegistryClient, PackumentsFetchesManyInParallel) {
    TestHttpServer server;
    for (const char* name : {"/a", "/b", "/c"})
        server.on(name, std::vector<ScriptedResponse>{
                            {.body = std::string(R"({"name":")") + (name + 1) + R"("})", .delay = 300ms}});
    RegistryClient::Options o = quick();
    o.maxParallel = 4;
    RegistryClient client(configFor(server), freshDir("many"), o);
    auto start = std::chrono::steady_clock::now();
    auto all = client.packuments({"a", "b", "missing", "c"});
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 4u);
    EXPECT_EQ((*all)[0]->name, "a");
    EXPECT_EQ((*all)[1]->name, "b");
    EXPECT_EQ((*all)[2].error().code, ErrorCode::NotFound);
    EXPECT_EQ((*all)[3]->name, "c");
    EXPECT_GE(server.maxConcurrent(), 2);
    EXPECT_LT(elapsed, 0.85) << "three 300 ms answers overlapped";
}
