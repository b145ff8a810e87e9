// @brief The checked, immutable form of a condition that the evaluator walks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/analysis/condition_syntax.h"
#include "engine/analysis/field_schema.h"

namespace vigil::engine::analysis {

/// One list item: matched exactly, or as a glob (fnmatch(3), '*' also crosses '/') when it
/// holds '*', '?' or '['.
struct Pattern {
    std::string text;
    bool glob = false;

    static Pattern of(std::string text);
    bool matches(const std::string& value) const;
};

/// A schema field as a condition uses it. `countOf` means "the length of the string list at
/// `path`", a Number, written `path.count` (unless the schema declares `path.count` itself).
struct FieldRef {
    std::string path;
    FieldType type = FieldType::String;
    bool countOf = false;
};

struct CompiledNode {
    enum class Kind {
        And, Or, Not,
        Compare,  ///< field op operand
        Exists,   ///< field is present in the facts
        IsTrue,   ///< a bare bool field
    };
    Kind kind = Kind::Compare;
    std::vector<std::shared_ptr<const CompiledNode>> children;
    FieldRef field;
    CompareOp op = CompareOp::Eq;
    double number = 0;
    std::string text;
    bool boolean = false;
    std::vector<Pattern> patterns;  ///< In / Intersects
};

/// Shared because a macro's compiled tree is used by every rule that names it.
using CompiledPtr = std::shared_ptr<const CompiledNode>;

}  // namespace vigil::engine::analysis
