// Range::parse — node-semver's loose range grammar, desugared step by step in the same order npm
// applies it (build strip → hyphen → whitespace joins → caret → tilde → x-range → star → >=0.0.0),
// because several of npm's observable quirks ("^00.1.2", "1.0.0 garbage", "1.2.3 - *") come from
// that order rather than from any grammar.
#include <algorithm>

#include "engine/resolve/semver.h"
#include "engine/resolve/semver_syntax.h"

namespace vigil::engine::resolve {

namespace {

using namespace semver_syntax;

/// A partial version as ranges write it: "1", "1.2", "1.x", "*", "1.2.3-beta" with an
/// optional [v= ]* prefix. Absent parts are empty strings.
struct Partial {
    std::string major, minor, patch;
    std::string prerelease;  ///< only after a complete major.minor.patch
};

bool isX(const std::string& id) { return id.empty() || id == "x" || id == "X" || id == "*"; }

/// Reads one x-range component at `pos`: digits, or one of x, X, *.
bool readComponent(std::string_view text, std::size_t& pos, std::string& out) {
    std::size_t start = pos;
    if (pos < text.size() && (text[pos] == 'x' || text[pos] == 'X' || text[pos] == '*')) {
        ++pos;
    } else {
        while (pos < text.size() && isDigit(text[pos])) ++pos;
    }
    out = std::string(text.substr(start, pos - start));
    return pos > start;
}

/// Matches all of `text` as a partial version.
bool parsePartial(std::string_view text, Partial& out) {
    out = Partial{};
    std::size_t pos = 0;
    while (pos < text.size() && (text[pos] == 'v' || text[pos] == '=' || isSpace(text[pos]))) ++pos;
    if (!readComponent(text, pos, out.major)) return false;
    if (pos == text.size()) return true;
    if (text[pos] != '.') return false;
    ++pos;
    if (!readComponent(text, pos, out.minor)) return false;
    if (pos == text.size()) return true;
    if (text[pos] != '.') return false;
    ++pos;
    if (!readComponent(text, pos, out.patch)) return false;
    VersionTail tail;
    if (allDigits(out.patch)) {
        std::size_t patchLength = 0;
        if (!matchPatchAndTail(out.patch, text.substr(pos), patchLength, tail)) return false;
        out.patch.resize(patchLength);
    } else if (!matchTail(text.substr(pos), tail)) {
        return false;
    }
    out.prerelease = tail.prerelease;
    return true;
}

std::string collapseSpaces(std::string_view text) {
    std::string out;
    bool pendingSpace = false;
    for (char c : trim(text)) {
        if (isSpace(c)) {
            pendingSpace = true;
            continue;
        }
        if (pendingSpace) out += ' ';
        pendingSpace = false;
        out += c;
    }
    return out;
}

std::vector<std::string> splitWords(std::string_view text) {
    std::vector<std::string> words;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t space = text.find(' ', pos);
        if (space == std::string_view::npos) space = text.size();
        if (space > pos) words.emplace_back(text.substr(pos, space - pos));
        pos = space + 1;
    }
    return words;
}

/// Build metadata means nothing in a range; npm deletes every "+id.id" before parsing.
std::string stripBuildMetadata(std::string_view text) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (text[pos] == '+' && pos + 1 < text.size() && isIdentifierChar(text[pos + 1])) {
            std::size_t end = pos + 1;
            while (true) {
                while (end < text.size() && isIdentifierChar(text[end])) ++end;
                if (end + 1 < text.size() && text[end] == '.' && isIdentifierChar(text[end + 1])) {
                    ++end;
                    continue;
                }
                break;
            }
            pos = end;
            continue;
        }
        out += text[pos++];
    }
    return out;
}

/// "1.2 - 3.4" → ">=1.2.0 <3.5.0-0": the whole set must be one hyphen range, else nullopt.
std::optional<std::string> desugarHyphen(const std::string& set, bool includePrerelease) {
    const std::string z = includePrerelease ? "-0" : "";
    for (std::size_t at = set.find(" - "); at != std::string::npos; at = set.find(" - ", at + 1)) {
        std::string fromText = set.substr(0, at);
        std::string toText = set.substr(at + 3);
        Partial from, to;
        if (!parsePartial(fromText, from) || !parsePartial(toText, to)) continue;

        std::string lower;
        if (isX(from.major)) lower = "";
        else if (isX(from.minor)) lower = ">=" + from.major + ".0.0" + z;
        else if (isX(from.patch)) lower = ">=" + from.major + "." + from.minor + ".0" + z;
        else if (!from.prerelease.empty()) lower = ">=" + fromText;
        else lower = ">=" + fromText + z;

        std::string upper;
        if (isX(to.major)) upper = "";
        else if (isX(to.minor)) upper = "<" + incrementDigits(to.major) + ".0.0-0";
        else if (isX(to.patch)) upper = "<" + to.major + "." + incrementDigits(to.minor) + ".0-0";
        else if (!to.prerelease.empty()) upper = "<=" + to.major + "." + to.minor + "." + to.patch + "-" + to.prerelease;
        else if (includePrerelease) upper = "<" + to.major + "." + to.minor + "." + incrementDigits(to.patch) + "-0";
        else upper = "<=" + toText;

        return std::string(trim(lower + " " + upper));
    }
    return std::nullopt;
}

// --- Joining operators to their versions -------------------------------------------------
// npm removes the whitespace in "> 1.2.3", "~ 1.2", "^ 1.2" with a scan over the text that skips
// whole versions, so which spaces go depends on where versions start and end. The scanners below
// reproduce those boundaries (strict partial versions, loose full versions), not validity.

bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isVersionPrefix(char c) { return c == 'v' || c == '=' || isSpace(c); }
bool isVersionStart(char c) { return isDigit(c) || c == 'x' || c == 'X' || c == '*'; }

struct Scanner {
    std::string_view s;

    [[nodiscard]] char at(std::size_t p) const { return p < s.size() ? s[p] : '\0'; }
    [[nodiscard]] std::size_t digitsEnd(std::size_t p) const {
        while (isDigit(at(p))) ++p;
        return p;
    }
    /// Strict numbers are "0" or digits without a leading zero; loose ones any digits.
    [[nodiscard]] std::size_t numberEnd(std::size_t p, bool loose) const {
        if (!loose && at(p) == '0') return p + 1;
        return digitsEnd(p);
    }
    [[nodiscard]] std::size_t prereleaseIdEnd(std::size_t p, bool loose) const {
        std::size_t d = digitsEnd(p);
        if (isLetter(at(d)) || at(d) == '-') {
            ++d;
            while (isIdentifierChar(at(d))) ++d;
            return d;
        }
        return numberEnd(p, loose);
    }
    [[nodiscard]] std::size_t prereleaseEnd(std::size_t start, bool loose) const {
        const bool hyphen = at(start) == '-';
        if (!loose && !hyphen) return start;
        const std::size_t idStart = start + (hyphen ? 1 : 0);
        std::size_t end = prereleaseIdEnd(idStart, loose);
        if (end == idStart) {
            if (!loose || !hyphen) return start;
            end = prereleaseIdEnd(start, loose);  // a lone "-" is itself an identifier
        }
        while (at(end) == '.') {
            std::size_t next = prereleaseIdEnd(end + 1, loose);
            if (next == end + 1) break;
            end = next;
        }
        return end;
    }
    [[nodiscard]] std::size_t identifiersEnd(std::size_t p) const {
        while (isIdentifierChar(at(p))) ++p;
        return p;
    }
    [[nodiscard]] std::size_t buildEnd(std::size_t start) const {
        if (at(start) != '+') return start;
        std::size_t end = identifiersEnd(start + 1);
        if (end == start + 1) return start;
        while (at(end) == '.') {
            std::size_t next = identifiersEnd(end + 1);
            if (next == end + 1) break;
            end = next;
        }
        return end;
    }
    [[nodiscard]] std::size_t looseFullEnd(std::size_t start) const {
        std::size_t end = start;
        for (int component = 0; component < 3; ++component) {
            std::size_t next = numberEnd(end, true);
            if (next == end) return start;
            end = next;
            if (component < 2) {
                if (at(end) != '.') return start;
                ++end;
            }
        }
        return buildEnd(prereleaseEnd(end, true));
    }
    [[nodiscard]] std::size_t partialComponentEnd(std::size_t p) const {
        if (isDigit(at(p))) return numberEnd(p, false);
        return isVersionStart(at(p)) ? p + 1 : p;
    }
    [[nodiscard]] std::size_t partialEnd(std::size_t start) const {
        std::size_t end = partialComponentEnd(start);
        for (int component = 0; component < 2; ++component) {
            if (at(end) != '.') return end;
            std::size_t next = partialComponentEnd(end + 1);
            if (next == end + 1) return end;
            end = next;
        }
        return buildEnd(prereleaseEnd(end, false));
    }
    [[nodiscard]] std::size_t versionEnd(std::size_t start) const {
        std::size_t full = looseFullEnd(start);
        return full != start ? full : partialEnd(start);
    }
};

/// "> 1.2.3 <= 2" → ">1.2.3 <=2": drops the one space after an operator that precedes a version.
std::string joinComparatorOperators(std::string_view text) {
    const Scanner scan{text};
    std::string out;
    std::size_t copyFrom = 0;
    std::size_t cursor = 0;
    while (cursor < text.size()) {
        const std::size_t matchStart = cursor;
        if (text[cursor] == '<' || text[cursor] == '>') {
            ++cursor;
        } else if (!isVersionPrefix(text[cursor]) && !isVersionStart(text[cursor])) {
            ++cursor;
            continue;
        }
        while (cursor < text.size() && isVersionPrefix(text[cursor])) ++cursor;
        if (!isVersionStart(scan.at(cursor))) continue;
        std::size_t p = matchStart;
        if (isSpace(scan.at(p))) ++p;
        if (scan.at(p) == '<' || scan.at(p) == '>') ++p;
        if (scan.at(p) == '=') ++p;
        if (isSpace(scan.at(p))) {
            out += text.substr(copyFrom, p - copyFrom);
            copyFrom = p + 1;
        }
        cursor = scan.versionEnd(cursor);
    }
    out += text.substr(copyFrom);
    return out;
}

/// "~ 1.2" → "~1.2" and "~> 1.2" → "~1.2" (`lone` = '~'), "^ 1.2" → "^1.2" (`lone` = '^').
std::string joinLoneOperator(std::string_view text, char lone) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (text[pos] == lone) {
            std::size_t after = pos + 1;
            if (lone == '~' && after < text.size() && text[after] == '>') ++after;
            std::size_t spaces = after;
            while (spaces < text.size() && isSpace(text[spaces])) ++spaces;
            if (spaces > after) {
                out += lone;
                pos = spaces;
                continue;
            }
        }
        out += text[pos++];
    }
    return out;
}

std::string desugarCaret(const std::string& word, bool includePrerelease) {
    Partial p;
    if (word.empty() || word[0] != '^' || !parsePartial(std::string_view(word).substr(1), p)) return word;
    const std::string z = includePrerelease ? "-0" : "";
    const std::string& M = p.major;
    const std::string& m = p.minor;
    // npm compares the text with "0", so "^00.1.2" behaves like a major-version caret.
    const bool zeroMajor = M == "0";
    if (isX(M)) return "";
    if (isX(m)) return ">=" + M + ".0.0" + z + " <" + incrementDigits(M) + ".0.0-0";
    if (isX(p.patch)) {
        if (zeroMajor) return ">=" + M + "." + m + ".0" + z + " <" + M + "." + incrementDigits(m) + ".0-0";
        return ">=" + M + "." + m + ".0" + z + " <" + incrementDigits(M) + ".0.0-0";
    }
    std::string lower = ">=" + M + "." + m + "." + p.patch + (p.prerelease.empty() ? "" : "-" + p.prerelease);
    if (zeroMajor && m == "0") return lower + " <" + M + "." + m + "." + incrementDigits(p.patch) + "-0";
    if (zeroMajor) return lower + " <" + M + "." + incrementDigits(m) + ".0-0";
    return lower + " <" + incrementDigits(M) + ".0.0-0";
}

std::string desugarTilde(const std::string& word, bool includePrerelease) {
    if (word.empty() || word[0] != '~') return word;
    std::size_t skip = word.size() >= 2 && word[1] == '>' ? 2 : 1;
    Partial p;
    if (!parsePartial(std::string_view(word).substr(skip), p)) return word;
    const std::string z = includePrerelease ? "-0" : "";
    const std::string& M = p.major;
    const std::string& m = p.minor;
    if (isX(M)) return "";
    if (isX(m)) return ">=" + M + ".0.0" + z + " <" + incrementDigits(M) + ".0.0-0";
    if (isX(p.patch)) return ">=" + M + "." + m + ".0" + z + " <" + M + "." + incrementDigits(m) + ".0-0";
    std::string lower = ">=" + M + "." + m + "." + p.patch + (p.prerelease.empty() ? "" : "-" + p.prerelease);
    return lower + " <" + M + "." + incrementDigits(m) + ".0-0";
}

std::string desugarXRange(const std::string& word, bool includePrerelease) {
    std::size_t pos = 0;
    std::string op;
    if (pos < word.size() && (word[pos] == '<' || word[pos] == '>')) op += word[pos++];
    if (pos < word.size() && word[pos] == '=') op += word[pos++];
    Partial p;
    if (!parsePartial(std::string_view(word).substr(pos), p)) return word;
    // "x.1" and "1.x.3" are not x-ranges; npm leaves them for the comparator check to drop.
    if ((isX(p.major) && !isX(p.minor)) || (isX(p.minor) && !p.patch.empty() && !isX(p.patch))) return word;

    const bool xMajor = isX(p.major);
    const bool xMinor = xMajor || isX(p.minor);
    const bool xPatch = xMinor || isX(p.patch);
    if (!xPatch) return word;
    if (op == "=") op.clear();
    std::string pr = includePrerelease ? "-0" : "";

    if (xMajor) return (op == ">" || op == "<") ? "<0.0.0-0" : "*";
    std::string M = p.major;
    std::string m = p.minor;
    if (!op.empty()) {
        if (xMinor) m = "0";
        if (op == ">") {
            // >1 means >=2.0.0, >1.2 means >=1.3.0
            op = ">=";
            if (xMinor) M = incrementDigits(M);
            else m = incrementDigits(m);
        } else if (op == "<=") {
            // <=1.2 admits every 1.2.x, so it means <1.3.0-0
            op = "<";
            if (xMinor) M = incrementDigits(M);
            else m = incrementDigits(m);
        }
        if (op == "<") pr = "-0";
        return op + M + "." + m + ".0" + pr;
    }
    if (xMinor) return ">=" + M + ".0.0" + pr + " <" + incrementDigits(M) + ".0.0-0";
    return ">=" + M + "." + m + ".0" + pr + " <" + M + "." + incrementDigits(m) + ".0-0";
}

/// A star ANDed with anything is a no-op, so npm deletes the first "(<|>)?=?\s*\*".
std::string removeStar(std::string_view text) {
    std::size_t star = text.find('*');
    if (star == std::string_view::npos) return std::string(text);
    std::size_t start = star;
    while (start > 0 && text[start - 1] == ' ') --start;
    if (start > 0 && text[start - 1] == '=') --start;
    if (start > 0 && (text[start - 1] == '<' || text[start - 1] == '>')) --start;
    return std::string(text.substr(0, start)) + std::string(text.substr(star + 1));
}

std::string joinWords(const std::vector<std::string>& words) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += ' ';
        out += words[i];
    }
    return out;
}

/// JavaScript's text.split(/\s+/): empty pieces survive only at the ends. That is why a
/// match-all "*" between two words vanishes while one at either end is kept.
std::vector<std::string> splitLikeJs(std::string_view text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (true) {
        std::size_t space = text.find(' ', pos);
        if (space == std::string_view::npos) {
            out.emplace_back(text.substr(pos));
            return out;
        }
        out.emplace_back(text.substr(pos, space - pos));
        pos = text.find_first_not_of(' ', space);
        if (pos == std::string_view::npos) {
            out.emplace_back();
            return out;
        }
    }
}

using Stage = std::string (*)(const std::string&, bool);

std::string mapWords(const std::string& text, Stage stage, bool includePrerelease) {
    std::vector<std::string> words = splitLikeJs(trim(text));
    for (auto& word : words) word = stage(word, includePrerelease);
    return joinWords(words);
}

/// One space-separated token of a set through caret, tilde, x-range and star desugaring.
std::string desugarToken(const std::string& token, bool includePrerelease) {
    std::string text = desugarCaret(token, includePrerelease);
    text = mapWords(text, desugarTilde, includePrerelease);
    text = mapWords(text, desugarXRange, includePrerelease);
    return removeStar(trim(text));
}

struct SetResult {
    Range::ComparatorSet comparators;
    bool tooLarge = false;
};

SetResult compileSet(std::string_view text, bool includePrerelease) {
    SetResult result;
    std::string set = collapseSpaces(stripBuildMetadata(text));
    if (auto hyphen = desugarHyphen(set, includePrerelease)) set = *hyphen;
    set = joinLoneOperator(joinLoneOperator(joinComparatorOperators(set), '~'), '^');
    std::vector<std::string> words = splitWords(set);
    if (words.empty()) words.emplace_back();

    for (auto& word : words) word = desugarToken(word, includePrerelease);
    words = splitLikeJs(joinWords(words));

    std::vector<std::string> seen;
    std::optional<Range::Comparator> nullSet;
    for (const auto& original : words) {
        // ">=0.0.0" is every release, i.e. "*"; with prereleases included only >=0.0.0-0 is.
        std::string word = original == (includePrerelease ? ">=0.0.0-0" : ">=0.0.0") ? std::string() : original;
        Range::Comparator comparator;
        if (word.empty()) {
            comparator.any = true;
        } else {
            std::size_t pos = 0;
            std::string op;
            if (word[pos] == '<' || word[pos] == '>') op += word[pos++];
            if (pos < word.size() && word[pos] == '=') op += word[pos++];
            Version version;
            auto status = parseLooseVersion(std::string_view(word).substr(pos), version);
            if (status == ParseStatus::TooLarge) {
                result.tooLarge = true;
                return result;
            }
            if (status != ParseStatus::Ok) continue;  // npm's loose mode drops what it cannot read
            using Op = Range::Comparator::Op;
            comparator.op = op == "<" ? Op::Lt : op == "<=" ? Op::Le : op == ">" ? Op::Gt : op == ">=" ? Op::Ge : Op::Eq;
            comparator.version = std::move(version);
        }
        std::string value = comparator.toString();
        // "<0.0.0-0" matches nothing, so the whole set matches nothing (npm still builds every
        // comparator first, so a too-large number elsewhere keeps the range invalid).
        if (value == "<0.0.0-0" && !nullSet) nullSet = comparator;
        if (std::find(seen.begin(), seen.end(), value) != seen.end()) continue;
        seen.push_back(value);
        result.comparators.push_back(std::move(comparator));
    }
    if (nullSet) {
        result.comparators = {*nullSet};
        return result;
    }
    if (result.comparators.size() > 1) {
        std::erase_if(result.comparators, [](const Range::Comparator& c) { return c.any; });
    }
    return result;
}

bool isNullSet(const Range::ComparatorSet& set) { return !set.front().any && set.front().toString() == "<0.0.0-0"; }
bool isAnySet(const Range::ComparatorSet& set) { return set.size() == 1 && set.front().any; }

/// Compiles every "||" alternative; nullopt when none is usable or a number is too large.
std::optional<std::vector<Range::ComparatorSet>> compileRange(const std::string& raw, bool includePrerelease,
                                                              bool& tooLarge) {
    std::vector<Range::ComparatorSet> sets;
    std::size_t pos = 0;
    while (true) {
        std::size_t bar = raw.find("||", pos);
        std::string_view part = std::string_view(raw).substr(pos, bar == std::string::npos ? std::string::npos : bar - pos);
        SetResult compiled = compileSet(trim(part), includePrerelease);
        if (compiled.tooLarge) {
            tooLarge = true;
            return std::nullopt;
        }
        if (!compiled.comparators.empty()) sets.push_back(std::move(compiled.comparators));
        if (bar == std::string::npos) break;
        pos = bar + 2;
    }
    if (sets.empty()) return std::nullopt;
    if (sets.size() > 1) {
        // Alternatives that match nothing are dropped, unless nothing else is left.
        Range::ComparatorSet first = sets.front();
        std::erase_if(sets, isNullSet);
        if (sets.empty()) sets.push_back(std::move(first));
        // One match-all alternative makes the whole range match-all.
        if (auto any = std::find_if(sets.begin(), sets.end(), isAnySet); sets.size() > 1 && any != sets.end()) {
            Range::ComparatorSet keep = *any;
            sets = {std::move(keep)};
        }
    }
    return sets;
}

}  // namespace

Result<Range> Range::parse(std::string_view text) {
    Range range;
    range.raw_ = collapseSpaces(text);
    bool tooLarge = false;
    auto sets = compileRange(range.raw_, false, tooLarge);
    auto setsPre = sets ? compileRange(range.raw_, true, tooLarge) : std::nullopt;
    if (!sets || !setsPre) {
        return makeError(ErrorCode::Input, "invalid semver range \"" + std::string(text) + "\"",
                         tooLarge ? "a version number in it is larger than 9007199254740991"
                                  : "expected a range such as ^1.2.3, ~1.2, 1.x, >=1.0.0 <2.0.0 or 1.2.3 - 2.3.4");
    }
    range.sets_ = std::move(*sets);
    range.setsIncludingPrerelease_ = std::move(*setsPre);
    return range;
}

}  // namespace vigil::engine::resolve
