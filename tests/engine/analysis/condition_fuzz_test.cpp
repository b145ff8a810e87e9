// Random garbage — conditions and rule files — must give an error or a result, never a crash
// (the ASan build runs this too). Seeds are fixed so a failure reproduces.
#include <gtest/gtest.h>

#include <random>

#include "engine/analysis/rule_set.h"
#include "tests/engine/analysis/analysis_test_support.h"

namespace vigil::engine::analysis {
namespace {

using test::compileText;
using test::maliciousFacts;

const std::vector<std::string> kPieces{
    "phase", "category", "events.env_read", "events.network.count", "events.process.shell_commands.count",
    "exfil.proven", "norm.network.share", "events.network.hosts", "unknown.field", "and", "OR", "not", "in",
    "intersects", "outside", "contains", "startswith", "endswith", "glob", "exists", "true", "false", "==", "!=", "<", "<=",
    ">", ">=", "=", "(", ")", "[", "]", ",", "'install'", "'AWS_*'", "\"x\"", "'", "\"", "0", "-1", "0.05",
    "1e308", "1e999", "..", ".", "\\", "#", "&&", "\n", "\t", "é", "[*", "'[a-'", "-", "9x",
};

/// Well-formed-ish comparisons joined by and/or/not, so many compile and reach the evaluator.
std::string structuredCondition(std::mt19937& rng) {
    static const std::vector<std::string> fields{"phase", "category", "events.env_read", "events.network.count",
                                                 "events.process.shell_commands.count", "exfil.proven",
                                                 "norm.network.share", "events.network.hosts"};
    static const std::vector<std::string> ops{"==", "!=", "<", ">=", "in", "intersects", "outside", "contains", "glob", "exists"};
    static const std::vector<std::string> values{"'install'", "0", "0.05", "true", "['AWS_*', 'x']", "'*.example'", "[]"};
    static const std::vector<std::string> joins{" and ", " or ", " and not ", " OR NOT "};
    auto pick = [&](const std::vector<std::string>& v) {
        return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
    };
    std::string s;
    for (int i = std::uniform_int_distribution<int>(1, 4)(rng); i > 0; --i) {
        const std::string op = pick(ops);
        s += pick(fields) + " " + op + (op == "exists" ? "" : " " + pick(values));
        if (i > 1)
            s += pick(joins);
    }
    return std::uniform_int_distribution<int>(0, 1)(rng) ? s : "(" + s + ")";
}

std::string randomCondition(std::mt19937& rng) {
    if (std::uniform_int_distribution<int>(0, 1)(rng))
        return structuredCondition(rng);
    std::uniform_int_distribution<int> count(0, 14), piece(0, static_cast<int>(kPieces.size()) - 1), byte(0, 255),
        mode(0, 9);
    std::string s;
    for (int i = count(rng); i > 0; --i) {
        if (mode(rng) == 0)
            s += static_cast<char>(byte(rng));  // raw bytes, including NUL and invalid UTF-8
        else
            s += kPieces[static_cast<std::size_t>(piece(rng))];
        s += ' ';
    }
    return s;
}

nlohmann::json randomFacts(std::mt19937& rng) {
    std::uniform_int_distribution<int> kind(0, 5);
    auto value = [&]() -> nlohmann::json {
        switch (kind(rng)) {
        case 0: return "install";
        case 1: return 3.5;
        case 2: return true;
        case 3: return nlohmann::json::array({"AWS_SECRET", 1, nullptr});
        case 4: return nlohmann::json::object({{"count", 1}});
        default: return nullptr;
        }
    };
    return {{"phase", value()},
            {"category", value()},
            {"events", {{"env_read", value()}, {"network", value()}, {"process", {{"shell_commands", value()}}}}},
            {"exfil", value()},
            {"norm.network.share", value()}};
}

TEST(ConditionFuzz, RandomConditionsNeverCrash) {
    std::mt19937 rng(20240501);
    int compiled = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::string text = randomCondition(rng);
        auto c = compileText(text);
        if (!c) {
            // Every error names a position in the condition.
            ASSERT_EQ(c.error().primary.rfind("<condition>:", 0), 0u) << c.error().primary;
            continue;
        }
        ++compiled;
        Evidence ev;
        (void)evaluateCondition(**c, randomFacts(rng), &ev);
        (void)evaluateCondition(**c, maliciousFacts(), nullptr);
    }
    // The generator must also reach the evaluator, or this test proves little.
    EXPECT_GT(compiled, 500);
}

TEST(ConditionFuzz, MutatedRuleFilesNeverCrash) {
    const std::string base = R"(- required_engine_version: 1
- list: secrets
  items: ['AWS_*', NPM_TOKEN]
- macro: inst
  condition: phase == 'install'
- rule: r
  description: d
  condition: >
    inst and events.env_read intersects secrets
  severity: high
  tags: [a]
  exceptions:
    - name: e
      condition: category == 'x'
- rule: r
  condition: or exfil.proven
  append: true
)";
    ASSERT_TRUE(RuleSet::compile({{"base.yaml", base, 0}}, test::testSchema()).ok());
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> edits(1, 4), byte(0, 127);
    for (int i = 0; i < 3000; ++i) {
        std::string text = base;
        for (int e = edits(rng); e > 0; --e) {
            std::uniform_int_distribution<std::size_t> at(0, text.size() - 1);
            const std::size_t p = at(rng);
            switch (byte(rng) % 3) {
            case 0: text[p] = static_cast<char>(byte(rng)); break;
            case 1: text.erase(p, 1); break;
            default: text.insert(p, 1, "-:[]{}'\"\n #&*!|>"[static_cast<std::size_t>(byte(rng)) % 17]); break;
            }
        }
        auto set = RuleSet::compile({{"m.yaml", text, 0}}, test::testSchema());
        if (set)
            (void)set->evaluate(maliciousFacts(), true);
        else
            ASSERT_EQ(set.error().primary.rfind("m.yaml", 0), 0u) << set.error().primary;
    }
}

}  // namespace
}  // namespace vigil::engine::analysis
