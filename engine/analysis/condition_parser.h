// @brief Recursive-descent parser for rule conditions (grammar: rules/GRAMMAR.md).
#pragma once

#include "engine/analysis/condition_source.h"
#include "engine/analysis/condition_syntax.h"
#include "engine/core/result.h"

namespace vigil::engine::analysis {

/// Conditions nest at most this deep (parentheses, NOT): deeper is an error, never a stack overflow.
inline constexpr int kMaxConditionDepth = 100;

/// Parses a whole condition.
Result<SyntaxPtr> parseCondition(const ConditionSource& source);

/// An appended condition (`append: true` / `override: {condition: append}`) starts with AND or
/// OR; `joinAnd` says which. The rest is parsed as one condition.
struct ConditionFragment {
    bool joinAnd = true;
    SyntaxPtr expr;
};
Result<ConditionFragment> parseAppendedCondition(const ConditionSource& source);

}  // namespace vigil::engine::analysis
