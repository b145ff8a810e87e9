#include "engine/analysis/exfiltration.h"

#include <random>

#include <boost/algorithm/hex.hpp>
#include <curl/curl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "engine/analysis/exfiltration_decode.h"
#include "tests/engine/analysis/analysis_test_events.h"

namespace vigil::engine::analysis {
namespace {

using test::ev;
using test::record;
namespace kind = collect::kind;
using V = std::vector<std::string>;

// Fixed, format-valid-looking values (the sandbox makes new ones per run).
const std::string kNpm = "npm_Q3xk9PzL2mWv7RtY8bNc4HdJ6sFgA1eKuT0o";
const std::string kGho = "gho_7fTq2LmZx9WcVb3NkR8pYs4HdJ6gA1eKuT5i";
const std::string kSsh =
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACBq7Zr3kVx9Lm2PwYt8HcN4sFgA1eKuT0oQ3xk9PzL2mWAAAAJgH5c0mB+XN\n"
    "-----END OPENSSH PRIVATE KEY-----\n";

std::string b64(std::string_view s) {
    std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}
std::string b64url(std::string_view s) {
    std::string out = b64(s);
    for (char& c : out)
        c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!out.empty() && out.back() == '=')
        out.pop_back();
    return out;
}
std::string hex(std::string_view s) {
    std::string out;
    boost::algorithm::hex_lower(s.begin(), s.end(), std::back_inserter(out));
    return out;
}
std::string percentAll(std::string_view s) {  // every byte escaped, as obfuscators do
    std::string out;
    for (unsigned char c : s)
        out += fmt::format("%{:02X}", c);
    return out;
}
std::string compress(std::string_view s, int windowBits) {
    z_stream zs{};
    EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(compressBound(static_cast<uLong>(s.size())) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
    zs.avail_in = static_cast<uInt>(s.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}
std::string gzip(std::string_view s) { return compress(s, 16 + MAX_WBITS); }
std::string zlibDeflate(std::string_view s) { return compress(s, MAX_WBITS); }
std::string rawDeflate(std::string_view s) { return compress(s, -MAX_WBITS); }
std::string jsonEscapeAll(std::string_view s) {
    std::string out;
    for (unsigned char c : s)
        out += fmt::format("\\u{:04x}", c);
    return out;
}
std::string reversed(std::string_view s) { return {s.rbegin(), s.rend()}; }

std::vector<sandbox::BaitToken> bait() {
    using P = sandbox::BaitToken::Place;
    return {{"npm_token", P::Env, "NPM_TOKEN", kNpm},
            {"npm_token", P::File, "/home/dev/.npmrc", kNpm},
            {"github_oauth_token", P::File, "/home/dev/.config/gh/hosts.yml", kGho},
            {"ssh_private_key", P::File, "/home/dev/.ssh/id_ed25519", kSsh}};
}

std::vector<ExfiltrationProof> find(std::vector<collect::Event> events) {
    PhaseRecord r = record("install", std::move(events));
    r.bait = bait();
    return findExfiltration(r, PackageIdentity::inConsumer("evil", "1.0.0"));
}

collect::Event httpBody(uint64_t seq, const std::string& body, const std::string& path = "/upload") {
    return ev(seq, kind::NetHttp, {{"method", "POST"}, {"host", "x.example"}, {"path", path}, {"headers", {{"content-type", "text/plain"}}}, {"body", body}});
}

/// The one proof for the npm token, or a failure naming what was found instead.
ExfiltrationProof npmProof(const std::vector<ExfiltrationProof>& proofs) {
    for (const auto& p : proofs)
        if (p.token == "npm_token")
            return p;
    ADD_FAILURE() << "no proof for npm_token among " << proofs.size();
    return {};
}

TEST(ExfiltrationDecoders, EachDecoderInvertsItsEncoding) {
    EXPECT_EQ(decodeBase64(b64(kNpm)), kNpm);
    EXPECT_EQ(decodeBase64(b64url(kNpm)), kNpm);
    EXPECT_EQ(decodeHex(hex(kNpm)), kNpm);
    EXPECT_EQ(decodeUrl(percentAll(kNpm)), kNpm);
    EXPECT_EQ(decodeJsonEscapes(jsonEscapeAll(kNpm)), kNpm);
    std::string step;
    EXPECT_EQ(inflateAny(gzip(kNpm), &step), kNpm);
    EXPECT_EQ(step, "gzip");
    EXPECT_EQ(inflateAny(zlibDeflate(kNpm), &step), kNpm);
    EXPECT_EQ(step, "deflate");
    EXPECT_EQ(inflateAny(rawDeflate(kNpm), &step), kNpm);
    EXPECT_EQ(decodeHex("zz"), "");
}

struct Case {
    const char* name;
    std::string body;
    std::string chain;
};

TEST(Exfiltration, FoundUnderEveryEncodingInAnHttpBody) {
    const std::vector<Case> cases = {
        {"plain", "token=" + kNpm, "plain"},
        {"base64", "{\"d\":\"" + b64(kNpm) + "\"}", "base64"},
        {"base64url", "d=" + b64url("\xff\xfe" + kNpm), "base64url"},  // "__4…": only the url alphabet reads it
        {"hex", "d=" + hex(kNpm), "hex"},
        {"url", "d=" + percentAll(kNpm), "url"},
        {"gzip", b64(gzip(kNpm)), "base64(gzip)"},
        {"zlib deflate", b64(zlibDeflate("{\"t\":\"" + kNpm + "\"}")), "base64(deflate)"},
        {"raw deflate", b64(rawDeflate(kNpm)), "base64(deflate)"},
        {"gzip raw body", gzip(kNpm), "gzip"},
        {"json escapes", "{\"t\":\"" + jsonEscapeAll(kNpm) + "\"}", "json"},
        {"reversed", reversed(kNpm), "reversed"},
        {"base64 of reversed", b64(reversed(kNpm)), "base64(reversed)"},
        {"nested base64 x3", b64(b64(b64(kNpm))), "base64(base64(base64))"},
        {"hex of base64 of gzip", hex(b64(gzip(kNpm))), "hex(base64(gzip))"},
        {"url of base64", percentAll(b64(kNpm)), "url(base64)"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const auto proofs = find({httpBody(3, c.body)});
        ASSERT_EQ(proofs.size(), 1u);
        const ExfiltrationProof& p = proofs[0];
        EXPECT_EQ(p.token, "npm_token");
        EXPECT_EQ(p.encodingChain(), c.chain);
        EXPECT_EQ(p.channel, "http");
        EXPECT_EQ(p.destination, "x.example");
        EXPECT_FALSE(p.partial());
        EXPECT_EQ(p.seq, 3u);
        EXPECT_EQ(p.planted, (V{"env NPM_TOKEN", "$HOME/.npmrc"}));
    }
}

TEST(Exfiltration, DnsQueryTextReadsAsASentence) {
    const auto e = ev(9, kind::NetDns, {{"name", b64(kNpm) + ".x.example."}, {"type", "A"}}, 1'200'000'000);
    const ExfiltrationProof p = npmProof(find({e}));
    EXPECT_EQ(p.text(), "NPM_TOKEN left base64-encoded in a DNS query to x.example at 1.2 s");
    EXPECT_EQ(p.encodingChain(), "base64");
    EXPECT_EQ(p.tsNs, 1'200'000'000);
    EXPECT_EQ(p.seq, 9u);
}

TEST(Exfiltration, SplitAcrossTheLabelsOfOneName) {
    const std::string h = hex(kNpm);  // 80 characters: more than one 63-byte label holds
    const auto p = npmProof(find({ev(1, kind::NetDns, {{"name", h.substr(0, 40) + "." + h.substr(40) + ".t.x.example"}})}));
    EXPECT_EQ(p.encodingChain(), "hex");
    EXPECT_EQ(p.destination, "x.example");
    EXPECT_FALSE(p.partial());
}

TEST(Exfiltration, SplitAcrossSeveralDnsQueriesNamesTheSecretFromItsFile) {
    const std::string h = hex(kGho);
    std::vector<collect::Event> events;
    for (size_t i = 0; i < 3; ++i)
        events.push_back(ev(10 + i, kind::NetDns, {{"name", fmt::format("{}.{}.x.example", i, h.substr(i * 27, 27))}},
                            static_cast<int64_t>(1'000'000'000 * (i + 1))));
    events.push_back(ev(20, kind::NetDns, {{"name", "registry.npmjs.org"}}));  // other destination: not a piece
    const auto proofs = find(events);
    ASSERT_EQ(proofs.size(), 1u);
    EXPECT_EQ(proofs[0].pieces, 3u);
    EXPECT_EQ(proofs[0].seqs, (std::vector<uint64_t>{10, 11, 12}));
    EXPECT_EQ(proofs[0].text(),
              "github_oauth_token (from $HOME/.config/gh/hosts.yml) left hex-encoded split across 3 DNS queries to "
              "x.example at 3.0 s");
}

TEST(Exfiltration, SplitAcrossSeveralHttpRequests) {
    const std::string enc = b64(kNpm);
    std::vector<collect::Event> events;
    for (size_t i = 0; i * 20 < enc.size(); ++i)
        events.push_back(ev(i + 1, kind::NetHttp, {{"method", "GET"}, {"host", "c2.x.example"},
                                                   {"path", fmt::format("/p?i={}&d={}", "", enc.substr(i * 20, 20))}}));
    const auto p = npmProof(find(events));
    EXPECT_EQ(p.pieces, events.size());
    EXPECT_EQ(p.encodingChain(), "base64");
    EXPECT_EQ(p.destination, "c2.x.example");
    EXPECT_FALSE(p.partial());
}

TEST(Exfiltration, EveryChannelIsSearched) {
    const auto tcp = find({ev(1, kind::NetTcpData, {{"address", "10.0.0.9"}, {"port", 4444}, {"data", "AUTH " + kNpm + "\r\n"}})});
    ASSERT_EQ(tcp.size(), 1u);
    EXPECT_EQ(tcp[0].channel, "tcp");
    EXPECT_EQ(tcp[0].destination, "10.0.0.9:4444");
    const auto udp = find({ev(1, kind::NetUdpData, {{"address", "10.0.0.9"}, {"port", 53}, {"data", hex(kNpm)}})});
    ASSERT_EQ(udp.size(), 1u);
    EXPECT_EQ(udp[0].channel, "udp");
    const auto tls = find({ev(1, kind::NetTlsSni, {{"server_name", hex(kNpm.substr(0, 30)) + ".x.example"}})});
    ASSERT_EQ(tls.size(), 1u);
    EXPECT_EQ(tls[0].channel, "tls");
    EXPECT_TRUE(tls[0].partial());
    const auto call = find({ev(1, kind::NetCall, {{"api", "https.request"}, {"host", "x.example"}, {"port", 443},
                                                  {"method", "GET"}, {"path", "/?k=" + b64(kNpm)}, {"protocol", "https"}})});
    ASSERT_EQ(call.size(), 1u);
    EXPECT_EQ(call[0].channel, "http");
    EXPECT_EQ(call[0].encodingChain(), "base64");
    const auto header = find({ev(1, kind::NetHttp, {{"method", "GET"}, {"host", "x.example"}, {"path", "/"},
                                                    {"headers", {{"authorization", "Bearer " + kNpm}}}})});
    ASSERT_EQ(header.size(), 1u);
}

TEST(Exfiltration, LongPrefixCountsShortOneDoesNot) {
    const auto p = npmProof(find({httpBody(1, b64(kNpm.substr(0, 20)))}));
    EXPECT_TRUE(p.partial());
    EXPECT_EQ(p.matchedChars, 20u);
    EXPECT_EQ(p.text(), "NPM_TOKEN (first 20 of 40 characters) left base64-encoded in an HTTP request to x.example at 0.0 s");
    EXPECT_TRUE(find({httpBody(1, kNpm.substr(0, 15))}).empty());
}

TEST(Exfiltration, PemKeysNeedTheirDistinctiveLines) {
    const auto whole = find({httpBody(1, b64(gzip(kSsh)))});
    ASSERT_EQ(whole.size(), 1u);
    EXPECT_EQ(whole[0].token, "ssh_private_key");
    EXPECT_FALSE(whole[0].partial());
    // The first body line of every OpenSSH ed25519 key is the same: sending it proves nothing.
    EXPECT_TRUE(find({httpBody(1, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW")}).empty());
    const auto secondLine = find({httpBody(1, "QyNTUxOQAAACBq7Zr3kVx9Lm2PwYt8HcN4sFgA1eKuT0oQ3xk9PzL2mWAAAAJgH5c0mB+XN")});
    ASSERT_EQ(secondLine.size(), 1u);
    EXPECT_TRUE(secondLine[0].partial());
}

TEST(Exfiltration, NoHitOnRandomDataOfTheSameLength) {
    std::mt19937 rng(20250101);  // fixed seed: deterministic
    const std::string alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::uniform_int_distribution<size_t> pick(0, alnum.size() - 1);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 50; ++round) {
        std::string fake = "npm_", bytes;
        while (fake.size() < kNpm.size())
            fake += alnum[pick(rng)];
        for (size_t i = 0; i < kNpm.size(); ++i)
            bytes += static_cast<char>(byte(rng));
        const auto proofs = find({httpBody(1, fake), httpBody(2, b64(fake)), httpBody(3, hex(bytes)),
                                  httpBody(4, b64(gzip(fake))), httpBody(5, bytes), httpBody(6, reversed(fake)),
                                  ev(7, kind::NetDns, {{"name", hex(fake).substr(0, 60) + ".x.example"}})});
        EXPECT_TRUE(proofs.empty()) << "round " << round << ": " << (proofs.empty() ? "" : proofs[0].text());
    }
}

TEST(Exfiltration, OneProofPerTokenAndDestinationTheSimplestWins) {
    const auto proofs = find({httpBody(5, b64(b64(kNpm))), httpBody(6, kNpm), httpBody(7, hex(kNpm)),
                              ev(8, kind::NetDns, {{"name", hex(kNpm.substr(0, 30)) + ".y.example"}})});
    ASSERT_EQ(proofs.size(), 2u);
    EXPECT_EQ(proofs[0].destination, "x.example");
    EXPECT_EQ(proofs[0].encodingChain(), "plain");
    EXPECT_EQ(proofs[0].seq, 6u);
    EXPECT_EQ(proofs[1].destination, "y.example");
}

}  // namespace
}  // namespace vigil::engine::analysis
