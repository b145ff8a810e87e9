// @brief Splits a rule condition into tokens (names, literals, operators, keywords) with their offsets.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/analysis/condition_source.h"
#include "engine/core/result.h"

namespace vigil::engine::analysis {

enum class TokenKind {
    Name,      ///< a field path, macro or list name: letters, digits, '_' and inner '.'
    String,    ///< '…' or "…" (text holds the unescaped value)
    Number,    ///< 12, -3, 0.05
    LParen, RParen, LBracket, RBracket, Comma,
    Eq, Ne, Lt, Le, Gt, Ge,
    // Keywords, matched case-insensitively (AND, and, And).
    And, Or, Not, In, Intersects, Outside, Contains, StartsWith, EndsWith, Glob, Exists, True, False,
    End,
};

/// How a token kind is shown in "expected …" messages: "'=='", "'and'", "a name", "the end".
const char* tokenKindName(TokenKind kind) noexcept;

struct Token {
    TokenKind kind = TokenKind::End;
    std::size_t offset = 0;  ///< byte offset into the condition text
    std::size_t length = 0;  ///< bytes of source the token spans (quotes included)
    std::string text;        ///< Name: the name; String: the value
    double number = 0;
};

/// Tokenises the whole condition; the last token is End. Errors name the offending character.
Result<std::vector<Token>> lexCondition(const ConditionSource& source);

}  // namespace vigil::engine::analysis
