// The honeypot's emulations, as pure functions: the reply each request shape gets, what is
// recorded of it, the stub executable, and that hostile or cut-short requests never break them.
#include <archive.h>
#include <archive_entry.h>
#include <cstring>
#include <map>
#include <openssl/evp.h>
#include <elf.h>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/sandbox/honeypot_emulation.h"
#include "app/sandbox/protocol.h"
#include "engine/sandbox/protocol_codec.h"

namespace vigil::test {
namespace {

using namespace vigil::sandbox;
namespace sbx = vigil::engine::sandbox;

EmulationSettings settings(const std::string& country = "US") {
    EmulationSettings s;
    s.login = "maria-kowalski";
    s.fullName = "Maria Kowalski";
    s.email = "maria.kowalski@proton.me";
    s.country = country;
    return s;
}

HttpReply ask(const std::string& method, const std::string& host, const std::string& target, const std::string& body = {},
              const std::string& headers = {}, const std::string& country = "US") {
    std::string raw = method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + headers;
    if (!body.empty())
        raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    raw += "\r\n" + body;
    const auto head = parseHttpHead(raw);
    EXPECT_TRUE(head.has_value());
    return emulateHttp(*head, std::string_view(raw).substr(head->headEnd), true, settings(country));
}

int status(const HttpReply& r) { return std::atoi(r.response.substr(9, 3).c_str()); }

std::string body(const HttpReply& r) { return r.response.substr(r.response.find("\r\n\r\n") + 4); }

nlohmann::json jsonBody(const HttpReply& r) { return nlohmann::json::parse(body(r), nullptr, false); }

nlohmann::json detail(const HttpReply& r) { return nlohmann::json::parse(r.detail, nullptr, false); }

TEST(HoneypotEmulation, NpmWhoamiAnswersTheRunsUserOnAnyHost) {
    for (const char* host : {"registry.npmjs.org", "npm.corp.example:4873"}) {
        const HttpReply r = ask("GET", host, "/-/whoami", {}, "User-Agent: npm/10.8.2 node/v20.19.0 linux x64\r\n");
        EXPECT_EQ(r.emulation, "npm.whoami");
        EXPECT_EQ(status(r), 200);
        EXPECT_EQ(jsonBody(r)["username"], "maria-kowalski") << r.response;
    }
}

TEST(HoneypotEmulation, NpmPublishIsAcceptedAndRecordsNameVersionAndTarball) {
    const std::string doc = R"({"_id":"@acme/widget","name":"@acme/widget","dist-tags":{"latest":"2.4.1"},)"
                            R"("versions":{"2.4.1":{"name":"@acme/widget","version":"2.4.1"}},"access":null,)"
                            R"("_attachments":{"@acme/widget-2.4.1.tgz":{"content_type":"application/octet-stream","data":"H4sI"}}})";
    const HttpReply r = ask("PUT", "registry.npmjs.org", "/@acme%2fwidget", doc, "npm-command: publish\r\n");
    EXPECT_EQ(r.emulation, "npm.publish");
    EXPECT_EQ(status(r), 200);
    EXPECT_EQ(jsonBody(r)["ok"], true);
    EXPECT_EQ(detail(r), nlohmann::json({{"package", "@acme/widget"}, {"version", "2.4.1"}, {"tarball", "@acme/widget-2.4.1.tgz"}}));
    // A body cut at the record cap still names the package and version (they come first).
    const HttpReply cut = ask("PUT", "npm.evil.example", "/widget", doc.substr(0, 110));
    EXPECT_EQ(cut.emulation, "") << "without the attachments or npm-command, a PUT is not a publish";
    const HttpReply cutPublish = ask("PUT", "npm.evil.example", "/widget", doc.substr(0, 110), "npm-command: publish\r\n");
    EXPECT_EQ(cutPublish.emulation, "npm.publish");
    EXPECT_EQ(detail(cutPublish)["version"], "2.4.1");
}

TEST(HoneypotEmulation, NpmMetadataAndSearchAnswerWhatNpmReads) {
    const HttpReply meta = ask("GET", "registry.npmjs.org", "/left-pad", {}, "Accept: application/vnd.npm.install-v1+json\r\n");
    EXPECT_EQ(meta.emulation, "npm.metadata");
    const auto doc = jsonBody(meta);
    ASSERT_TRUE(doc.is_object()) << meta.response;
    const std::string latest = doc["dist-tags"]["latest"];
    EXPECT_EQ(doc["versions"][latest]["name"], "left-pad");
    EXPECT_EQ(doc["versions"][latest]["dist"]["tarball"], "https://registry.npmjs.org/left-pad/-/left-pad-" + latest + ".tgz");
    // One version per major, so `npm install left-pad@^2` resolves too; latest is the newest.
    for (const char* v : {"1.4.2", "2.1.0", "3.0.1"}) {
        ASSERT_TRUE(doc["versions"].contains(v)) << meta.response;
        EXPECT_EQ(doc["versions"][v]["version"], v);
        EXPECT_EQ(doc["versions"][v]["dist"]["tarball"], std::string("https://registry.npmjs.org/left-pad/-/left-pad-") + v + ".tgz");
        EXPECT_TRUE(doc["time"].contains(v));
    }
    EXPECT_EQ(latest, "3.0.1");
    EXPECT_NE(doc["versions"]["2.1.0"]["dist"]["integrity"], doc["versions"]["3.0.1"]["dist"]["integrity"]);
    const HttpReply search = ask("GET", "registry.npmjs.org", "/-/v1/search?text=maintainer:maria-kowalski&size=250");
    EXPECT_EQ(search.emulation, "npm.search");
    EXPECT_EQ(detail(search)["text"], "maintainer:maria-kowalski");
    EXPECT_EQ(jsonBody(search)["objects"][0]["package"]["maintainers"][0]["username"], "maria-kowalski");
    // Not npm's shape: a package-like path on an arbitrary host without an npm client.
    EXPECT_EQ(ask("GET", "collector.example", "/beacon").emulation, "");
}

/// The files of a .tgz, read back with libarchive: path -> content.
std::map<std::string, std::string> untar(const std::string& tgz) {
    std::map<std::string, std::string> files;
    archive* a = archive_read_new();
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    EXPECT_EQ(archive_read_open_memory(a, tgz.data(), tgz.size()), ARCHIVE_OK) << archive_error_string(a);
    archive_entry* e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        std::string content(static_cast<size_t>(archive_entry_size(e)), '\0');
        EXPECT_EQ(archive_read_data(a, content.data(), content.size()), static_cast<la_ssize_t>(content.size()));
        files[archive_entry_pathname(e)] = content;
    }
    archive_read_free(a);
    return files;
}

std::string digestOf(const EVP_MD* md, const std::string& bytes) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(bytes.data(), bytes.size(), out, &n, md, nullptr);
    return std::string(reinterpret_cast<const char*>(out), n);
}

TEST(HoneypotEmulation, NpmTarballsMatchThePackumentsIntegrityAndUnpackAsThePackageAsked) {
    for (const std::string name : {"left-pad", "@acme/widget"}) {
        const std::string escaped = name[0] == '@' ? "@acme%2fwidget" : name;
        const HttpReply meta = ask("GET", "registry.npmjs.org", "/" + escaped, {},
                                   "Accept: application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*\r\n");
        const auto doc = jsonBody(meta);
        ASSERT_TRUE(doc.is_object()) << meta.response;
        const std::string latest = doc["dist-tags"]["latest"];
        const auto& dist = doc["versions"][latest]["dist"];
        const std::string url = dist["tarball"];
        const std::string path = url.substr(std::string("https://registry.npmjs.org").size());

        const HttpReply tgz = ask("GET", "registry.npmjs.org", path, {}, "User-Agent: npm/11.1.0 node/v20.19.0 linux x64\r\n");
        EXPECT_EQ(tgz.emulation, "npm.tarball") << path;
        EXPECT_EQ(detail(tgz), nlohmann::json({{"package", name}, {"version", latest}}));
        EXPECT_TRUE(tgz.served.empty()) << "registry bytes are never counted as a downloaded payload";
        const std::string bytes = body(tgz);
        // What npm checks (ssri): sha512 of the bytes, base64; sha1 hex for old clients.
        const std::string sha512 = digestOf(EVP_sha512(), bytes);
        std::string b64(4 * ((sha512.size() + 2) / 3) + 1, '\0');
        b64.resize(static_cast<size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                                       reinterpret_cast<const unsigned char*>(sha512.data()),
                                                       static_cast<int>(sha512.size()))));
        EXPECT_EQ(dist["integrity"], "sha512-" + b64);
        std::string sha1;
        for (unsigned char c : digestOf(EVP_sha1(), bytes))
            sha1 += "0123456789abcdef"[c >> 4], sha1 += "0123456789abcdef"[c & 15];
        EXPECT_EQ(dist["shasum"], sha1);

        const auto files = untar(bytes);
        ASSERT_TRUE(files.count("package/package.json")) << files.size();
        const auto manifest = nlohmann::json::parse(files.at("package/package.json"), nullptr, false);
        EXPECT_EQ(manifest["name"], name);
        EXPECT_EQ(manifest["version"], latest);
        EXPECT_TRUE(files.count("package/index.js"));
    }
    // Any version asked gets a package of that version; a path that is no tarball is not one.
    const HttpReply other = ask("GET", "registry.npmjs.org", "/left-pad/-/left-pad-0.0.3.tgz");
    EXPECT_EQ(nlohmann::json::parse(untar(body(other))["package/package.json"])["version"], "0.0.3");
    EXPECT_NE(ask("GET", "registry.npmjs.org", "/left-pad/-/other-1.0.0.tgz").emulation, "npm.tarball");
    EXPECT_NE(ask("GET", "registry.npmjs.org", "/left-pad/-/left-pad-1.0.0\";rm.tgz").emulation, "npm.tarball");
}

TEST(HoneypotEmulation, GithubUserRepoCreationAndContentPushes) {
    const HttpReply user = ask("GET", "api.github.com", "/user", {}, "Authorization: token ghp_x\r\n");
    EXPECT_EQ(user.emulation, "github.user");
    EXPECT_EQ(jsonBody(user)["login"], "maria-kowalski");
    EXPECT_NE(user.response.find("X-OAuth-Scopes: gist, read:org, repo, workflow"), std::string::npos);

    const HttpReply repo = ask("POST", "api.github.com", "/user/repos", R"({"name":"Shai-Hulud","private":false})");
    EXPECT_EQ(repo.emulation, "github.repo_create");
    EXPECT_EQ(status(repo), 201);
    EXPECT_EQ(jsonBody(repo)["full_name"], "maria-kowalski/Shai-Hulud");
    EXPECT_EQ(detail(repo), nlohmann::json({{"owner", "maria-kowalski"}, {"name", "Shai-Hulud"}}));

    const HttpReply put = ask("PUT", "api.github.com", "/repos/maria-kowalski/app/contents/.github/workflows/ci%2Dx.yml",
                              R"({"message":"Add workflow","content":"b246IHB1c2g="})");
    EXPECT_EQ(put.emulation, "github.contents_put");
    EXPECT_EQ(status(put), 201);
    EXPECT_EQ(jsonBody(put)["content"]["path"], ".github/workflows/ci-x.yml");
    EXPECT_EQ(detail(put), nlohmann::json({{"owner", "maria-kowalski"}, {"repo", "app"}, {"path", ".github/workflows/ci-x.yml"}}));
    // Reads of other API paths stay generic.
    EXPECT_EQ(ask("GET", "api.github.com", "/repos/o/r/releases/latest").emulation, "");
}

TEST(HoneypotEmulation, GeoIpServicesReportTheRunsCountry) {
    const HttpReply ipApi = ask("GET", "ip-api.com", "/json/", {}, {}, "RU");
    EXPECT_EQ(ipApi.emulation, "geoip");
    EXPECT_EQ(jsonBody(ipApi)["countryCode"], "RU");
    EXPECT_EQ(jsonBody(ipApi)["country"], "Russia");
    EXPECT_EQ(detail(ipApi), nlohmann::json({{"service", "ip-api.com"}, {"country", "RU"}}));
    EXPECT_EQ(jsonBody(ask("GET", "ipinfo.io", "/json", {}, {}, "BY"))["country"], "BY");
    EXPECT_EQ(body(ask("GET", "ipinfo.io", "/country", {}, {}, "DE")), "DE\n");
    EXPECT_EQ(jsonBody(ask("GET", "ipapi.co", "/json/", {}, {}, "UA"))["country_code"], "UA");
    EXPECT_EQ(body(ask("GET", "ipapi.co", "/country_name/", {}, {}, "UA")), "Ukraine\n");
    EXPECT_EQ(jsonBody(ask("GET", "ipwho.is", "/", {}, {}, "IR"))["country_code"], "IR");
    // A code outside the built-in table is still the answer.
    EXPECT_EQ(jsonBody(ask("GET", "ipapi.co", "/json/", {}, {}, "QZ"))["country_code"], "QZ");
}

TEST(HoneypotEmulation, DownloadsGetAHarmlessStubExecutable) {
    const HttpReply script = ask("GET", "cdn.example.net", "/install.sh?v=2");
    EXPECT_EQ(script.emulation, "download");
    EXPECT_EQ(body(script), "#!/bin/sh\nexit 0\n");
    EXPECT_EQ(detail(script)["format"], "script");
    for (const char* path : {"/bin/update.exe", "/x/payload.bin", "/releases/agent-linux-amd64"}) {
        const HttpReply elf = ask("GET", "cdn.example.net", path);
        EXPECT_EQ(elf.emulation, "download") << path;
        EXPECT_EQ(body(elf).substr(0, 4), "\x7f" "ELF") << path;
    }
    EXPECT_EQ(ask("GET", "cdn.example.net", "/data", {}, "Accept: application/octet-stream\r\n").emulation, "download");
    EXPECT_EQ(ask("GET", "cdn.example.net", "/index.html").emulation, "");
    EXPECT_EQ(ask("POST", "cdn.example.net", "/upload.sh", "x").emulation, "");

    // The ELF stub: one loadable segment inside the file, entry point inside it.
    const std::string elf = stubExecutable("elf");
    ASSERT_GE(elf.size(), sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr));
    Elf64_Ehdr eh;
    Elf64_Phdr ph;
    std::memcpy(&eh, elf.data(), sizeof eh);
    std::memcpy(&ph, elf.data() + eh.e_phoff, sizeof ph);
    EXPECT_EQ(eh.e_type, ET_EXEC);
    EXPECT_EQ(ph.p_type, PT_LOAD);
    EXPECT_EQ(ph.p_filesz, elf.size());
    EXPECT_GT(eh.e_entry, ph.p_vaddr);
    EXPECT_LT(eh.e_entry, ph.p_vaddr + ph.p_filesz);
}

TEST(HoneypotEmulation, HostileRequestsNeverBreakTheEmulationsOrTheRecord) {
    std::mt19937 rng(7);
    const char* hosts[] = {"api.github.com", "registry.npmjs.org", "ipinfo.io", "cdn.example"};
    const char* targets[] = {"/user/repos", "/-/whoami", "/@x%2", "/repos/a/b/contents/", "/repos/a", "/json", "/x.sh",
                             "/%", "/-/v1/search?text=", "/orgs//repos"};
    for (int i = 0; i < 2000; ++i) {
        std::string noise(rng() % 300, '\0');
        for (char& c : noise)
            c = static_cast<char>(rng());
        const std::string prefix = i % 2 ? std::string(R"({"name":")") : std::string(R"({"_attachments":{")");
        const HttpReply r = ask(i % 3 ? "PUT" : (i % 5 ? "POST" : "GET"), hosts[rng() % 4], targets[rng() % 10], prefix + noise,
                                "npm-command: publish\r\n");
        EXPECT_NE(r.response.find("\r\n\r\n"), std::string::npos);
        if (!r.detail.empty()) {
            EXPECT_TRUE(detail(r).is_object()) << r.detail;  // the engine must be able to read it
        }
    }
}

TEST(HoneypotEmulation, GeoCountryTravelsInTheRunRequestAndIsChecked) {
    sbx::RunRequest req;
    req.argv = {"true"};
    req.cwd = "/home/dev/project";
    req.hostname = "workstation";
    req.geoCountry = "RU";
    auto packet = sbx::encodeRunRequest(req);
    ASSERT_TRUE(packet.ok()) << packet.error().describe();
    vigil_run_request r;
    std::memcpy(&r, packet->data() + sizeof(vigil_msg_header), sizeof r);
    EXPECT_EQ(std::string(r.geo_country, 2), "RU");
    req.geoCountry = "";
    packet = sbx::encodeRunRequest(req);
    ASSERT_TRUE(packet.ok());
    std::memcpy(&r, packet->data() + sizeof(vigil_msg_header), sizeof r);
    EXPECT_EQ(r.geo_country[0], '\0');
    for (const char* bad : {"ru", "RUS", "R", "1A"}) {
        req.geoCountry = bad;
        EXPECT_FALSE(sbx::encodeRunRequest(req).ok()) << bad;
    }
    // The helper's own check refuses what a forged engine might send.
    req.geoCountry = "DE";
    packet = sbx::encodeRunRequest(req);
    ASSERT_TRUE(packet.ok());
    (*packet)[sizeof(vigil_msg_header) + offsetof(vigil_run_request, geo_country) + 1] = 'e';
    ASSERT_NE(vigil_msg_check(packet->data(), packet->size()), nullptr);
    EXPECT_STREQ(vigil_msg_check(packet->data(), packet->size()), "geo country is not two upper-case letters");
}

}  // namespace
}  // namespace vigil::test
