#include "engine/resolve/http_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/test_http_server.h"

using namespace std::chrono_literals;
using namespace vigil::engine;
using namespace vigil::engine::resolve;
using vigil::test::ScriptedResponse;
using vigil::test::TestHttpServer;

namespace {

HttpClientOptions fast(int retries = 3) {
    HttpClientOptions o;
    o.retries = retries;
    o.backoffBase = 10ms;
    o.backoffMax = 50ms;
    o.timeoutSeconds = 10;
    return o;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::filesystem::path freshDir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("vigil-http-test-" + std::to_string(::getpid())) / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace

TEST(HttpClient, RetriesServerErrorsThenSucceeds) {
    TestHttpServer server;
    server.on("/x", std::vector<ScriptedResponse>{{.status = 500}, {.status = 503}, {.status = 200, .body = "ok"}});
    auto r = HttpClient(fast()).get({.url = server.url("/x")});
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "ok");
    EXPECT_EQ(server.requestsFor("/x").size(), 3u);
}

TEST(HttpClient, DoesNotRetryClientErrors) {
    TestHttpServer server;
    server.on("/missing", std::vector<ScriptedResponse>{{.status = 404, .body = "nope"}});
    auto r = HttpClient(fast()).get({.url = server.url("/missing")});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 404);
    EXPECT_EQ(server.requestsFor("/missing").size(), 1u);
}

TEST(HttpClient, GivesUpAfterTheConfiguredRetries) {
    TestHttpServer server;
    server.on("/down", std::vector<ScriptedResponse>{{.status = 503}});
    auto r = HttpClient(fast(1)).get({.url = server.url("/down")});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 503) << "the last answer is returned for the caller to report";
    EXPECT_EQ(server.requestsFor("/down").size(), 2u);
}

TEST(HttpClient, RetriesADroppedConnection) {
    TestHttpServer server;
    server.on("/flaky", std::vector<ScriptedResponse>{{.dropConnection = true}, {.status = 200, .body = "ok"}});
    auto r = HttpClient(fast()).get({.url = server.url("/flaky")});
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->body, "ok");
}

TEST(HttpClient, HonoursRetryAfterUpToTheCap) {
    TestHttpServer server;
    server.on("/slow-down", std::vector<ScriptedResponse>{{.status = 429, .headers = {{"Retry-After", "1"}}},
                                                           {.status = 200, .body = "ok"}});
    auto start = std::chrono::steady_clock::now();
    auto r = HttpClient(fast()).get({.url = server.url("/slow-down")});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200);
    EXPECT_GE(secondsSince(start), 0.9) << "waited as the server asked";

    server.on("/forever", std::vector<ScriptedResponse>{{.status = 503, .headers = {{"Retry-After", "3600"}}},
                                                         {.status = 200}});
    auto capped = fast();
    capped.maxRetryAfter = 1s;
    start = std::chrono::steady_clock::now();
    auto r2 = HttpClient(capped).get({.url = server.url("/forever")});
    ASSERT_TRUE(r2.ok());
    EXPECT_EQ(r2->status, 200);
    EXPECT_LT(secondsSince(start), 3.0) << "an hour-long Retry-After is capped";
}

TEST(HttpClient, SendsEtagUserAgentAndGzipAndReadsEtag) {
    TestHttpServer server;
    server.on("/p", std::vector<ScriptedResponse>{{.status = 304, .headers = {{"ETag", "\"v2\""}}}});
    auto r = HttpClient(fast()).get({.url = server.url("/p"), .headers = {{"Accept", "application/json"}}, .etag = "\"v1\""});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 304);
    EXPECT_EQ(r->etag, "\"v2\"");
    auto seen = server.requestsFor("/p").at(0);
    EXPECT_EQ(seen.header("if-none-match"), "\"v1\"");
    EXPECT_EQ(seen.header("accept"), "application/json");
    EXPECT_EQ(seen.header("user-agent").rfind("vigil/", 0), 0u) << seen.header("user-agent");
    EXPECT_NE(seen.header("accept-encoding").find("gzip"), std::string::npos);
}

TEST(HttpClient, RefusesBodiesOverTheSizeCap) {
    TestHttpServer server;
    std::string big(100000, 'x');
    server.on("/big", std::vector<ScriptedResponse>{{.body = big}});
    server.on("/big-chunked", std::vector<ScriptedResponse>{{.body = big, .omitContentLength = true}});
    HttpClient client(fast());
    for (const char* path : {"/big", "/big-chunked"}) {
        auto r = client.get({.url = server.url(path), .maxBytes = 1000});
        ASSERT_FALSE(r.ok()) << path;
        EXPECT_EQ(r.error().code, ErrorCode::Network);
        EXPECT_NE(r.error().primary.find("1000-byte limit"), std::string::npos) << r.error().primary;
        EXPECT_NE(r.error().primary.find(path), std::string::npos) << "names the URL";
    }
    EXPECT_EQ(server.requestsFor("/big").size(), 1u) << "too large is not retried";
    auto ok = client.get({.url = server.url("/big"), .maxBytes = 100000});
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->body.size(), 100000u);
}

TEST(HttpClient, TimesOut) {
    TestHttpServer server;
    server.on("/hang", std::vector<ScriptedResponse>{{.body = "late", .delay = 5s}});
    auto start = std::chrono::steady_clock::now();
    auto r = HttpClient(fast(0)).get({.url = server.url("/hang"), .timeoutSeconds = 1});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Network);
    EXPECT_NE(r.error().primary.find("timed out"), std::string::npos) << r.error().primary;
    EXPECT_LT(secondsSince(start), 3.0);
}

TEST(HttpClient, ConnectionErrorsNameTheUrlWithoutCredentials) {
    std::string url;
    {
        TestHttpServer closed;  // take a free port, then close it
        url = "http://ann:hunter2@127.0.0.1:" + std::to_string(closed.port()) + "/pkg";
    }
    auto r = HttpClient(fast(1)).get({.url = url});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Network);
    EXPECT_NE(r.error().primary.find("127.0.0.1"), std::string::npos) << r.error().primary;
    EXPECT_NE(r.error().primary.find("/pkg"), std::string::npos);
    EXPECT_EQ(r.error().describe().find("hunter2"), std::string::npos) << r.error().describe();
    EXPECT_NE(r.error().primary.find("2 attempts"), std::string::npos) << r.error().primary;
}

TEST(HttpClient, OnlyHttpAndHttps) {
    HttpClient client(fast(0));
    auto file = client.get({.url = "file:///etc/hostname"});
    EXPECT_FALSE(file.ok());
    TestHttpServer server;
    server.on("/to-file", std::vector<ScriptedResponse>{{.status = 302, .headers = {{"Location", "file:///etc/hostname"}}}});
    auto redirected = client.get({.url = server.url("/to-file")});
    EXPECT_FALSE(redirected.ok()) << "a redirect cannot reach the local file system";
}

TEST(HttpClient, RedirectToAnotherHostDropsAuthorization) {
    TestHttpServer registry;
    TestHttpServer elsewhere;
    elsewhere.on("/t.tgz", std::vector<ScriptedResponse>{{.body = "tarball"}});
    registry.on("/t.tgz", std::vector<ScriptedResponse>{{.status = 302, .headers = {{"Location", elsewhere.url("/t.tgz")}}}});
    auto r = HttpClient(fast(0)).get({.url = registry.url("/t.tgz"), .headers = {{"Authorization", "Bearer SECRET"}}});
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->body, "tarball");
    EXPECT_EQ(r->effectiveUrl, elsewhere.url("/t.tgz"));
    EXPECT_EQ(registry.requestsFor("/t.tgz").at(0).header("authorization"), "Bearer SECRET");
    EXPECT_FALSE(elsewhere.requestsFor("/t.tgz").at(0).has("authorization")) << "the token must not follow a redirect";
}

TEST(HttpClient, GetManyRunsInParallelWithinTheLimit) {
    TestHttpServer server;
    std::vector<HttpRequest> requests;
    for (int i = 0; i < 6; ++i) {
        std::string path = "/p" + std::to_string(i);
        server.on(path, std::vector<ScriptedResponse>{{.body = path, .delay = 300ms}});
        requests.push_back({.url = server.url(path)});
    }
    requests.push_back({.url = server.url("/unknown")});
    auto start = std::chrono::steady_clock::now();
    auto results = HttpClient(fast()).getMany(requests, 3);
    double elapsed = secondsSince(start);
    ASSERT_EQ(results.size(), 7u);
    for (int i = 0; i < 6; ++i) {
        ASSERT_TRUE(results[i].ok());
        EXPECT_EQ(results[i]->body, "/p" + std::to_string(i)) << "results come back in request order";
    }
    EXPECT_EQ(results[6]->status, 404);
    EXPECT_LE(server.maxConcurrent(), 3);
    EXPECT_GE(server.maxConcurrent(), 2);
    EXPECT_LT(elapsed, 6 * 0.3) << "not one after another";
}

TEST(HttpClient, CancellationStopsTransfersAndBackoff) {
    TestHttpServer server;
    server.on("/hang", std::vector<ScriptedResponse>{{.delay = 10s}});
    server.on("/retry", std::vector<ScriptedResponse>{{.status = 503, .headers = {{"Retry-After", "30"}}}});
    std::stop_source stop;
    auto o = fast();
    o.stop = stop.get_token();
    HttpClient client(o);
    std::thread canceller([&] {
        std::this_thread::sleep_for(300ms);
        stop.request_stop();
    });
    auto start = std::chrono::steady_clock::now();
    auto results = client.getMany({{.url = server.url("/hang")}, {.url = server.url("/retry")}}, 2);
    canceller.join();
    EXPECT_LT(secondsSince(start), 2.0);
    for (const auto& r : results) {
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::Cancelled);
    }
}

TEST(HttpClient, DownloadStreamsToTheFileOnlyOnSuccess) {
    TestHttpServer server;
    server.on("/a.tgz", std::vector<ScriptedResponse>{{.status = 500}, {.body = "tarball-bytes"}});
    server.on("/gone.tgz", std::vector<ScriptedResponse>{{.status = 404, .body = "not here"}});
    auto dir = freshDir("download");
    HttpClient client(fast());
    auto ok = client.download({.url = server.url("/a.tgz")}, dir / "a.tgz");
    ASSERT_TRUE(ok.ok()) << ok.error().describe();
    EXPECT_EQ(ok->status, 200);
    std::ifstream in(dir / "a.tgz");
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), "tarball-bytes");

    auto missing = client.download({.url = server.url("/gone.tgz")}, dir / "gone.tgz");
    ASSERT_TRUE(missing.ok());
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(missing->body, "not here");
    EXPECT_FALSE(std::filesystem::exists(dir / "gone.tgz"));

    auto tooBig = client.download({.url = server.url("/a.tgz"), .maxBytes = 4}, dir / "big.tgz");
    EXPECT_FALSE(tooBig.ok());
    EXPECT_FALSE(std::filesystem::exists(dir / "big.tgz"));
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        EXPECT_EQ(entry.path().filename().string().find(".part-"), std::string::npos) << "leftover " << entry.path();
}
