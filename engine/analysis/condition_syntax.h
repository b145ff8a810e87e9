// @brief The parsed (not yet checked) form of a rule condition: what the parser hands the compiler.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace vigil::engine::analysis {

/// The binary operators between a field and a value (see rules/GRAMMAR.md for their meaning).
enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge, In, Intersects, Outside, Contains, StartsWith, EndsWith, Glob };

/// The operator as written in conditions: "==", "intersects", …
const char* compareOpName(CompareOp op) noexcept;

/// The right-hand side of a comparison, or one item of a list literal.
struct SyntaxValue {
    enum class Kind { Name, String, Number, Bool, List };
    Kind kind = Kind::String;
    std::string text;  ///< Name: the list name; String: the value
    double number = 0;
    bool boolean = false;
    std::vector<SyntaxValue> items;  ///< List: its items (strings, numbers or list names)
    std::size_t offset = 0;
    std::size_t length = 0;
};

struct SyntaxNode {
    enum class Kind {
        And,      ///< all children (two or more)
        Or,       ///< any child (two or more)
        Not,      ///< NOT children[0]
        Compare,  ///< name op value
        Exists,   ///< name exists
        Name,     ///< a bare name: a macro, or a bool field
    };
    Kind kind = Kind::Name;
    std::vector<std::unique_ptr<SyntaxNode>> children;
    std::string name;  ///< Compare/Exists/Name: the field path or macro name as written
    std::size_t nameOffset = 0;
    std::size_t nameLength = 0;
    CompareOp op = CompareOp::Eq;
    std::size_t opOffset = 0;
    std::size_t opLength = 0;
    SyntaxValue value;
};

using SyntaxPtr = std::unique_ptr<SyntaxNode>;

}  // namespace vigil::engine::analysis
