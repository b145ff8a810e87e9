// @brief Version, Range and pickVersion: npm's semver (node-semver 7, loose mode) and npm-pick-manifest's choice.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"

namespace vigil::engine::resolve {

/// A semver 2.0 version, parsed the way npm parses registry versions and specifiers
/// (node-semver `valid(v, {loose: true})`): surrounding spaces, a leading "v" or "=", leading
/// zeros and a prerelease without its "-" ("1.2.3beta") are accepted and normalised away.
struct Version {
    std::uint64_t major = 0;
    std::uint64_t minor = 0;
    std::uint64_t patch = 0;
    std::vector<std::string> prerelease;  ///< numeric identifiers normalised ("01" → "1")
    std::vector<std::string> build;       ///< kept for display; ignored by every comparison

    /// The version, or nullopt when `text` is not one (or a number exceeds 2^53-1, as in npm).
    static std::optional<Version> parse(std::string_view text);

    /// "1.2.3" or "1.2.3-beta.1" — node-semver's `.version`: build metadata is left out.
    [[nodiscard]] std::string toString() const;
    [[nodiscard]] bool isPrerelease() const { return !prerelease.empty(); }

    /// semver 2.0 precedence: numeric prerelease identifiers sort below alphanumeric ones,
    /// a prerelease below its release. Build metadata is ignored, hence weak ordering.
    friend std::weak_ordering operator<=>(const Version& a, const Version& b);
    friend bool operator==(const Version& a, const Version& b) { return (a <=> b) == 0; }
};

/// A node-semver range ("^1.2.0 || >=3 <4", "1.2 - 2", "~1.x", "*"), parsed in npm's loose mode.
/// As in npm, comparators a set cannot use are dropped ("1.0.0 garbage" means "1.0.0"); the range
/// is invalid only when nothing usable is left.
class Range {
public:
    /// One primitive comparison; an empty operator means equality, `any` matches everything.
    struct Comparator {
        enum class Op { Eq, Lt, Le, Gt, Ge };
        Op op = Op::Eq;
        Version version;
        bool any = false;

        [[nodiscard]] bool test(const Version& v) const;
        [[nodiscard]] std::string toString() const;
    };
    using ComparatorSet = std::vector<Comparator>;

    /// Parses `text`; an ErrorCode::Input error naming the text when it holds no usable range.
    static Result<Range> parse(std::string_view text);

    /// npm's satisfies(): a prerelease version only matches a set that names a prerelease of the
    /// same major.minor.patch, unless `includePrerelease` is set.
    [[nodiscard]] bool satisfies(const Version& version, bool includePrerelease = false) const;
    /// As above for a version string; an invalid version satisfies nothing.
    [[nodiscard]] bool satisfies(std::string_view version, bool includePrerelease = false) const;

    /// The normalised range as node-semver's validRange() prints it ("*" for match-all).
    [[nodiscard]] std::string toString() const;
    /// The text as given, whitespace collapsed.
    [[nodiscard]] const std::string& raw() const { return raw_; }
    /// The comparator sets (OR of ANDs) used for ordinary matching.
    [[nodiscard]] const std::vector<ComparatorSet>& sets() const { return sets_; }

private:
    std::string raw_;
    std::vector<ComparatorSet> sets_;
    // includePrerelease changes the desugaring itself (~1.2 → >=1.2.0-0), not only the final
    // filter, so both compilations are kept.
    std::vector<ComparatorSet> setsIncludingPrerelease_;
};

/// The highest of `versions` that satisfies `range` (invalid strings are skipped), as written.
std::optional<std::string> maxSatisfying(const std::vector<std::string>& versions, const Range& range);

/// One published version of a package as pickVersion() sees it.
struct CandidateVersion {
    std::string version;
    bool deprecated = false;
};

/// Picks the version npm would install for `spec`, following npm-pick-manifest:
/// - a dist-tag ("next") → exactly the version it points at;
/// - an exact version → that version if published;
/// - a range ("", "*" included) → dist-tags.latest if it satisfies the range and is not deprecated
///   ("*" and "" accept latest even when it is a prerelease), otherwise the highest satisfying
///   version, non-deprecated ones first.
/// Failures: ErrorCode::NotFound naming the package and spec (secondary: the newest versions or
/// the known tags); ErrorCode::Usage for a spec that is not a tag, version or range.
Result<std::string> pickVersion(const std::vector<CandidateVersion>& versions,
                                const std::map<std::string, std::string>& distTags,
                                std::string_view spec, std::string_view packageName);

/// How npm reads a registry specifier (npm-package-arg): Version, Range or Tag.
enum class RegistrySpecKind { Version, Range, Tag, Invalid };
/// Classifies a trimmed registry specifier the way npm-package-arg does.
RegistrySpecKind classifyRegistrySpec(std::string_view spec);

}  // namespace vigil::engine::resolve
