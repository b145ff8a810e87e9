#include "engine/resolve/integrity.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace vigil::engine;
using namespace vigil::engine::resolve;

namespace {

// Known answers for "abc" (FIPS 180 test vectors), in hex and in SRI base64.
constexpr const char* kAbcSha1Hex = "a9993e364706816aba3e25717850c26c9cd0d89d";
constexpr const char* kAbcSha256Hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kAbcSha384Hex =
    "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7";
constexpr const char* kAbcSha512Hex =
    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
constexpr const char* kAbcSha1Sri = "sha1-qZk+NkcGgWq6PiVxeFDCbJzQ2J0=";
constexpr const char* kAbcSha256Sri = "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
constexpr const char* kAbcSha512Sri =
    "sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==";
constexpr const char* kEmptySha512Sri =
    "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==";

std::string hexDigest(HashAlgorithm algorithm, std::string_view data) {
    auto d = digestOf(algorithm, data);
    EXPECT_TRUE(d.ok());
    return d.ok() ? toHex(*d) : std::string();
}

}  // namespace

TEST(Integrity, KnownAnswersForAbc) {
    EXPECT_EQ(hexDigest(HashAlgorithm::Sha1, "abc"), kAbcSha1Hex);
    EXPECT_EQ(hexDigest(HashAlgorithm::Sha256, "abc"), kAbcSha256Hex);
    EXPECT_EQ(hexDigest(HashAlgorithm::Sha384, "abc"), kAbcSha384Hex);
    EXPECT_EQ(hexDigest(HashAlgorithm::Sha512, "abc"), kAbcSha512Hex);
}

TEST(Integrity, StreamingHasherEqualsOneShot) {
    Hasher hasher(HashAlgorithm::Sha512);
    hasher.update("a");
    hasher.update("");
    hasher.update("bc");
    auto digest = hasher.finish();
    ASSERT_TRUE(digest.ok());
    EXPECT_EQ(toHex(*digest), kAbcSha512Hex);
}

TEST(Integrity, HashesFilesByStreaming) {
    auto file = std::filesystem::temp_directory_path() / ("vigil-integrity-" + std::to_string(::getpid()));
    {
        std::ofstream out(file, std::ios::binary);
        // Larger than the read chunk so the streaming path is exercised.
        std::string big(200 * 1024, 'x');
        out << big;
    }
    auto fromFile = digestOfFile(HashAlgorithm::Sha256, file);
    ASSERT_TRUE(fromFile.ok());
    EXPECT_EQ(toHex(*fromFile), hexDigest(HashAlgorithm::Sha256, std::string(200 * 1024, 'x')));
    std::filesystem::remove(file);

    auto missing = digestOfFile(HashAlgorithm::Sha256, file);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::Io);
    EXPECT_NE(missing.error().primary.find(file.string()), std::string::npos);
}

TEST(Integrity, HexAndBase64RoundTrip) {
    const std::string raw("\x00\xff\x10 z", 5);
    EXPECT_EQ(toHex(raw), "00ff10207a");
    EXPECT_EQ(fromHex("00FF10207A"), raw);
    EXPECT_EQ(fromHex("abc"), std::nullopt) << "odd length";
    EXPECT_EQ(fromHex("zz"), std::nullopt);
    EXPECT_EQ(toBase64("abc"), "YWJj");
    EXPECT_EQ(toBase64("ab"), "YWI=");
    EXPECT_EQ(fromBase64("YWI="), "ab");
    EXPECT_EQ(fromBase64("YWI"), "ab") << "missing padding is tolerated";
    EXPECT_EQ(fromBase64("YW*="), std::nullopt);
    EXPECT_EQ(fromBase64("Y"), std::nullopt);
    EXPECT_EQ(fromBase64(" YWI="), std::nullopt) << "OpenSSL would skip the space; we must not";
}

TEST(Integrity, ParsesSingleSriAndMatchesContent) {
    auto sri = Integrity::parse(kAbcSha512Sri);
    ASSERT_TRUE(sri.ok()) << sri.error().describe();
    EXPECT_EQ(sri->strongest().algorithm, HashAlgorithm::Sha512);
    EXPECT_EQ(sri->strongest().hex(), kAbcSha512Hex);
    EXPECT_EQ(sri->toString(), kAbcSha512Sri);
    EXPECT_TRUE(sri->matches("abc"));
    EXPECT_FALSE(sri->matches("abd"));
    EXPECT_FALSE(sri->matches(""));

    auto empty = Integrity::parse(kEmptySha512Sri);
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->matches(""));
}

TEST(Integrity, MultiHashPicksStrongestAndIgnoresOptionsAndUnknownAlgorithms) {
    const std::string text = std::string(" ") + kAbcSha1Sri + "\t md5-rL0Y20zC+Fzt72VPzMSk2A== " + kAbcSha512Sri +
                             "?foo?bar \n sha3-whatever " + kAbcSha256Sri;
    auto sri = Integrity::parse(text);
    ASSERT_TRUE(sri.ok()) << sri.error().describe();
    ASSERT_EQ(sri->hashes().size(), 3u) << "md5 and sha3 are skipped";
    EXPECT_EQ(sri->strongest().algorithm, HashAlgorithm::Sha512);
    EXPECT_EQ(sri->toString(), std::string(kAbcSha512Sri) + " " + kAbcSha256Sri + " " + kAbcSha1Sri);
    EXPECT_TRUE(sri->matches("abc"));
}

TEST(Integrity, VerifiesOnlyAgainstTheStrongestAlgorithm) {
    // A correct sha1 must not rescue a wrong sha512: an attacker who can forge sha1 (SHAttered)
    // would otherwise pick the weak hash. This is ssri's rule.
    auto sri = Integrity::parse(std::string(kAbcSha1Sri) + " " + kEmptySha512Sri);
    ASSERT_TRUE(sri.ok());
    EXPECT_FALSE(sri->matches("abc"));
    EXPECT_TRUE(sri->matches(""));
}

TEST(Integrity, MalformedItemsAreInputErrorsNamingTheText) {
    for (const std::string& bad : std::vector<std::string>{"sha512", "-abc", "sha512-!!!notbase64", "sha512-YWJj", "sha1-" + std::string(kAbcSha512Hex)}) {
        auto sri = Integrity::parse(bad);
        ASSERT_FALSE(sri.ok()) << bad;
        EXPECT_EQ(sri.error().code, ErrorCode::Input) << bad;
        EXPECT_NE(sri.error().primary.find(bad), std::string::npos) << sri.error().describe();
    }
    auto wrongLength = Integrity::parse("sha512-YWJj");
    EXPECT_NE(wrongLength.error().secondary.find("64 bytes"), std::string::npos) << wrongLength.error().secondary;
}

TEST(Integrity, NothingVerifiableIsAnError) {
    for (const char* text : {"", "   ", "md5-rL0Y20zC+Fzt72VPzMSk2A==", "sha3-abc"}) {
        auto sri = Integrity::parse(text);
        ASSERT_FALSE(sri.ok()) << '"' << text << '"';
        EXPECT_EQ(sri.error().code, ErrorCode::Input);
    }
}

TEST(Integrity, LegacyShasumBecomesSha1Sri) {
    auto sri = Integrity::fromSha1Hex(kAbcSha1Hex);
    ASSERT_TRUE(sri.ok());
    EXPECT_EQ(sri->toString(), kAbcSha1Sri);
    EXPECT_TRUE(sri->matches("abc"));
    auto upper = Integrity::fromSha1Hex("A9993E364706816ABA3E25717850C26C9CD0D89D");
    ASSERT_TRUE(upper.ok());
    EXPECT_EQ(upper->toString(), kAbcSha1Sri);

    for (const char* bad : {"", "a9993e36", "g9993e364706816aba3e25717850c26c9cd0d89d", kAbcSha256Hex}) {
        auto r = Integrity::fromSha1Hex(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::Input);
    }
}

TEST(Integrity, MatchesFileUsesStrongestHash) {
    auto file = std::filesystem::temp_directory_path() / ("vigil-integrity-abc-" + std::to_string(::getpid()));
    { std::ofstream(file, std::ios::binary) << "abc"; }
    auto sri = Integrity::parse(kAbcSha512Sri);
    ASSERT_TRUE(sri.ok());
    auto ok = sri->matchesFile(file);
    ASSERT_TRUE(ok.ok());
    EXPECT_TRUE(*ok);
    { std::ofstream(file, std::ios::binary) << "abd"; }
    auto bad = sri->matchesFile(file);
    ASSERT_TRUE(bad.ok());
    EXPECT_FALSE(*bad);
    std::filesystem::remove(file);
}
