#include "engine/analysis/condition_parser.h"

#include <optional>

#include "engine/analysis/condition_lexer.h"

namespace vigil::engine::analysis {

const char* compareOpName(CompareOp op) noexcept {
    switch (op) {
    case CompareOp::Eq: return "==";
    case CompareOp::Ne: return "!=";
    case CompareOp::Lt: return "<";
    case CompareOp::Le: return "<=";
    case CompareOp::Gt: return ">";
    case CompareOp::Ge: return ">=";
    case CompareOp::In: return "in";
    case CompareOp::Intersects: return "intersects";
    case CompareOp::Outside: return "outside";
    case CompareOp::Contains: return "contains";
    case CompareOp::StartsWith: return "startswith";
    case CompareOp::EndsWith: return "endswith";
    case CompareOp::Glob: return "glob";
    }
    return "?";
}

namespace {

std::optional<CompareOp> compareOpOf(TokenKind kind) {
    switch (kind) {
    case TokenKind::Eq: return CompareOp::Eq;
    case TokenKind::Ne: return CompareOp::Ne;
    case TokenKind::Lt: return CompareOp::Lt;
    case TokenKind::Le: return CompareOp::Le;
    case TokenKind::Gt: return CompareOp::Gt;
    case TokenKind::Ge: return CompareOp::Ge;
    case TokenKind::In: return CompareOp::In;
    case TokenKind::Intersects: return CompareOp::Intersects;
    case TokenKind::Outside: return CompareOp::Outside;
    case TokenKind::Contains: return CompareOp::Contains;
    case TokenKind::StartsWith: return CompareOp::StartsWith;
    case TokenKind::EndsWith: return CompareOp::EndsWith;
    case TokenKind::Glob: return CompareOp::Glob;
    default: return std::nullopt;
    }
}

class Parser {
public:
    Parser(const ConditionSource& source, std::vector<Token> tokens) : source_(source), tokens_(std::move(tokens)) {}

    const Token& peek() const { return tokens_[pos_]; }
    Token take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

    Error errorHere(const std::string& message, const std::string& hint = {}) const {
        const Token& t = peek();
        return source_.errorAt(t.offset, t.length, message, hint);
    }

    Error expected(const std::string& what) const {
        const Token& t = peek();
        std::string found = tokenKindName(t.kind);
        if (t.kind == TokenKind::Name || t.kind == TokenKind::Number || t.kind == TokenKind::String)
            found = "'" + source_.text().substr(t.offset, t.length) + "'";
        return errorHere("expected " + what + ", found " + found);
    }

    Result<SyntaxPtr> parseAll() {
        auto expr = parseOr(0);
        if (!expr)
            return expr;
        if (peek().kind != TokenKind::End) {
            if (compareOpOf(peek().kind))
                return errorHere("an operator needs a field name on its left",
                                 "compare one field at a time: 'a > 1 and a < 5'");
            return expected("'and', 'or' or the end of the condition");
        }
        return expr;
    }

    // AND and OR chains become one node with many children, so a long chain stays shallow for
    // the recursive compiler and evaluator.
    Result<SyntaxPtr> parseOr(int depth) { return parseChain(depth, TokenKind::Or); }
    Result<SyntaxPtr> parseAnd(int depth) { return parseChain(depth, TokenKind::And); }

    Result<SyntaxPtr> parseChain(int depth, TokenKind joiner) {
        const bool isOr = joiner == TokenKind::Or;
        auto first = isOr ? parseAnd(depth) : parseUnary(depth);
        if (!first || peek().kind != joiner)
            return first;
        auto node = std::make_unique<SyntaxNode>();
        node->kind = isOr ? SyntaxNode::Kind::Or : SyntaxNode::Kind::And;
        node->children.push_back(std::move(first.value()));
        while (peek().kind == joiner) {
            take();
            auto next = isOr ? parseAnd(depth) : parseUnary(depth);
            if (!next)
                return next;
            node->children.push_back(std::move(next.value()));
        }
        return SyntaxPtr(std::move(node));
    }

    Result<SyntaxPtr> parseUnary(int depth) {
        if (depth >= kMaxConditionDepth)
            return errorHere("the condition nests more than " + std::to_string(kMaxConditionDepth) + " levels deep",
                             "split it into macros");
        if (peek().kind == TokenKind::Not) {
            take();
            auto inner = parseUnary(depth + 1);
            if (!inner)
                return inner;
            auto node = std::make_unique<SyntaxNode>();
            node->kind = SyntaxNode::Kind::Not;
            node->children.push_back(std::move(inner.value()));
            return SyntaxPtr(std::move(node));
        }
        return parsePrimary(depth);
    }

    Result<SyntaxPtr> parsePrimary(int depth) {
        if (peek().kind == TokenKind::LParen) {
            take();
            auto inner = parseOr(depth + 1);
            if (!inner)
                return inner;
            if (peek().kind != TokenKind::RParen)
                return expected("')'");
            take();
            return inner;
        }
        if (peek().kind != TokenKind::Name) {
            const TokenKind k = peek().kind;
            if (k == TokenKind::String || k == TokenKind::Number || k == TokenKind::True || k == TokenKind::False)
                return errorHere("a comparison starts with a field name, not a value",
                                 "write the field on the left: phase == 'install'");
            return expected("a field, macro, 'not' or '('");
        }
        const Token name = take();
        auto node = std::make_unique<SyntaxNode>();
        node->name = name.text;
        node->nameOffset = name.offset;
        node->nameLength = name.length;
        if (peek().kind == TokenKind::Exists) {
            take();
            node->kind = SyntaxNode::Kind::Exists;
            return SyntaxPtr(std::move(node));
        }
        const auto op = compareOpOf(peek().kind);
        if (!op) {
            const TokenKind k = peek().kind;
            if (k == TokenKind::String || k == TokenKind::Number || k == TokenKind::Name || k == TokenKind::LBracket)
                return expected("an operator after '" + name.text + "'");
            node->kind = SyntaxNode::Kind::Name;  // a macro or a bool field; the compiler decides
            return SyntaxPtr(std::move(node));
        }
        const Token opToken = take();
        node->kind = SyntaxNode::Kind::Compare;
        node->op = *op;
        node->opOffset = opToken.offset;
        node->opLength = opToken.length;
        auto value = parseValue(true);
        if (!value)
            return std::move(value).error();
        node->value = std::move(value.value());
        return SyntaxPtr(std::move(node));
    }

    Result<SyntaxValue> parseValue(bool allowList) {
        const Token& t = peek();
        SyntaxValue v;
        v.offset = t.offset;
        v.length = t.length;
        switch (t.kind) {
        case TokenKind::String: v.kind = SyntaxValue::Kind::String; v.text = t.text; break;
        case TokenKind::Number: v.kind = SyntaxValue::Kind::Number; v.number = t.number; break;
        case TokenKind::True: v.kind = SyntaxValue::Kind::Bool; v.boolean = true; break;
        case TokenKind::False: v.kind = SyntaxValue::Kind::Bool; v.boolean = false; break;
        case TokenKind::Name: v.kind = SyntaxValue::Kind::Name; v.text = t.text; break;
        case TokenKind::LBracket:
            if (!allowList)
                return errorHere("lists do not nest", "a list name inside [...] is expanded in place");
            return parseList();
        default:
            return expected(allowList ? "a value: a string, number, true, false, [list] or list name"
                                      : "a list item: a string, number or list name");
        }
        take();
        return v;
    }

    Result<SyntaxValue> parseList() {
        const Token open = take();
        SyntaxValue list;
        list.kind = SyntaxValue::Kind::List;
        list.offset = open.offset;
        if (peek().kind != TokenKind::RBracket) {
            while (true) {
                auto item = parseValue(false);
                if (!item)
                    return item;
                if (item->kind == SyntaxValue::Kind::Bool)
                    return source_.errorAt(item->offset, item->length, "a list holds strings, numbers or list names");
                list.items.push_back(std::move(item.value()));
                if (peek().kind == TokenKind::Comma) {
                    take();
                    continue;
                }
                if (peek().kind != TokenKind::RBracket)
                    return expected("',' or ']'");
                break;
            }
        }
        const Token close = take();
        list.length = close.offset + close.length - open.offset;
        return list;
    }

private:
    const ConditionSource& source_;
    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
};

}  // namespace

Result<SyntaxPtr> parseCondition(const ConditionSource& source) {
    auto tokens = lexCondition(source);
    if (!tokens)
        return std::move(tokens).error();
    Parser parser(source, std::move(tokens.value()));
    if (parser.peek().kind == TokenKind::End)
        return parser.errorHere("the condition is empty");
    return parser.parseAll();
}

Result<ConditionFragment> parseAppendedCondition(const ConditionSource& source) {
    auto tokens = lexCondition(source);
    if (!tokens)
        return std::move(tokens).error();
    Parser parser(source, std::move(tokens.value()));
    const TokenKind first = parser.peek().kind;
    if (first != TokenKind::And && first != TokenKind::Or)
        return parser.errorHere("an appended condition starts with 'and' or 'or'",
                                "it is joined to the condition it extends: and not package.name == 'x'");
    parser.take();
    auto expr = parser.parseAll();
    if (!expr)
        return std::move(expr).error();
    return ConditionFragment{first == TokenKind::And, std::move(expr.value())};
}

}  // namespace vigil::engine::analysis
