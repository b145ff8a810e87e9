#include "engine/analysis/condition_lexer.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <utility>

namespace vigil::engine::analysis {
namespace {

bool isNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

constexpr std::array<std::pair<std::string_view, TokenKind>, 13> kKeywords{{
    {"and", TokenKind::And},
    {"or", TokenKind::Or},
    {"not", TokenKind::Not},
    {"in", TokenKind::In},
    {"intersects", TokenKind::Intersects},
    {"outside", TokenKind::Outside},
    {"contains", TokenKind::Contains},
    {"startswith", TokenKind::StartsWith},
    {"endswith", TokenKind::EndsWith},
    {"glob", TokenKind::Glob},
    {"exists", TokenKind::Exists},
    {"true", TokenKind::True},
    {"false", TokenKind::False},
}};

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

const char* tokenKindName(TokenKind kind) noexcept {
    switch (kind) {
    case TokenKind::Name: return "a name";
    case TokenKind::String: return "a string";
    case TokenKind::Number: return "a number";
    case TokenKind::LParen: return "'('";
    case TokenKind::RParen: return "')'";
    case TokenKind::LBracket: return "'['";
    case TokenKind::RBracket: return "']'";
    case TokenKind::Comma: return "','";
    case TokenKind::Eq: return "'=='";
    case TokenKind::Ne: return "'!='";
    case TokenKind::Lt: return "'<'";
    case TokenKind::Le: return "'<='";
    case TokenKind::Gt: return "'>'";
    case TokenKind::Ge: return "'>='";
    case TokenKind::And: return "'and'";
    case TokenKind::Or: return "'or'";
    case TokenKind::Not: return "'not'";
    case TokenKind::In: return "'in'";
    case TokenKind::Intersects: return "'intersects'";
    case TokenKind::Outside: return "'outside'";
    case TokenKind::Contains: return "'contains'";
    case TokenKind::StartsWith: return "'startswith'";
    case TokenKind::EndsWith: return "'endswith'";
    case TokenKind::Glob: return "'glob'";
    case TokenKind::Exists: return "'exists'";
    case TokenKind::True: return "'true'";
    case TokenKind::False: return "'false'";
    case TokenKind::End: return "the end of the condition";
    }
    return "?";
}

Result<std::vector<Token>> lexCondition(const ConditionSource& source) {
    const std::string& s = source.text();
    std::vector<Token> out;
    std::size_t i = 0;
    while (true) {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
            ++i;
        Token t;
        t.offset = i;
        if (i >= s.size()) {
            out.push_back(t);
            return out;
        }
        const char c = s[i];
        auto single = [&](TokenKind k, std::size_t len) {
            t.kind = k;
            t.length = len;
            i += len;
        };
        const char next = i + 1 < s.size() ? s[i + 1] : '\0';
        if (isNameStart(c)) {
            // A dotted path is one token; a dot must be followed by another name segment.
            std::size_t j = i;
            while (true) {
                while (j < s.size() && isNameChar(s[j]))
                    ++j;
                if (j + 1 < s.size() && s[j] == '.' && isNameStart(s[j + 1]))
                    ++j;
                else
                    break;
            }
            t.kind = TokenKind::Name;
            t.text = s.substr(i, j - i);
            t.length = j - i;
            if (t.text.find('.') == std::string::npos) {
                const std::string key = lower(t.text);
                for (const auto& [word, kind] : kKeywords)
                    if (key == word)
                        t.kind = kind;
            }
            i = j;
        } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                   ((c == '-' || c == '.') && std::isdigit(static_cast<unsigned char>(next)))) {
            std::size_t j = i + 1;
            while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '_'))
                ++j;
            const std::string_view digits(s.data() + i, j - i);
            double value = 0;
            const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
            if (ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(value))
                return source.errorAt(i, j - i, "'" + std::string(digits) + "' is not a number",
                                      "numbers are written like 3, -1 or 0.05");
            t.kind = TokenKind::Number;
            t.number = value;
            t.length = j - i;
            i = j;
        } else if (c == '\'' || c == '"') {
            std::size_t j = i + 1;
            std::string value;
            bool closed = false;
            while (j < s.size()) {
                if (s[j] == c) {
                    closed = true;
                    ++j;
                    break;
                }
                // Only \\, \' and \" are escapes; any other backslash stays, so glob escapes like
                // '\*' reach the matcher unchanged.
                if (s[j] == '\\' && j + 1 < s.size() && (s[j + 1] == '\\' || s[j + 1] == '\'' || s[j + 1] == '"')) {
                    value += s[j + 1];
                    j += 2;
                    continue;
                }
                value += s[j++];
            }
            if (!closed)
                return source.errorAt(i, 1, "unterminated string", std::string("add the closing ") + c);
            t.kind = TokenKind::String;
            t.text = std::move(value);
            t.length = j - i;
            i = j;
        } else if (c == '(') {
            single(TokenKind::LParen, 1);
        } else if (c == ')') {
            single(TokenKind::RParen, 1);
        } else if (c == '[') {
            single(TokenKind::LBracket, 1);
        } else if (c == ']') {
            single(TokenKind::RBracket, 1);
        } else if (c == ',') {
            single(TokenKind::Comma, 1);
        } else if (c == '=' && next == '=') {
            single(TokenKind::Eq, 2);
        } else if (c == '!' && next == '=') {
            single(TokenKind::Ne, 2);
        } else if (c == '<') {
            next == '=' ? single(TokenKind::Le, 2) : single(TokenKind::Lt, 1);
        } else if (c == '>') {
            next == '=' ? single(TokenKind::Ge, 2) : single(TokenKind::Gt, 1);
        } else if (c == '=') {
            return source.errorAt(i, 1, "'=' is not an operator", "equality is written '=='");
        } else if (c == '&' || c == '|' || c == '!') {
            const bool doubled = next == c;
            const char* word = c == '&' ? "'and'" : c == '|' ? "'or'" : "'not'";
            return source.errorAt(i, doubled ? 2 : 1, "'" + std::string(doubled ? 2 : 1, c) + "' is not an operator",
                                  std::string("write ") + word);
        } else {
            const unsigned char u = static_cast<unsigned char>(c);
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", u);
            const std::string shown = std::isprint(u) ? std::string(1, c) : std::string(hex);
            return source.errorAt(i, 1, "unexpected character '" + shown + "'");
        }
        out.push_back(std::move(t));
    }
}

}  // namespace vigil::engine::analysis
