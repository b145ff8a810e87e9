// Honeytokens must pass the checks real secret scanners and credential stealers apply (prefix,
// alphabet, length, GitHub/npm CRC32 checksum), differ every time, and the stale-run sweep must
// only ever touch directories named like a run.
#include <algorithm>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/sandbox/bait_home.h"
#include "app/sandbox/honeytokens.h"
#include "app/sandbox/protocol.h"
#include "app/sandbox/stale_runs.h"

namespace vigil::test {
namespace {

using namespace vigil::sandbox;

TEST(Honeytokens, MatchTheSecretScannersFormats) {
    for (int i = 0; i < 200; ++i) {
        EXPECT_THAT(awsAccessKeyId(), ::testing::MatchesRegex("AKIA[A-Z2-7]{16}"));
        EXPECT_THAT(awsSecretAccessKey(), ::testing::MatchesRegex("[A-Za-z0-9+/]{40}"));
        EXPECT_THAT(checksummedBase62Token("npm_"), ::testing::MatchesRegex("npm_[A-Za-z0-9]{36}"));
        EXPECT_THAT(checksummedBase62Token("ghp_"), ::testing::MatchesRegex("ghp_[A-Za-z0-9]{36}"));
        EXPECT_THAT(dockerHubToken(), ::testing::MatchesRegex("dckr_pat_[A-Za-z0-9_-]{27}"));
    }
}

TEST(Honeytokens, CarryAValidGithubChecksum) {
    // Computed independently (Python: zlib.crc32 of the 30 entropy characters, base62, width 6).
    EXPECT_TRUE(checksumValid("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"));
    EXPECT_FALSE(checksumValid("ghp_Zq3Lp0VxW7yTn2Kc9RbM4dHs8FgJ1u1VuHvj"));
    EXPECT_FALSE(checksumValid("ghp_Zq3Lp0VxW7yTn2Kc9RbM4dHs8FgJ1v1VuHvi"));
    for (int i = 0; i < 100; ++i) {
        EXPECT_TRUE(checksumValid(checksummedBase62Token("ghp_")));
        EXPECT_TRUE(checksumValid(checksummedBase62Token("npm_")));
    }
}

TEST(Honeytokens, NeverRepeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 500; ++i) {
        EXPECT_TRUE(seen.insert(checksummedBase62Token("npm_")).second);
        EXPECT_TRUE(seen.insert(awsAccessKeyId()).second);
    }
}

TEST(Honeytokens, SshKeyIsInOpensshFormat) {
    const SshKeyPair a = ed25519KeyPair("sam@example.org"), b = ed25519KeyPair("sam@example.org");
    EXPECT_EQ(a.privateKeyFile.rfind("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA", 0), 0u);
    EXPECT_NE(a.privateKeyFile.find("\n-----END OPENSSH PRIVATE KEY-----\n"), std::string::npos);
    EXPECT_THAT(a.publicKeyLine, ::testing::MatchesRegex("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} "
                                                         "sam@example.org\n"));
    EXPECT_NE(a.publicKeyLine, b.publicKeyLine);
    EXPECT_NE(a.privateKeyFile, b.privateKeyFile);
}

TEST(BaitHome, EveryTokenIsPlantedWhereItSaysAndLooksOrdinary) {
    const BaitHome home = makeBaitHome("/home/dev", "alex-thinkpad");
    ASSERT_GE(home.tokens.size(), 10u);
    for (const BaitToken& t : home.tokens) {
        if (t.place == VIGIL_BAIT_ENV) {
            EXPECT_NE(std::find(home.env.begin(), home.env.end(), t.location + "=" + t.value), home.env.end()) << t.location;
        } else {
            ASSERT_EQ(t.location.rfind("/home/dev/", 0), 0u) << t.location;
            const std::string rel = t.location.substr(10);
            auto file = std::find_if(home.files.begin(), home.files.end(), [&](const BaitFile& f) { return f.path == rel; });
            ASSERT_NE(file, home.files.end()) << rel;
            // The Docker token itself is stored base64-encoded inside the "auth" entry (also listed).
            if (t.name != "docker_hub_token") {
                EXPECT_NE(file->content.find(t.value), std::string::npos) << rel;
            }
        }
        for (const char* word : {"canary", "vigil", "fake", "honey", "sandbox", "bait"}) {
            EXPECT_EQ(t.location.find(word), std::string::npos) << t.location;
        }
    }
    for (const BaitFile& f : home.files) {
        for (const char* secret : {".npmrc", ".git-credentials", ".ssh/id_ed25519", ".aws/credentials",
                                   ".docker/config.json", ".config/gh/hosts.yml"})
            if (f.path == secret) {
                EXPECT_EQ(f.mode, 0600u) << f.path;
            }
        EXPECT_GT(f.ageSeconds, 0) << f.path << ": a home is not created the moment the run starts";
    }
}

TEST(BaitHome, EngineEnvironmentWinsAndTheListSaysSo) {
    BaitHome home = makeBaitHome("/home/dev", "alex-thinkpad");
    yieldEnvToEngine(home, {"NPM_TOKEN=from-the-engine", "CI="});
    for (const std::string& e : home.env)
        EXPECT_NE(e.rfind("NPM_TOKEN=", 0), 0u) << e;
    for (const BaitToken& t : home.tokens)
        EXPECT_FALSE(t.place == VIGIL_BAIT_ENV && t.location == "NPM_TOKEN");
    // The file placements of the same token stay.
    EXPECT_TRUE(std::any_of(home.tokens.begin(), home.tokens.end(),
                            [](const BaitToken& t) { return t.location == "/home/dev/.npmrc"; }));
}

TEST(StaleRuns, OnlyRunDirectoryNamesAreParsed) {
    long pid = 0;
    EXPECT_TRUE(parseRunName("vigil-1234-0a1b2c3d", pid));
    EXPECT_EQ(pid, 1234);
    for (const char* name : {"vigil-1234", "vigil--0a1b2c3d", "vigil-12a4-0a1b2c3d", "vigil-1234-0A1B2C3D",
                             "vigil-1234-0a1b2c3", "vigil-1234-0a1b2c3d0", "system.slice", "xvigil-1-00000000",
                             "vigil-0-00000000"})
        EXPECT_FALSE(parseRunName(name, pid)) << name;
}

}  // namespace
}  // namespace vigil::test
