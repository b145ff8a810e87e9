// Checks that the local npm registry the integration tests use serves what the fixtures promise, over real
// HTTP with libcurl: if this fails, every registry-backed test would fail for the wrong reason.
#include "tests/support/local_registry.h"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <iostream>
#include <string>
#include <vector>

using vigil::test::LocalRegistry;
using nlohmann::json;

namespace {

struct Response {
    long status = 0;
    std::string body;
    std::string error;  // libcurl's error text when the request did not complete
};

size_t appendBody(char* data, size_t size, size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

// GET `url`, optionally with a bearer token. Redirects are not followed and only http to 127.0.0.1 is
// allowed, so a misconfigured registry cannot send the test to the internet.
Response get(const std::string& url, const std::string& token = {}) {
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    Response response;
    CURL* curl = initialised ? curl_easy_init() : nullptr;
    if (curl == nullptr) {
        response.error = "curl_easy_init failed";
        return response;
    }
    curl_slist* headers = nullptr;
    if (!token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, appendBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    const CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    } else {
        response.error = url + ": " + curl_easy_strerror(rc);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return response;
}

json packument(const std::string& name, const std::string& token = {}) {
    std::string path = name;
    // Scoped names travel as @scope%2fname, as npm sends them.
    if (auto slash = path.find('/'); slash != std::string::npos) path.replace(slash, 1, "%2f");
    const Response r = get(LocalRegistry::shared().url() + path, token);
    EXPECT_EQ(r.status, 200) << name << ": " << r.error << r.body;
    return json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}

// "sha512-<base64>" of `bytes`, the form of a packument's dist.integrity (Subresource Integrity).
std::string sha512Integrity(const std::string& bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha512(), nullptr) != 1) return "digest failed";
    std::vector<unsigned char> encoded(4 * ((length + 2) / 3) + 1);
    const int written = EVP_EncodeBlock(encoded.data(), digest, static_cast<int>(length));
    return "sha512-" + std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<size_t>(written));
}

// The served tarball of name@version, and the integrity its packument declares for it.
std::pair<std::string, std::string> tarballAndIntegrity(const std::string& name, const std::string& version) {
    const json doc = packument(name);
    const json& dist = doc["versions"][version]["dist"];
    const std::string tarballUrl = dist.value("tarball", "");
    // The tarball must come from the local registry itself, never from a public host.
    EXPECT_EQ(tarballUrl.rfind(LocalRegistry::shared().url(), 0), 0u) << tarballUrl;
    const Response r = get(tarballUrl);
    EXPECT_EQ(r.status, 200) << tarballUrl << ": " << r.error;
    return {r.body, dist.value("integrity", "")};
}

}  // namespace

TEST(RegistrySmoke, StartsAndReportsHowLong) {
    VIGIL_REQUIRE_LOCAL_REGISTRY();
    const auto& registry = LocalRegistry::shared();
    EXPECT_EQ(registry.url().rfind("http://127.0.0.1:", 0), 0u) << registry.url();
    RecordProperty("registry_start_ms", std::to_string(registry.startDuration().count()));
    std::cout << "local registry " << registry.url() << " started in " << registry.startDuration().count()
              << " ms\n";
}

TEST(RegistrySmoke, PackumentListsPublishedVersionsWithIntegrity) {
    VIGIL_REQUIRE_LOCAL_REGISTRY();
    const json doc = packument("vigil-fixture-a");
    ASSERT_TRUE(doc.is_object());
    for (const char* version : {"1.0.0", "1.1.0"}) {
        ASSERT_TRUE(doc["versions"].contains(version)) << "vigil-fixture-a@" << version;
        EXPECT_EQ(doc["versions"][version]["dist"].value("integrity", "").rfind("sha512-", 0), 0u)
            << "vigil-fixture-a@" << version;
    }
    EXPECT_EQ(doc["versions"]["1.1.0"]["dependencies"].value("vigil-fixture-b", ""), "^1.0.0");
    EXPECT_EQ(doc["dist-tags"].value("latest", ""), "1.1.0");
}

TEST(RegistrySmoke, PrivateScopeNeedsTheToken) {
    VIGIL_REQUIRE_LOCAL_REGISTRY();
    const std::string url = LocalRegistry::shared().url() + "@private%2fsecret";
    const Response anonymous = get(url);
    EXPECT_TRUE(anonymous.status == 401 || anonymous.status == 403) << anonymous.status << " " << anonymous.error;
    const Response authorised = get(url, LocalRegistry::shared().token());
    EXPECT_EQ(authorised.status, 200) << authorised.error << authorised.body;
    EXPECT_EQ(json::parse(authorised.body, nullptr, false).value("name", ""), "@private/secret");
    // A public scope stays readable without a token.
    EXPECT_EQ(get(LocalRegistry::shared().url() + "@vigil%2fscoped").status, 200);
}

TEST(RegistrySmoke, UnknownPackagesAreNotFoundAndNothingIsProxied) {
    VIGIL_REQUIRE_LOCAL_REGISTRY();
    EXPECT_EQ(get(LocalRegistry::shared().url() + "vigil-fixture-does-not-exist").status, 404);
    // left-pad exists on the public registry: a 404 here shows no uplink proxies it.
    EXPECT_EQ(get(LocalRegistry::shared().url() + "left-pad").status, 404);
}

TEST(RegistrySmoke, DistTagsIncludeNext) {
    VIGIL_REQUIRE_LOCAL_REGISTRY();
    const json doc = packument("vigil-fixture-tagged");
    ASSERT_TRUE(doc.is_object());
    EXPECT_EQ(doc["dist-tags"].value("next", ""), "2.0.0-beta.1");
    EXPECT_EQ(doc["dist-tags"].value("latest", ""), "1.0.0") << "a prerelease must not become latest";
    EXPECT_EQ(doc["dist-tags"].size(), 2u) << doc["dist-tags"].dump() << " (temporary publish tag left behind?)";
}

TEST(RegistrySmoke, TamperedTarballNoLongerMatchesItsIntegrity) {
    VIGIL_REQUIRE_LOCAL_REGISTRY();
    // The control: an untouched tarball hashes to its declared integrity, so the mismatch below is the
    // tampering and not a hashing mistake.
    const auto [intact, intactIntegrity] = tarballAndIntegrity("vigil-fixture-b", "1.0.0");
    ASSERT_FALSE(intact.empty());
    EXPECT_EQ(sha512Integrity(intact), intactIntegrity);

    const auto [tampered, declared] = tarballAndIntegrity("vigil-fixture-tampered", "1.0.0");
    ASSERT_FALSE(tampered.empty());
    ASSERT_EQ(declared.rfind("sha512-", 0), 0u) << declared;
    EXPECT_NE(sha512Integrity(tampered), declared);
}
