#include "engine/resolve/semver.h"

#include <algorithm>

#include "engine/resolve/semver_syntax.h"

namespace vigil::engine::resolve {

namespace semver_syntax {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isIdentifierChar(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
    return text;
}

bool allDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), isDigit);
}

std::optional<std::uint64_t> toSafeInteger(std::string_view digits) {
    if (!allDigits(digits)) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : digits) {
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value > kMaxSafeInteger) return std::nullopt;  // also stops before uint64 overflow
    }
    return value;
}

std::string incrementDigits(std::string_view digits) {
    auto value = toSafeInteger(digits);
    // Anything past 2^53-1 makes the comparator built from it fail like npm's does.
    if (!value) return std::to_string(kMaxSafeInteger) + "0";
    return std::to_string(*value + 1);
}

namespace {

/// ID(.ID)* with ID = [A-Za-z0-9-]+, covering all of `text`.
bool isIdentifierList(std::string_view text) {
    if (text.empty()) return false;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = text.find('.', start);
        std::string_view id = text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (id.empty() || !std::all_of(id.begin(), id.end(), isIdentifierChar)) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

std::vector<std::string> splitIdentifiers(std::string_view text) {
    std::vector<std::string> out;
    if (text.empty()) return out;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = text.find('.', start);
        out.emplace_back(text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) return out;
        start = dot + 1;
    }
}

}  // namespace

bool matchTail(std::string_view rest, VersionTail& tail) {
    std::string_view pre = rest;
    std::string_view build;
    bool hasBuild = false;
    if (auto plus = rest.find('+'); plus != std::string_view::npos) {
        pre = rest.substr(0, plus);
        build = rest.substr(plus + 1);
        hasBuild = true;
    }
    if (hasBuild && !isIdentifierList(build)) return false;
    tail.build = std::string(build);
    if (pre.empty()) {
        tail.prerelease.clear();
        return true;
    }
    // The loose grammar's "-" is optional, and tried first: "-beta" is "beta", while a "-" that
    // leaves nothing valid behind becomes part of the identifier ("1.2.3-" → prerelease "-").
    if (pre.front() == '-' && isIdentifierList(pre.substr(1))) {
        tail.prerelease = std::string(pre.substr(1));
        return true;
    }
    if (isIdentifierList(pre)) {
        tail.prerelease = std::string(pre);
        return true;
    }
    return false;
}

bool matchPatchAndTail(std::string_view patchDigits, std::string_view rest, std::size_t& patchLength,
                       VersionTail& tail) {
    // Greedy first, then give digits back to the prerelease, as a backtracking regex would.
    for (std::size_t length = patchDigits.size(); length >= 1; --length) {
        std::string candidate(patchDigits.substr(length));
        candidate += rest;
        if (matchTail(candidate, tail)) {
            patchLength = length;
            return true;
        }
    }
    return false;
}

ParseStatus parseLooseVersion(std::string_view text, Version& out) {
    std::size_t pos = 0;
    while (pos < text.size() && (text[pos] == 'v' || text[pos] == '=' || isSpace(text[pos]))) ++pos;
    std::string_view numbers[3];
    for (int i = 0; i < 3; ++i) {
        std::size_t start = pos;
        while (pos < text.size() && isDigit(text[pos])) ++pos;
        if (pos == start) return ParseStatus::NoMatch;
        numbers[i] = text.substr(start, pos - start);
        if (i < 2) {
            if (pos >= text.size() || text[pos] != '.') return ParseStatus::NoMatch;
            ++pos;
        }
    }
    std::size_t patchLength = 0;
    VersionTail tail;
    if (!matchPatchAndTail(numbers[2], text.substr(pos), patchLength, tail)) return ParseStatus::NoMatch;
    numbers[2] = numbers[2].substr(0, patchLength);

    std::optional<std::uint64_t> parsed[3];
    for (int i = 0; i < 3; ++i) {
        parsed[i] = toSafeInteger(numbers[i]);
        if (!parsed[i]) return ParseStatus::TooLarge;
    }
    Version v;
    v.major = *parsed[0];
    v.minor = *parsed[1];
    v.patch = *parsed[2];
    for (std::string& id : splitIdentifiers(tail.prerelease)) {
        // npm turns numeric identifiers into numbers only while they stay exact.
        auto number = toSafeInteger(id);
        if (number && *number < kMaxSafeInteger) id = std::to_string(*number);
        v.prerelease.push_back(std::move(id));
    }
    v.build = splitIdentifiers(tail.build);
    out = std::move(v);
    return ParseStatus::Ok;
}

}  // namespace semver_syntax

namespace {

/// Numeric value comparison of digit strings of any length.
int compareDigitStrings(std::string_view a, std::string_view b) {
    while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
    while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int compareIdentifiers(const std::string& a, const std::string& b) {
    bool aNumeric = semver_syntax::allDigits(a);
    bool bNumeric = semver_syntax::allDigits(b);
    if (aNumeric && bNumeric) return compareDigitStrings(a, b);
    if (aNumeric) return -1;  // semver 2.0 §11: numeric identifiers have lower precedence
    if (bNumeric) return 1;
    int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string joinIdentifiers(const std::vector<std::string>& ids) {
    std::string out;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i > 0) out += '.';
        out += ids[i];
    }
    return out;
}

}  // namespace

std::optional<Version> Version::parse(std::string_view text) {
    if (text.size() > semver_syntax::kMaxVersionLength) return std::nullopt;
    Version v;
    if (semver_syntax::parseLooseVersion(semver_syntax::trim(text), v) != semver_syntax::ParseStatus::Ok)
        return std::nullopt;
    return v;
}

std::string Version::toString() const {
    std::string out = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
    if (!prerelease.empty()) out += "-" + joinIdentifiers(prerelease);
    return out;
}

std::weak_ordering operator<=>(const Version& a, const Version& b) {
    if (auto c = a.major <=> b.major; c != 0) return c;
    if (auto c = a.minor <=> b.minor; c != 0) return c;
    if (auto c = a.patch <=> b.patch; c != 0) return c;
    // A prerelease sorts before its release.
    if (a.prerelease.empty() || b.prerelease.empty()) {
        if (a.prerelease.empty() && b.prerelease.empty()) return std::weak_ordering::equivalent;
        return a.prerelease.empty() ? std::weak_ordering::greater : std::weak_ordering::less;
    }
    std::size_t n = std::min(a.prerelease.size(), b.prerelease.size());
    for (std::size_t i = 0; i < n; ++i) {
        int c = compareIdentifiers(a.prerelease[i], b.prerelease[i]);
        if (c != 0) return c < 0 ? std::weak_ordering::less : std::weak_ordering::greater;
    }
    // The longer identifier list wins when one is a prefix of the other.
    return a.prerelease.size() <=> b.prerelease.size();
}

bool Range::Comparator::test(const Version& v) const {
    if (any) return true;
    switch (op) {
    case Op::Eq: return v == version;
    case Op::Lt: return v < version;
    case Op::Le: return v <= version;
    case Op::Gt: return v > version;
    case Op::Ge: return v >= version;
    }
    return false;
}

std::string Range::Comparator::toString() const {
    if (any) return {};
    const char* prefix = "";
    switch (op) {
    case Op::Eq: prefix = ""; break;
    case Op::Lt: prefix = "<"; break;
    case Op::Le: prefix = "<="; break;
    case Op::Gt: prefix = ">"; break;
    case Op::Ge: prefix = ">="; break;
    }
    return prefix + version.toString();
}

namespace {

bool testSet(const Range::ComparatorSet& set, const Version& version, bool includePrerelease) {
    for (const auto& comparator : set)
        if (!comparator.test(version)) return false;
    if (!version.isPrerelease() || includePrerelease) return true;
    // A prerelease only gets in when the range opted into prereleases of this very
    // major.minor.patch: ^1.2.3-beta.1 admits 1.2.3-beta.2 but not 1.2.4-alpha, so that ranges
    // never silently pull in unstable versions of later releases.
    return std::any_of(set.begin(), set.end(), [&](const Range::Comparator& c) {
        return !c.any && c.version.isPrerelease() && c.version.major == version.major &&
               c.version.minor == version.minor && c.version.patch == version.patch;
    });
}

}  // namespace

bool Range::satisfies(const Version& version, bool includePrerelease) const {
    const auto& sets = includePrerelease ? setsIncludingPrerelease_ : sets_;
    return std::any_of(sets.begin(), sets.end(),
                       [&](const ComparatorSet& set) { return testSet(set, version, includePrerelease); });
}

bool Range::satisfies(std::string_view version, bool includePrerelease) const {
    auto parsed = Version::parse(version);
    return parsed && satisfies(*parsed, includePrerelease);
}

std::string Range::toString() const {
    std::string out;
    for (std::size_t i = 0; i < sets_.size(); ++i) {
        if (i > 0) out += "||";
        for (std::size_t k = 0; k < sets_[i].size(); ++k) {
            if (k > 0) out += ' ';
            out += sets_[i][k].toString();
        }
    }
    return out.empty() ? "*" : out;
}

std::optional<std::string> maxSatisfying(const std::vector<std::string>& versions, const Range& range) {
    std::optional<std::string> best;
    std::optional<Version> bestVersion;
    for (const auto& text : versions) {
        auto v = Version::parse(text);
        if (!v || !range.satisfies(*v)) continue;
        if (!bestVersion || *v > *bestVersion) {
            bestVersion = std::move(v);
            best = text;
        }
    }
    return best;
}

}  // namespace vigil::engine::resolve
