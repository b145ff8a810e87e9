// @brief Checks a parsed condition against the field schema, lists and macros, and compiles it.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/analysis/compiled_condition.h"
#include "engine/analysis/condition_source.h"
#include "engine/analysis/condition_syntax.h"
#include "engine/analysis/field_schema.h"
#include "engine/core/result.h"

namespace vigil::engine::analysis {

/// What names resolve to while compiling. `macro` returns the macro's compiled tree, nullptr when
/// `name` is no macro, or an error (e.g. a cycle) that it positions at the reference.
struct CompileContext {
    const FieldSchema* schema = nullptr;
    const std::map<std::string, std::vector<Pattern>>* lists = nullptr;
    std::function<Result<CompiledPtr>(const std::string& name, const ConditionSource& usedIn, std::size_t offset,
                                      std::size_t length)>
        macro;
};

Result<CompiledPtr> compileCondition(const SyntaxNode& node, const ConditionSource& source,
                                     const CompileContext& context);

/// The schema field a condition means by `name` (including `list.count`), if any.
std::optional<FieldRef> resolveField(const FieldSchema& schema, const std::string& name);

/// The known name closest to `name` by edit distance, for "did you mean" hints; empty if none is close.
std::string closestName(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace vigil::engine::analysis
