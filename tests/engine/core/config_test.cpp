#include "engine/core/config.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace vigil::engine;

namespace {
std::filesystem::path writeTemp(const std::string& name, const std::string& text) {
    auto dir = std::filesystem::temp_directory_path() / ("vigil-config-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto file = dir / name;
    std::ofstream(file) << text;
    return file;
}
}  // namespace

TEST(Config, DefaultsFollowXdgAndHome) {
    auto c = Config::defaults({{"HOME", "/home/ann"}});
    EXPECT_EQ(c.cacheDir, "/home/ann/.cache/vigil");
    EXPECT_EQ(c.storePath, "/home/ann/.local/share/vigil/vigil.db");
    auto x = Config::defaults({{"HOME", "/home/ann"}, {"XDG_CACHE_HOME", "/var/c"}, {"XDG_DATA_HOME", "rel"}});
    EXPECT_EQ(x.cacheDir, "/var/c/vigil");
    EXPECT_EQ(x.storePath, "/home/ann/.local/share/vigil/vigil.db") << "relative XDG paths are ignored per spec";
    EXPECT_EQ(Config::userConfigFile({{"HOME", "/h"}}), "/h/.config/vigil/config.yaml");
}

TEST(Config, FileThenOverridesApplyInOrder) {
    auto c = Config::defaults({{"HOME", "/h"}});
    auto file = writeTemp("ok.yaml", "jobs: 3\noffline: true\nregistry: http://127.0.0.1:4873/\n");
    ASSERT_TRUE(c.applyFile(file).ok());
    EXPECT_EQ(c.jobs, 3u);
    EXPECT_TRUE(c.offline);
    EXPECT_EQ(c.registry, "http://127.0.0.1:4873/");
    ASSERT_TRUE(c.applyOverride("jobs", "1").ok());
    EXPECT_EQ(c.jobs, 1u);
}

TEST(Config, DisabledRulesComeAsAListOrACommaString) {
    auto c = Config::defaults({{"HOME", "/h"}});
    ASSERT_TRUE(c.applyFile(writeTemp("off.yaml", "disabled_rules:\n  - credential-file-read\n  - geoip-lookup\n")).ok());
    EXPECT_EQ(c.disabledRules, (std::vector<std::string>{"credential-file-read", "geoip-lookup"}));
    ASSERT_TRUE(c.applyOverride("disabled_rules", " a , b,,").ok());
    EXPECT_EQ(c.disabledRules, (std::vector<std::string>{"a", "b"}));
    ASSERT_TRUE(c.applyOverride("disabled_rules", "").ok());
    EXPECT_TRUE(c.disabledRules.empty());
    auto nested = c.applyFile(writeTemp("nested.yaml", "disabled_rules:\n  - [a]\n"));
    ASSERT_FALSE(nested.ok());
    EXPECT_NE(nested.error().primary.find("nested.yaml:1"), std::string::npos) << nested.error().primary;
}

TEST(Config, ErrorsNameFileAndLine) {
    auto c = Config::defaults({{"HOME", "/h"}});
    auto typo = writeTemp("typo.yaml", "jobs: 2\njbos: 3\n");
    auto r = c.applyFile(typo);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Input);
    EXPECT_NE(r.error().primary.find("typo.yaml:2"), std::string::npos) << r.error().primary;
    EXPECT_NE(r.error().primary.find("jbos"), std::string::npos);

    auto broken = writeTemp("broken.yaml", "jobs: [1,\n");
    auto b = c.applyFile(broken);
    ASSERT_FALSE(b.ok());
    EXPECT_NE(b.error().primary.find("broken.yaml:"), std::string::npos);

    EXPECT_FALSE(c.applyOverride("jobs", "many").ok());
    EXPECT_FALSE(c.applyOverride("offline", "maybe").ok());
    EXPECT_EQ(c.applyFile("/nonexistent/vigil.yaml").error().code, ErrorCode::Io);
}
