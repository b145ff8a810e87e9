// Rule files: loading, list/macro expansion, layered append/override/disable, exceptions,
// and the errors a rule author sees (FILE:LINE:COLUMN with a caret).
#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

#include "engine/analysis/rule_set.h"
#include "tests/engine/analysis/analysis_test_support.h"

namespace vigil::engine::analysis {
namespace {

namespace fs = std::filesystem;
using test::maliciousFacts;
using test::testSchema;

const char* kShipped = R"(- required_engine_version: 1

- list: secret_env_names
  items: ['AWS_SECRET*', GITHUB_TOKEN, NPM_TOKEN]

- list: utility_categories
  items: [string, math, date, validation]

- macro: install_phase
  condition: phase == 'install'

- rule: secret-env-read
  description: The package read environment variables that hold credentials.
  condition: events.env_read intersects secret_env_names
  severity: high
  tags: [credentials, env]
  enabled: true

- rule: network-in-utility
  description: A utility package made network calls.
  condition: >
    category in utility_categories
    and events.network.count > 0
  severity: medium
  tags: [network]

- rule: install-shell
  description: Shell commands ran at install time.
  condition: install_phase and events.process.shell_commands.count > 0
  severity: high
  tags: [install]
  exceptions:
    - name: native_build
      condition: events.process.shell_commands glob '*node-gyp*'
)";

std::vector<std::string> ids(const std::vector<RuleMatch>& matches) {
    std::vector<std::string> out;
    for (const auto& m : matches)
        out.push_back(m.id);
    return out;
}

Result<RuleSet> compileFiles(std::vector<RuleFileText> files) { return RuleSet::compile(files, testSchema()); }

std::string errorOf(std::vector<RuleFileText> files) {
    auto set = compileFiles(std::move(files));
    EXPECT_FALSE(set.ok()) << "loaded, but should have failed";
    return set.ok() ? std::string() : set.error().describe();
}

class TempDirs : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("vigil-rules-test-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        fs::create_directories(root_);
    }
    void TearDown() override { fs::remove_all(root_); }
    fs::path write(const std::string& relative, const std::string& text) {
        const fs::path p = root_ / relative;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p;
    }
    fs::path root_;
};

TEST(RuleSet, LoadsListsMacrosAndRulesAndReportsFindingsWithEvidence) {
    auto set = compileFiles({{"shipped.yaml", kShipped, 0}});
    ASSERT_TRUE(set.ok()) << set.error().describe();
    const auto stats = set->stats();
    EXPECT_EQ(stats.files, 1u);
    EXPECT_EQ(stats.lists, 2u);
    EXPECT_EQ(stats.macros, 1u);
    EXPECT_EQ(stats.rules, 3u);
    EXPECT_EQ(stats.enabledRules, 3u);

    const auto matches = set->evaluate(maliciousFacts());
    ASSERT_EQ(ids(matches), (std::vector<std::string>{"secret-env-read", "network-in-utility", "install-shell"}));
    const RuleMatch& secret = matches[0];
    EXPECT_EQ(secret.severity, Severity::High);
    EXPECT_EQ(secret.description, "The package read environment variables that hold credentials.");
    EXPECT_EQ(secret.tags, (std::vector<std::string>{"credentials", "env"}));
    EXPECT_EQ(secret.source, "shipped.yaml:12");
    EXPECT_EQ(secret.evidence.at("events.env_read"), (std::vector<std::string>{"AWS_SECRET_ACCESS_KEY", "NPM_TOKEN"}));
    EXPECT_EQ(matches[1].evidence.at("category"), (std::vector<std::string>{"string"}));
    EXPECT_EQ(matches[2].evidence.at("phase"), (std::vector<std::string>{"install"})) << "evidence flows through macros";

    EXPECT_TRUE(set->evaluate(nlohmann::json::object()).empty()) << "an empty facts document matches nothing";
}

TEST(RuleSet, ExceptionsSuppressAFindingAndCanBeShown) {
    auto set = compileFiles({{"shipped.yaml", kShipped, 0}});
    ASSERT_TRUE(set.ok()) << set.error().describe();
    auto facts = maliciousFacts();
    facts["events"]["process"]["shell_commands"] = {"sh -c node-gyp rebuild"};
    EXPECT_EQ(ids(set->evaluate(facts)), (std::vector<std::string>{"secret-env-read", "network-in-utility"}));
    const auto all = set->evaluate(facts, true);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[2].id, "install-shell");
    EXPECT_EQ(all[2].exceptedBy, "native_build");
    EXPECT_TRUE(all[0].exceptedBy.empty());
}

TEST(RuleSet, MacrosAndListsMayBeUsedBeforeTheyAreDefinedAndListsNest) {
    auto set = compileFiles({{"a.yaml", R"(
- rule: r
  description: d
  condition: is_install and events.env_read intersects all_secrets
  severity: low
- macro: is_install
  condition: phase == 'install'
- list: all_secrets
  items: [cloud_secrets, NPM_TOKEN]
- list: cloud_secrets
  items: ['AWS_*']
)", 0}});
    ASSERT_TRUE(set.ok()) << set.error().describe();
    const auto m = set->evaluate(maliciousFacts());
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].evidence.at("events.env_read"), (std::vector<std::string>{"AWS_SECRET_ACCESS_KEY", "NPM_TOKEN"}));
}

TEST(RuleSet, DisabledRulesAreCompiledButNeverMatch) {
    auto set = compileFiles({{"a.yaml", R"(
- rule: off
  description: d
  condition: phase == 'install'
  severity: info
  enabled: false
)", 0}});
    ASSERT_TRUE(set.ok()) << set.error().describe();
    EXPECT_EQ(set->stats().enabledRules, 0u);
    EXPECT_FALSE(set->rules()[0].enabled);
    EXPECT_TRUE(set->evaluate(maliciousFacts()).empty());

    const std::string e = errorOf({{"a.yaml", R"(
- rule: off
  description: d
  condition: phase == 'instal' and bogus.field
  severity: info
  enabled: false
)", 0}});
    EXPECT_NE(e.find("a.yaml:4:36: unknown macro or field 'bogus.field'"), std::string::npos) << e;
}

TEST_F(TempDirs, UserDirectoryAppendsToOverridesAndDisablesShippedItems) {
    const fs::path shipped = root_ / "shipped";
    const fs::path user = root_ / "user";
    write("shipped/10-base.yaml", kShipped);
    write("user/local.yml", R"(
- list: secret_env_names
  items: [HOME]
  append: true

- macro: install_phase
  condition: or phase == 'preinstall'
  override:
    condition: append

- rule: network-in-utility
  condition: and not package.name startswith 'left-pad'
  tags: [local]
  append: true

- rule: install-shell
  severity: critical
  exceptions:
    - name: ci_image
      condition: package.name == 'corp-ci-tools'
  override:
    severity: replace
    exceptions: append

- rule: secret-env-read
  enabled: false
)");
    write("user/ignored.txt", "not: [a rule file");

    auto set = RuleSet::load({shipped, user}, testSchema());
    ASSERT_TRUE(set.ok()) << set.error().describe();
    EXPECT_EQ(set->stats().files, 2u);
    EXPECT_EQ(set->stats().enabledRules, 2u);

    auto facts = maliciousFacts();
    facts["phase"] = "preinstall";
    const auto matches = set->evaluate(facts);
    ASSERT_EQ(ids(matches), (std::vector<std::string>{"install-shell"}))
        << "secret-env-read disabled; network-in-utility excepted by the appended condition";
    EXPECT_EQ(matches[0].severity, Severity::Critical);
    EXPECT_EQ(matches[0].evidence.at("phase"), (std::vector<std::string>{"preinstall"}));
    EXPECT_EQ(set->rules()[2].exceptions, (std::vector<std::string>{"native_build", "ci_image"}));
    EXPECT_EQ(set->rules()[1].tags, (std::vector<std::string>{"network", "local"}));

    facts["package"]["name"] = "corp-ci-tools";
    EXPECT_TRUE(ids(set->evaluate(facts)) == (std::vector<std::string>{"network-in-utility"}))
        << "the appended exception suppresses install-shell";

    // Appended list item: HOME is now a secret name (rule re-enabled through a third layer).
    write("again/on.yaml", "- rule: secret-env-read\n  enabled: true\n");
    auto third = RuleSet::load({shipped, user, root_ / "again"}, testSchema());
    ASSERT_TRUE(third.ok()) << third.error().describe();
    const auto m = third->evaluate(maliciousFacts());
    ASSERT_FALSE(m.empty());
    EXPECT_EQ(m[0].evidence.at("events.env_read"),
              (std::vector<std::string>{"HOME", "AWS_SECRET_ACCESS_KEY", "NPM_TOKEN"}));
}

TEST_F(TempDirs, ALaterDirectoryRedefinesAnItemWholeButTheSameDirectoryMayNot) {
    write("shipped/a.yaml", kShipped);
    write("user/a.yaml", R"(
- rule: network-in-utility
  description: Replaced by the user.
  condition: phase == 'never'
  severity: info
)");
    auto set = RuleSet::load({root_ / "shipped", root_ / "user"}, testSchema());
    ASSERT_TRUE(set.ok()) << set.error().describe();
    EXPECT_EQ(set->rules()[1].description, "Replaced by the user.");
    EXPECT_EQ(set->rules()[1].source, (root_ / "user/a.yaml").string() + ":2");
    EXPECT_EQ(ids(set->evaluate(maliciousFacts())), (std::vector<std::string>{"secret-env-read", "install-shell"}));

    write("shipped/b.yaml", "- rule: install-shell\n  description: again\n  condition: exfil.proven\n  severity: low\n");
    auto dup = RuleSet::load({root_ / "shipped"}, testSchema());
    ASSERT_FALSE(dup.ok());
    EXPECT_NE(dup.error().primary.find("b.yaml:1:9: duplicate rule 'install-shell'"), std::string::npos)
        << dup.error().describe();
    EXPECT_NE(dup.error().secondary.find("first defined at " + (root_ / "shipped/a.yaml").string() + ":27"),
              std::string::npos)
        << dup.error().describe();
}

TEST_F(TempDirs, MissingDirectoryIsAnError) {
    auto set = RuleSet::load({root_ / "nope"}, testSchema());
    ASSERT_FALSE(set.ok());
    EXPECT_NE(set.error().primary.find("no such rule directory"), std::string::npos);
}

TEST(RuleSet, AppendedConditionsAreGrouped) {
    auto set = compileFiles({{"a.yaml", R"(
- rule: r
  description: d
  condition: phase == 'install' or category == 'string'
  severity: low
)", 0},
                             {"b.yaml", R"(
- rule: r
  condition: and package.name == 'nobody'
  append: true
)", 1}});
    ASSERT_TRUE(set.ok()) << set.error().describe();
    // Falco's textual append would read "a or b and c" = a or (b and c), which holds here.
    EXPECT_TRUE(set->evaluate(maliciousFacts()).empty());
}

TEST(RuleSetErrors, ConditionErrorsPointIntoTheFile) {
    const std::string e = errorOf({{"rules/net.yaml", R"(- rule: r
  description: d
  condition: >
    category in ['string']
    and events.network.cnt > 0
  severity: low
)", 0}});
    EXPECT_NE(e.find("rules/net.yaml:5:9: unknown field 'events.network.cnt'"), std::string::npos) << e;
    EXPECT_NE(e.find(" 5 |     and events.network.cnt > 0\n"), std::string::npos) << e;
    EXPECT_NE(e.find("\n     |         ^" + std::string(17, '~')), std::string::npos) << e;

    const std::string quoted = errorOf({{"q.yaml", "- rule: r\n  description: d\n  condition: \"phase == 3\"\n  severity: low\n", 0}});
    EXPECT_NE(quoted.find("q.yaml:3:24: type mismatch"), std::string::npos) << quoted;
}

TEST(RuleSetErrors, UnknownMacroCycleAndNameClashes) {
    EXPECT_NE(errorOf({{"a.yaml", "- rule: r\n  description: d\n  condition: is_instal and exfil.proven\n  severity: low\n", 0}})
                  .find("a.yaml:3:14: unknown macro or field 'is_instal'"),
              std::string::npos);
    const std::string cycle = errorOf({{"a.yaml", "- macro: a\n  condition: b\n- macro: b\n  condition: not a\n", 0}});
    EXPECT_NE(cycle.find("a.yaml:4:18: macro 'a' refers to itself: a -> b -> a"), std::string::npos) << cycle;
    EXPECT_NE(errorOf({{"a.yaml", "- macro: phase\n  condition: exfil.proven\n", 0}}).find("a.yaml:1:3: macro 'phase' has the name of a field"),
              std::string::npos);
    EXPECT_NE(errorOf({{"a.yaml", "- list: l\n  items: [l]\n", 0}}).find("list 'l' includes itself"), std::string::npos);
    EXPECT_NE(errorOf({{"a.yaml", "- macro: in\n  condition: exfil.proven\n", 0}}).find("a.yaml:1:10: 'in' is not a valid macro name"),
              std::string::npos);
}

TEST(RuleSetErrors, ItemShapeErrors) {
    auto has = [](const std::string& text, const std::string& expected) {
        const std::string e = errorOf({{"f.yaml", text, 0}});
        EXPECT_NE(e.find(expected), std::string::npos) << "got:\n" << e << "\nwanted: " << expected;
    };
    has("- rule: r\n  description: d\n  condition: exfil.proven\n  priority: high\n", "f.yaml:4:3: unknown key 'priority' in a rule");
    has("- rule: r\n  description: d\n  condition: exfil.proven\n  priority: high\n", "VIGIL calls it 'severity'");
    has("- rule: r\n  description: d\n  condition: exfil.proven\n  severity: severe\n", "f.yaml:4:13: unknown severity 'severe'");
    has("- rule: r\n  description: d\n  severity: low\n", "f.yaml:1:3: rule 'r' has no 'condition'");
    has("- rule: r\n  condition: exfil.proven\n  severity: low\n", "rule 'r' has no 'description'");
    has("- rule: r\n  description: d\n  condition: exfil.proven\n  severity: low\n  enabled: maybe\n", "f.yaml:5:12: 'enabled' is true or false");
    has("- rule: has space\n  description: d\n  condition: exfil.proven\n  severity: low\n", "'has space' is not a valid rule name");
    has("rule: r\n", "a rule file is a YAML list of items");
    has("- colour: red\n", "each item starts with 'list:', 'macro:' or 'rule:'");
    has("- rule: r\n  condition: and exfil.proven\n  append: true\n", "f.yaml:1:9: cannot change unknown rule 'r'");
    has("- rule: r\n  description: d\n  condition: exfil.proven\n  severity: low\n- rule: r\n  condition: exfil.proven\n  append: true\n",
        "f.yaml:6:14: an appended condition starts with 'and' or 'or'");
    has("- rule: r\n  description: d\n  condition: exfil.proven\n  severity: low\n- rule: r\n  severity: high\n  append: true\n",
        "f.yaml:6:3: 'severity' cannot be appended to");
    has("- rule: r\n  description: d\n  condition: exfil.proven\n  severity: low\n- rule: r\n  severity: high\n  override:\n    condition: append\n",
        "f.yaml:6:3: 'severity' is given but not listed under 'override'");
    has("- rule: r\n  description: d\n  condition: exfil.proven\n  severity: low\n  exceptions:\n    - name: x\n      condition: phase == 'a'\n    - name: x\n      condition: phase == 'b'\n",
        "f.yaml:8:13: rule 'r' has two exceptions named 'x'");
    has("- rule: r\n  description: d\n  condition: exfil.proven\n  severity: low\n  exceptions:\n    - name: x\n      condition: phase = 'a'\n",
        "f.yaml:7:24: '=' is not an operator");
}

TEST(RuleSetErrors, VersionGateAndMalformedYaml) {
    const std::string newer = errorOf({{"new.yaml", "- required_engine_version: 7\n- rule: r\n  new_key_of_v7: x\n", 0}});
    EXPECT_NE(newer.find("this file needs rules engine version 7; this VIGIL reads version 1"), std::string::npos) << newer;

    const std::string broken = errorOf({{"broken.yaml", "- rule: r\n  description: [unclosed\n  severity: low\n", 0}});
    EXPECT_NE(broken.find("broken.yaml:"), std::string::npos) << broken;
    EXPECT_NE(broken.find("the file is not valid YAML"), std::string::npos) << broken;

    const std::string tabs = errorOf({{"tabs.yaml", "- rule: r\n\tdescription: d\n", 0}});
    EXPECT_NE(tabs.find("tabs.yaml:"), std::string::npos) << tabs;

    auto empty = compileFiles({{"empty.yaml", "", 0}, {"comment.yaml", "# nothing yet\n", 0}});
    ASSERT_TRUE(empty.ok()) << empty.error().describe();
    EXPECT_EQ(empty->stats().rules, 0u);
}

}  // namespace
}  // namespace vigil::engine::analysis
