#include "engine/resolve/semver.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace vigil::engine;
using namespace vigil::engine::resolve;

namespace {

std::vector<std::string> splitTabs(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
        std::size_t tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) return fields;
        start = tab + 1;
    }
}

std::vector<std::string> splitSpaces(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string word; in >> word;) out.push_back(word);
    return out;
}

/// The node-semver answers kept in tests/fixtures/semver (made once with node; no node at test time).
struct Oracle {
    std::vector<std::string> pool;
    std::vector<std::vector<std::string>> rows;

    static Oracle load() {
        Oracle oracle;
        std::ifstream in(VIGIL_FIXTURES_DIR "/semver/node_semver_oracle.tsv");
        EXPECT_TRUE(in) << "missing fixture node_semver_oracle.tsv";
        for (std::string line; std::getline(in, line);) {
            if (line.empty() || line[0] == '#') continue;
            auto fields = splitTabs(line);
            if (fields[0] == "pool") oracle.pool = splitSpaces(fields[1]);
            else oracle.rows.push_back(std::move(fields));
        }
        return oracle;
    }
    [[nodiscard]] std::vector<std::vector<std::string>> of(const std::string& kind) const {
        std::vector<std::vector<std::string>> out;
        for (const auto& row : rows)
            if (row[0] == kind) out.push_back(row);
        return out;
    }
};

const Oracle& oracle() {
    static const Oracle instance = Oracle::load();
    return instance;
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

Range range(std::string_view text) {
    auto r = Range::parse(text);
    EXPECT_TRUE(r.ok()) << text;
    return r.ok() ? r.value() : Range::parse("*").value();
}

}  // namespace

TEST(SemverOracle, VersionsParseAsNpmParsesThem) {
    auto rows = oracle().of("valid");
    ASSERT_GE(rows.size(), 30u);
    for (const auto& row : rows) {
        auto v = Version::parse(row[1]);
        EXPECT_EQ(v ? v->toString() : "null", row[2]) << "input \"" << row[1] << "\"";
    }
}

TEST(SemverOracle, PrecedenceMatchesNpm) {
    auto rows = oracle().of("cmp");
    ASSERT_GE(rows.size(), 20u);
    for (const auto& row : rows) {
        auto a = Version::parse(row[1]);
        auto b = Version::parse(row[2]);
        ASSERT_TRUE(a && b) << row[1] << " " << row[2];
        auto order = *a <=> *b;
        int got = order < 0 ? -1 : (order > 0 ? 1 : 0);
        EXPECT_EQ(std::to_string(got), row[3]) << row[1] << " vs " << row[2];
        EXPECT_EQ(got, -((*b <=> *a) < 0 ? -1 : ((*b <=> *a) > 0 ? 1 : 0))) << "antisymmetry " << row[1];
    }
}

TEST(SemverOracle, RangesNormaliseAsNpmDoes) {
    auto rows = oracle().of("range");
    ASSERT_GE(rows.size(), 100u);
    for (const auto& row : rows) {
        auto r = Range::parse(row[1]);
        EXPECT_EQ(r.ok() ? r->toString() : "null", row[2]) << "range \"" << row[1] << "\"";
    }
}

TEST(SemverOracle, SatisfiesAndMaxSatisfyingMatchNpm) {
    const auto& pool = oracle().pool;
    ASSERT_GE(pool.size(), 30u);
    auto rows = oracle().of("sat");
    ASSERT_GE(rows.size(), 100u);
    std::size_t checks = 0;
    for (const auto& row : rows) {
        Range r = range(row[1]);
        std::vector<std::string> plain, withPre;
        for (const auto& v : pool) {
            if (r.satisfies(v)) plain.push_back(v);
            if (r.satisfies(v, true)) withPre.push_back(v);
            checks += 2;
        }
        EXPECT_EQ(join(plain), row[2]) << "range \"" << row[1] << "\"";
        EXPECT_EQ(join(withPre), row[3]) << "range \"" << row[1] << "\" with includePrerelease";
        EXPECT_EQ(maxSatisfying(pool, r).value_or("null"), row[4]) << "range \"" << row[1] << "\"";
    }
    EXPECT_GE(checks, 5000u);
}

TEST(Version, KeepsBuildButIgnoresItForPrecedence) {
    auto v = Version::parse("v1.2.3-rc.1+sha.abc");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->major, 1u);
    EXPECT_EQ(v->prerelease, (std::vector<std::string>{"rc", "1"}));
    EXPECT_EQ(v->build, (std::vector<std::string>{"sha", "abc"}));
    EXPECT_EQ(v->toString(), "1.2.3-rc.1");
    EXPECT_EQ(*v, *Version::parse("1.2.3-rc.1+other"));
    EXPECT_LT(*Version::parse("1.0.0-beta.2"), *Version::parse("1.0.0-beta.11")) << "numeric ids compare as numbers";
}

TEST(Range, PrereleaseOnlyMatchesItsOwnTuple) {
    Range r = range("^1.2.3-beta.1");
    EXPECT_TRUE(r.satisfies("1.2.3-beta.2"));
    EXPECT_FALSE(r.satisfies("1.2.4-alpha")) << "a prerelease of a later release must not sneak in";
    EXPECT_TRUE(r.satisfies("1.2.4-alpha", true));
    EXPECT_TRUE(r.satisfies("1.9.0"));
    EXPECT_FALSE(range("*").satisfies("2.0.0-rc.1"));
    EXPECT_TRUE(range("*").satisfies("2.0.0-rc.1", true));
    EXPECT_FALSE(range("^1.0.0").satisfies("not-a-version"));
}

TEST(Range, CaretOnZeroVersionsLocksTheFirstNonZeroPart) {
    EXPECT_TRUE(range("^0.2.3").satisfies("0.2.9"));
    EXPECT_FALSE(range("^0.2.3").satisfies("0.3.0"));
    EXPECT_TRUE(range("^0.0.3").satisfies("0.0.3"));
    EXPECT_FALSE(range("^0.0.3").satisfies("0.0.4"));
}

TEST(Range, InvalidRangeIsAnInputErrorNamingTheText) {
    auto r = Range::parse("not a range");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Input);
    EXPECT_NE(r.error().primary.find("\"not a range\""), std::string::npos) << r.error().primary;
    auto big = Range::parse("^9007199254740992");
    ASSERT_FALSE(big.ok());
    EXPECT_NE(big.error().secondary.find("9007199254740991"), std::string::npos);
}

TEST(Range, KeepsRawTextAndExposesSets) {
    Range r = range("  ^1.2.3   ||  2.x ");
    EXPECT_EQ(r.raw(), "^1.2.3 || 2.x");
    ASSERT_EQ(r.sets().size(), 2u);
    EXPECT_EQ(r.sets()[0].size(), 2u);
}

TEST(MaxSatisfying, ReturnsTheStringAsGivenAndSkipsJunk) {
    EXPECT_EQ(maxSatisfying({"1.0.0", "v1.5.0", "junk", "2.0.0"}, range("^1")), "v1.5.0");
    EXPECT_FALSE(maxSatisfying({"0.9.0", "2.0.0"}, range("^1")).has_value());
}

// --- pickVersion: npm-pick-manifest's choice -------------------------------------------------

namespace {

std::vector<CandidateVersion> candidates(std::initializer_list<std::pair<const char*, bool>> list) {
    std::vector<CandidateVersion> out;
    for (const auto& [v, deprecated] : list) out.push_back({v, deprecated});
    return out;
}

const auto kVersions = candidates({{"1.0.0", false}, {"1.1.0", false}, {"1.2.0", false}, {"1.3.0", true},
                                   {"2.0.0-rc.1", false}, {"2.0.0", false}, {"2.1.0", false}, {"3.0.0-beta.1", false}});
const std::map<std::string, std::string> kTags = {{"latest", "2.0.0"}, {"next", "3.0.0-beta.1"}, {"old", "1.3.0"}};

std::string pick(std::string_view spec, const std::vector<CandidateVersion>& versions = kVersions,
                 const std::map<std::string, std::string>& tags = kTags) {
    auto r = pickVersion(versions, tags, spec, "pkg");
    return r.ok() ? r.value() : "ERR " + r.error().primary;
}

}  // namespace

TEST(PickVersion, PrefersLatestWhenItSatisfiesTheRange) {
    EXPECT_EQ(pick("^2.0.0"), "2.0.0") << "2.1.0 exists but latest wins";
    EXPECT_EQ(pick(">=1"), "2.0.0");
    EXPECT_EQ(pick("^1.0.0"), "1.2.0") << "latest outside the range: highest non-deprecated in range";
    EXPECT_EQ(pick(""), "2.0.0");
    EXPECT_EQ(pick("*"), "2.0.0");
}

TEST(PickVersion, StarTakesAPrereleaseLatestButRangesDoNot) {
    std::map<std::string, std::string> tags = {{"latest", "3.0.0-beta.1"}};
    EXPECT_EQ(pick("*", kVersions, tags), "3.0.0-beta.1");
    EXPECT_EQ(pick(">=2", kVersions, tags), "2.1.0");
}

TEST(PickVersion, SkipsDeprecatedUnlessNothingElseFits) {
    EXPECT_EQ(pick("~1.3.0"), "1.3.0") << "only a deprecated version satisfies";
    EXPECT_EQ(pick(">=1.2.0 <2"), "1.2.0") << "deprecated 1.3.0 is higher but skipped";
    std::map<std::string, std::string> deprecatedLatest = {{"latest", "1.3.0"}};
    EXPECT_EQ(pick("^1", kVersions, deprecatedLatest), "1.2.0") << "a deprecated latest is not preferred";
}

TEST(PickVersion, TagsAndExactVersionsMeanExactlyThat) {
    EXPECT_EQ(pick("next"), "3.0.0-beta.1");
    EXPECT_EQ(pick("old"), "1.3.0") << "a tag wins even when deprecated";
    EXPECT_EQ(pick("latest"), "2.0.0");
    EXPECT_EQ(pick("1.3.0"), "1.3.0");
    EXPECT_EQ(pick("v1.1.0"), "1.1.0");
    EXPECT_EQ(pick("=2.0.0-rc.1"), "2.0.0-rc.1");
}

TEST(PickVersion, WithoutLatestTakesTheHighestRelease) {
    EXPECT_EQ(pick("", kVersions, {}), "2.1.0");
    EXPECT_EQ(pick("^1", kVersions, {}), "1.2.0");
}

TEST(PickVersion, FailuresSayWhatWasAskedAndWhatExists) {
    auto missing = pickVersion(kVersions, kTags, "^4.0.0", "left-pad");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
    EXPECT_EQ(missing.error().primary, "no version of left-pad satisfies ^4.0.0");
    EXPECT_NE(missing.error().secondary.find("3.0.0-beta.1, 2.1.0, 2.0.0"), std::string::npos) << missing.error().secondary;

    auto exact = pickVersion(kVersions, kTags, "1.2.1", "left-pad");
    ASSERT_FALSE(exact.ok());
    EXPECT_EQ(exact.error().code, ErrorCode::NotFound);

    auto tag = pickVersion(kVersions, kTags, "canary", "left-pad");
    ASSERT_FALSE(tag.ok());
    EXPECT_EQ(tag.error().code, ErrorCode::NotFound);
    EXPECT_NE(tag.error().primary.find("left-pad"), std::string::npos);
    EXPECT_NE(tag.error().primary.find("canary"), std::string::npos);
    EXPECT_NE(tag.error().secondary.find("next (3.0.0-beta.1)"), std::string::npos) << tag.error().secondary;

    auto dangling = pickVersion(kVersions, {{"beta", "9.9.9"}}, "beta", "left-pad");
    ASSERT_FALSE(dangling.ok());
    EXPECT_NE(dangling.error().primary.find("9.9.9"), std::string::npos);

    auto bad = pickVersion(kVersions, kTags, "a tag with spaces", "left-pad");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::Usage);

    auto none = pickVersion({}, {}, "^1", "ghost");
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().code, ErrorCode::NotFound);
    EXPECT_NE(none.error().primary.find("ghost"), std::string::npos);
}

TEST(RegistrySpec, ClassifiesAsNpmPackageArgDoes) {
    EXPECT_EQ(classifyRegistrySpec("1.2.3"), RegistrySpecKind::Version);
    EXPECT_EQ(classifyRegistrySpec(" v1.2.3 "), RegistrySpecKind::Version);
    EXPECT_EQ(classifyRegistrySpec("^1.2.3"), RegistrySpecKind::Range);
    EXPECT_EQ(classifyRegistrySpec(""), RegistrySpecKind::Range);
    EXPECT_EQ(classifyRegistrySpec("1.0.0 garbage"), RegistrySpecKind::Range) << "npm's loose mode";
    EXPECT_EQ(classifyRegistrySpec("latest"), RegistrySpecKind::Tag);
    EXPECT_EQ(classifyRegistrySpec("foo#bar"), RegistrySpecKind::Invalid);
}
