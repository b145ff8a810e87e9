// The shipped rules (rules/): they load with the real facts schema, every rule has a positive and
// a negative fixture that the whole chain (events -> fingerprint -> facts -> rule) decides
// correctly, popular benign behaviour never reaches high/critical, and known attacks always do.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "engine/analysis/facts.h"
#include "engine/analysis/rule_set.h"
#include "engine/core/file_io.h"
#include "tests/engine/analysis/rule_fixture.h"

namespace vigil::engine::analysis {
namespace {

namespace fs = std::filesystem;
using test::CaseRun;
using test::FixtureCase;

const fs::path kRulesDir = fs::path(VIGIL_SOURCE_DIR) / "rules";
const fs::path kFixtureDir = fs::path(VIGIL_FIXTURES_DIR) / "rules";

const RuleSet& shipped() {
    static const RuleSet set = [] {
        auto loaded = RuleSet::load({kRulesDir}, factFieldSchema());
        if (!loaded) {
            ADD_FAILURE() << loaded.error().describe();
            return RuleSet::compile({}, factFieldSchema()).value();
        }
        return std::move(loaded).value();
    }();
    return set;
}

bool alarming(const RuleMatch& m) {
    return m.exceptedBy.empty() && (m.severity == Severity::High || m.severity == Severity::Critical);
}

const RuleMatch* finding(const CaseRun& run, const std::string& id) {
    for (const RuleMatch& m : run.matches)
        if (m.id == id && m.exceptedBy.empty())
            return &m;
    return nullptr;
}

std::string factsText(const CaseRun& run) {
    std::string out;
    for (const auto& f : run.facts) {
        nlohmann::json shown = nlohmann::json::object();
        for (const auto& [k, v] : f.items())  // only what the case produced, not 150 empty fields
            if (!(v.is_array() && v.empty()) && !(v.is_number() && v == 0) && !(v.is_boolean() && !v.get<bool>()) &&
                !k.starts_with("norm.") && !k.ends_with(".count"))
                shown[k] = v;
        out += shown.dump(1) + "\n";
    }
    return out;
}

/// a-z0-9 words joined by single dashes (no std::regex: GCC 12 warns inside it under ASan).
bool isKebab(const std::string& id) {
    if (id.empty() || id.front() == '-' || id.back() == '-' || id.find("--") != std::string::npos)
        return false;
    return std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

TEST(ShippedRules, LoadCleanlyWithTheFactsSchema) {
    auto loaded = RuleSet::load({kRulesDir}, factFieldSchema());
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    const auto& rules = loaded->rules();
    EXPECT_GE(rules.size(), 22u);
    std::map<Severity, int> bySeverity;
    for (const RuleInfo& r : rules) {
        ++bySeverity[r.severity];
        EXPECT_TRUE(isKebab(r.id)) << r.id << " is not kebab-case";
        EXPECT_FALSE(r.description.empty()) << r.id;
        EXPECT_LE(r.description.size(), 160u) << r.id << ": the description is the one line a report shows";
        EXPECT_GE(r.tags.size(), 2u) << r.id << ": a category tag and a technique tag";
        EXPECT_TRUE(r.enabled) << r.id << ": a shipped rule that is off is dead weight";
    }
    for (Severity s : {Severity::Low, Severity::Medium, Severity::High, Severity::Critical})
        EXPECT_GT(bySeverity[s], 0) << "no " << severityName(s) << " rule";
}

TEST(ShippedRules, EveryRuleHasAPositiveAndANegativeFixture) {
    std::set<std::string> ids;
    for (const RuleInfo& r : shipped().rules())
        ids.insert(r.id);
    ASSERT_FALSE(ids.empty());
    for (const std::string& id : ids) {
        const fs::path file = kFixtureDir / (id + ".yaml");
        ASSERT_TRUE(fs::exists(file)) << "rule " << id << " has no fixture " << file;
        auto fixture = test::loadRuleFixture(file);
        ASSERT_TRUE(fixture.ok()) << fixture.error().describe();
        EXPECT_EQ(fixture->ruleId, id) << file;
        EXPECT_FALSE(fixture->positive.empty()) << id << " has no positive case";
        EXPECT_FALSE(fixture->negative.empty()) << id << " has no negative case";
    }
    for (const auto& entry : fs::directory_iterator(kFixtureDir)) {
        if (entry.path().extension() != ".yaml")
            continue;
        EXPECT_TRUE(ids.count(entry.path().stem().string()))
            << entry.path() << " is the fixture of no shipped rule (renamed or removed?)";
    }
}

TEST(ShippedRules, EveryRuleIsInTheReadmeTable) {
    auto text = engine::readWholeFile((kRulesDir / "README.md").string());
    ASSERT_TRUE(text.ok()) << text.error().describe();
    for (const RuleInfo& r : shipped().rules())
        EXPECT_NE(text->find("| `" + r.id + "` | " + std::string(severityName(r.severity)) + " |"), std::string::npos)
            << r.id << " (" << severityName(r.severity) << ") is missing from rules/README.md's table or has another severity there";
}

// ---- one test per fixture case ------------------------------------------------------------

struct CaseParam {
    std::string rule;
    bool positive = true;
    FixtureCase c;
    std::string loadError;
};

// Readable names in gtest's failure lines instead of a byte dump.
void PrintTo(const CaseParam& p, std::ostream* os) {
    *os << p.rule << (p.positive ? " positive \"" : " negative \"") << p.c.name << "\"";
}

std::vector<CaseParam> allCases() {
    std::vector<CaseParam> out;
    if (!fs::is_directory(kFixtureDir))
        return {{"", true, {}, kFixtureDir.string() + " is missing"}};
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(kFixtureDir))
        if (entry.path().extension() == ".yaml")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
        auto fixture = test::loadRuleFixture(file);
        if (!fixture) {
            out.push_back({file.stem().string(), true, {}, fixture.error().describe()});
            continue;
        }
        for (auto& c : fixture->positive)
            out.push_back({fixture->ruleId, true, std::move(c), {}});
        for (auto& c : fixture->negative)
            out.push_back({fixture->ruleId, false, std::move(c), {}});
    }
    return out;
}

std::string caseName(const testing::TestParamInfo<CaseParam>& info) {
    std::string n = fmt::format("{}_{}_{}", info.param.rule, info.param.positive ? "pos" : "neg", info.index);
    std::replace_if(n.begin(), n.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
    return n;
}

class RuleFixtureCase : public testing::TestWithParam<CaseParam> {};

TEST_P(RuleFixtureCase, DecidesTheRule) {
    const CaseParam& p = GetParam();
    ASSERT_TRUE(p.loadError.empty()) << p.loadError;
    const CaseRun run = test::runCase(p.c, shipped());
    const RuleMatch* hit = finding(run, p.rule);
    const std::string others = test::describeMatches(run.matches);
    if (p.positive) {
        EXPECT_NE(hit, nullptr) << p.c.file << " positive \"" << p.c.name << "\": " << p.rule
                                << " did not fire; fired: " << others << "\nfacts:\n" << factsText(run);
    } else {
        EXPECT_EQ(hit, nullptr) << p.c.file << " negative \"" << p.c.name << "\": " << p.rule
                                << " fired; fired: " << others << "\nfacts:\n" << factsText(run);
        if (!p.c.expectExcepted.empty()) {
            const auto it = std::find_if(run.matches.begin(), run.matches.end(),
                                         [&](const RuleMatch& m) { return m.id == p.rule; });
            ASSERT_NE(it, run.matches.end()) << p.c.name << ": the rule should hold and be excepted";
            EXPECT_EQ(it->exceptedBy, p.c.expectExcepted) << p.c.name;
        }
    }
    if (hit) {
        EXPECT_FALSE(hit->evidence.empty()) << p.rule << ": a finding without evidence explains nothing";
        RecordProperty("fired", others);
    }
}

INSTANTIATE_TEST_SUITE_P(Shipped, RuleFixtureCase, testing::ValuesIn(allCases()), caseName);

// ---- behaviour profiles -------------------------------------------------------------------

std::vector<FixtureCase> profiles(const char* file) {
    auto loaded = test::loadProfiles(kFixtureDir / "profiles" / file);
    if (!loaded) {
        FixtureCase broken;
        broken.name = "LOAD ERROR " + loaded.error().describe();
        return {broken};
    }
    return std::move(loaded).value();
}

std::string profileName(const testing::TestParamInfo<FixtureCase>& info) {
    std::string n = fmt::format("{}_{}", info.index, info.param.package);
    std::replace_if(n.begin(), n.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
    return n;
}

class BenignProfile : public testing::TestWithParam<FixtureCase> {};
class AttackProfile : public testing::TestWithParam<FixtureCase> {};

TEST_P(BenignProfile, RaisesNothingHighOrCritical) {
    const FixtureCase& c = GetParam();
    ASSERT_FALSE(c.name.starts_with("LOAD ERROR")) << c.name;
    const CaseRun run = test::runCase(c, shipped());
    for (const RuleMatch& m : run.matches)
        EXPECT_FALSE(alarming(m)) << c.package << " (" << c.name << ") raised " << m.id << " ("
                                  << severityName(m.severity) << "); all: " << test::describeMatches(run.matches)
                                  << "\nfacts:\n" << factsText(run);
    RecordProperty("fired", test::describeMatches(run.matches));
}

TEST_P(AttackProfile, RaisesHighOrCritical) {
    const FixtureCase& c = GetParam();
    ASSERT_FALSE(c.name.starts_with("LOAD ERROR")) << c.name;
    const CaseRun run = test::runCase(c, shipped());
    EXPECT_TRUE(std::any_of(run.matches.begin(), run.matches.end(), alarming))
        << c.package << " (" << c.name << ") raised only: " << test::describeMatches(run.matches) << "\nfacts:\n"
        << factsText(run);
    for (const std::string& id : c.expect)
        EXPECT_NE(finding(run, id), nullptr) << c.package << ": expected " << id << "; fired: "
                                             << test::describeMatches(run.matches);
    RecordProperty("fired", test::describeMatches(run.matches));
}

INSTANTIATE_TEST_SUITE_P(Popular, BenignProfile, testing::ValuesIn(profiles("benign.yaml")), profileName);
INSTANTIATE_TEST_SUITE_P(Incidents, AttackProfile, testing::ValuesIn(profiles("attacks.yaml")), profileName);

TEST(ShippedRules, ProfileSetsAreLargeEnough) {
    EXPECT_GE(profiles("benign.yaml").size(), 8u);
    EXPECT_GE(profiles("attacks.yaml").size(), 8u);
}

}  // namespace
}  // namespace vigil::engine::analysis
