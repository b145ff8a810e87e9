// @brief Lexical pieces of npm's loose semver grammar, shared by the Version and Range parsers (internal).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/resolve/semver.h"

namespace vigil::engine::resolve::semver_syntax {

/// npm refuses version numbers JavaScript cannot hold exactly (Number.MAX_SAFE_INTEGER).
inline constexpr std::uint64_t kMaxSafeInteger = 9007199254740991ULL;
/// node-semver refuses longer version strings outright.
inline constexpr std::size_t kMaxVersionLength = 256;

bool isSpace(char c);
bool isDigit(char c);
/// [A-Za-z0-9-]: what prerelease and build identifiers are made of.
bool isIdentifierChar(char c);
std::string_view trim(std::string_view text);
bool allDigits(std::string_view text);

/// The number `digits` spell, or nullopt past 2^53-1.
std::optional<std::uint64_t> toSafeInteger(std::string_view digits);
/// The decimal text of digits + 1; a number past 2^53-1 when `digits` already is one.
std::string incrementDigits(std::string_view digits);

/// The prerelease/build part after a version's patch number.
struct VersionTail {
    std::string prerelease;  ///< identifiers joined by "." without the leading "-", or ""
    std::string build;       ///< without the leading "+", or ""
};

/// Matches what follows a numeric patch the way node-semver's loose regex does, including its
/// backtracking into the patch digits ("1.2.34.5" reads as 1.2.3-4.5). On success `patchLength`
/// says how many of `patchDigits` form the patch.
bool matchPatchAndTail(std::string_view patchDigits, std::string_view rest, std::size_t& patchLength,
                       VersionTail& tail);
/// Matches an optional prerelease then optional build that must cover all of `rest`.
bool matchTail(std::string_view rest, VersionTail& tail);

enum class ParseStatus { Ok, NoMatch, TooLarge };
/// A loose full version ("[v= ]*M.m.p[-pre][+build]") covering all of `text`.
/// TooLarge means the syntax matched but a number exceeds 2^53-1 (npm then throws).
ParseStatus parseLooseVersion(std::string_view text, Version& out);

}  // namespace vigil::engine::resolve::semver_syntax
