// The package risk score: weighted, each rule once, contributions that add up to the score and
// say which finding made a package risky.
#include <numeric>

#include <gtest/gtest.h>

#include "engine/plan/scan_aggregation.h"

namespace vigil::engine::plan {
namespace {

report::Finding finding(const std::string& rule, Severity severity, bool expected = false) {
    report::Finding f;
    f.ruleId = rule;
    f.severity = severity;
    f.expected = expected;
    return f;
}

int sum(const ScoreBreakdown& b) { return std::accumulate(b.contributions.begin(), b.contributions.end(), 0); }

TEST(PackageScore, NoFindingsOrOnlyExpectedOnesScoreZero) {
    EXPECT_EQ(packageScore({}), 0);
    const ScoreBreakdown b = scoreFindings({finding("native-build", Severity::High, true)});
    EXPECT_EQ(b.score, 0);
    EXPECT_EQ(b.contributions, std::vector<int>{0});
}

TEST(PackageScore, OneFindingScoresItsSeverityWeight) {
    EXPECT_EQ(packageScore({finding("a", Severity::Critical)}), 90);
    EXPECT_EQ(packageScore({finding("a", Severity::High)}), 60);
    EXPECT_EQ(packageScore({finding("a", Severity::Medium)}), 30);
    EXPECT_EQ(packageScore({finding("a", Severity::Low)}), 10);
    EXPECT_EQ(packageScore({finding("a", Severity::Info)}), 0);
}

TEST(PackageScore, MoreEvidenceRaisesTheScoreWithDiminishingReturns) {
    EXPECT_EQ(packageScore({finding("a", Severity::Critical), finding("b", Severity::High)}), 96);
    EXPECT_EQ(packageScore({finding("a", Severity::High), finding("b", Severity::High)}), 84);
    // Three mediums stay below one critical; a pile of lows never reaches a high.
    EXPECT_EQ(packageScore({finding("a", Severity::Medium), finding("b", Severity::Medium), finding("c", Severity::Medium)}),
              66);
    std::vector<report::Finding> lows;
    for (char c = 'a'; c <= 'e'; ++c)
        lows.push_back(finding(std::string(1, c), Severity::Low));
    EXPECT_LT(packageScore(lows), 60);
    // Never above 100, however many criticals.
    std::vector<report::Finding> many;
    for (char c = 'a'; c <= 'z'; ++c)
        many.push_back(finding(std::string(1, c), Severity::Critical));
    EXPECT_EQ(packageScore(many), 100);
}

TEST(PackageScore, ARuleCountsOnceAtItsWorstSeverity) {
    const ScoreBreakdown b = scoreFindings({finding("a", Severity::Medium), finding("a", Severity::High)});
    EXPECT_EQ(b.score, 60);
    EXPECT_EQ(b.contributions, (std::vector<int>{0, 60}));
}

TEST(PackageScore, ContributionsSumToTheScoreHeaviestFirst) {
    const ScoreBreakdown b = scoreFindings({finding("low", Severity::Low), finding("crit", Severity::Critical),
                                            finding("med", Severity::Medium), finding("ok", Severity::High, true)});
    EXPECT_EQ(sum(b), b.score);
    EXPECT_EQ(b.contributions[1], 90);  // the critical takes its full weight first
    EXPECT_GT(b.contributions[2], b.contributions[0]);
    EXPECT_EQ(b.contributions[3], 0);  // expected: shown, not counted
}

}  // namespace
}  // namespace vigil::engine::plan
