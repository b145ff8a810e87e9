// The baited fake home: what the command finds in its home and environment is exactly the token
// list the engine gets back, new every run, in the formats secret scanners match — and never
// anything of the host's real credentials.
#include <algorithm>
#include <cstdlib>
#include <unistd.h>

#include <gmock/gmock.h>

#include "tests/sandbox/sandbox_fixture.h"

namespace vigil::test {
namespace {

namespace fs = std::filesystem;

const sbx::BaitToken* findToken(const sbx::RunResult& r, const std::string& name, const std::string& location) {
    auto it = std::find_if(r.bait.begin(), r.bait.end(),
                           [&](const sbx::BaitToken& t) { return t.name == name && t.location == location; });
    return it == r.bait.end() ? nullptr : &*it;
}

TEST_F(SandboxTest, NpmrcAndEnvironmentHoldTheReturnedTokens) {
    const auto r = run({"sh", "-c", "cat ~/.npmrc; env"});
    EXPECT_EQ(r.exitCode, 0) << r.stderrTail;
    const sbx::BaitToken* npmrc = findToken(r, "npm_token", "/home/dev/.npmrc");
    ASSERT_NE(npmrc, nullptr);
    EXPECT_EQ(npmrc->place, sbx::BaitToken::Place::File);
    EXPECT_THAT(npmrc->value, ::testing::MatchesRegex("npm_[A-Za-z0-9]{36}"));
    EXPECT_NE(r.stdoutTail.find("//registry.npmjs.org/:_authToken=" + npmrc->value + "\n"), std::string::npos)
        << r.stdoutTail;
    int envTokens = 0;
    for (const sbx::BaitToken& t : r.bait) {
        if (t.place != sbx::BaitToken::Place::Env)
            continue;
        ++envTokens;
        EXPECT_NE(r.stdoutTail.find("\n" + t.location + "=" + t.value + "\n"), std::string::npos) << t.location;
    }
    EXPECT_GE(envTokens, 4);
    const std::pair<const char*, const char*> expected[] = {{"AWS_ACCESS_KEY_ID", "aws_access_key_id"},
                                                            {"AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"},
                                                            {"NPM_TOKEN", "npm_token"},
                                                            {"GITHUB_TOKEN", "github_token"}};
    for (const auto& [var, name] : expected)
        EXPECT_NE(findToken(r, name, var), nullptr) << var;
}

TEST_F(SandboxTest, TokensMatchTheSecretScannersAndDifferBetweenRuns) {
    const auto a = run({"true"});
    const auto b = run({"true"});
    ASSERT_FALSE(a.bait.empty());
    ASSERT_EQ(a.bait.size(), b.bait.size());
    const std::pair<const char*, const char*> formats[] = {{"aws_access_key_id", "AKIA[0-9A-Z]{16}"},
                                                           {"aws_secret_access_key", "[A-Za-z0-9+/]{40}"},
                                                           {"npm_token", "npm_[A-Za-z0-9]{36}"},
                                                           {"github_token", "ghp_[A-Za-z0-9]{36}"},
                                                           {"github_oauth_token", "gho_[A-Za-z0-9]{36}"}};
    for (const auto& [name, pattern] : formats) {
        bool seen = false;
        for (const sbx::BaitToken& t : a.bait)
            if (t.name == name) {
                seen = true;
                EXPECT_THAT(t.value, ::testing::MatchesRegex(pattern)) << name;
            }
        EXPECT_TRUE(seen) << name;
    }
    for (size_t i = 0; i < a.bait.size(); ++i) {
        EXPECT_NE(a.bait[i].value, b.bait[i].value) << a.bait[i].name << " repeated between runs";
        for (const char* word : {"canary", "test", "vigil", "fake", "honey", "sandbox"}) {
            EXPECT_EQ(a.bait[i].location.find(word), std::string::npos) << a.bait[i].location;
        }
    }
}

TEST_F(SandboxTest, SshKeyIsPrivateAndParses) {
    const bool haveKeygen = access("/usr/bin/ssh-keygen", X_OK) == 0;
    const std::string keygen = haveKeygen ? "ssh-keygen -y -f ~/.ssh/id_ed25519 && echo KEYGEN-OK; " : "";
    const auto r = run({"sh", "-c", keygen + "stat -c '%a %U' ~/.ssh ~/.ssh/id_ed25519 ~/.aws/credentials"});
    EXPECT_EQ(r.exitCode, 0) << r.stderrTail;
    EXPECT_NE(r.stdoutTail.find("700 dev\n600 dev\n600 dev\n"), std::string::npos) << r.stdoutTail;
    const sbx::BaitToken* key = findToken(r, "ssh_private_key", "/home/dev/.ssh/id_ed25519");
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(key->value.rfind("-----BEGIN OPENSSH PRIVATE KEY-----\n", 0), 0u);
    if (!haveKeygen)
        GTEST_SKIP() << "no ssh-keygen on this host: the key's parse check was skipped";
    // ssh-keygen derived the public key from the private one: the key really is one.
    EXPECT_NE(r.stdoutTail.find("KEYGEN-OK"), std::string::npos) << r.stderrTail;
    EXPECT_THAT(r.stdoutTail, ::testing::ContainsRegex("^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}"));
}

TEST_F(SandboxTest, HostCredentialsNeverAppear) {
    const auto r = run({"sh", "-c", "cat ~/.npmrc ~/.ssh/* ~/.aws/credentials ~/.git-credentials; ls -a ~/.ssh"});
    EXPECT_EQ(r.exitCode, 0) << r.stderrTail;
    // The command sees exactly the bait, and nothing of the host account running the helper.
    const char* home = std::getenv("HOME");
    const fs::path hostHome = home != nullptr ? home : "/root";
    std::vector<fs::path> secrets = {hostHome / ".npmrc", hostHome / ".aws" / "credentials", hostHome / ".git-credentials"};
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(hostHome / ".ssh", ec))
        secrets.push_back(e.path());
    for (const fs::path& p : secrets) {
        std::string content = readFile(p);
        while (!content.empty() && (content.back() == '\n' || content.back() == ' '))
            content.pop_back();
        if (content.size() >= 16) {
            EXPECT_EQ(r.stdoutTail.find(content), std::string::npos) << p << " leaked into the sandbox";
        }
    }
    EXPECT_NE(r.stdoutTail.find(".\n..\nid_ed25519\nid_ed25519.pub\nknown_hosts\n"), std::string::npos) << r.stdoutTail;
    // The files that were printed hold the returned values.
    for (const sbx::BaitToken& t : r.bait) {
        for (const char* printed : {"/.npmrc", "/.ssh/", "/.aws/credentials", "/.git-credentials"}) {
            if (t.place == sbx::BaitToken::Place::File && t.location.find(printed) != std::string::npos) {
                EXPECT_NE(r.stdoutTail.find(t.value), std::string::npos) << t.location;
            }
        }
    }
}

}  // namespace
}  // namespace vigil::test
