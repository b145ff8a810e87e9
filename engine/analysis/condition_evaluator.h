// @brief Evaluates a compiled condition against a facts document and collects the values that matched.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/analysis/compiled_condition.h"
#include "engine/analysis/field_schema.h"

namespace vigil::engine::analysis {

/// Field path -> the values that made the condition true (env names, hosts, the count, …).
using Evidence = std::map<std::string, std::vector<std::string>>;

/// The facts value at a dotted path: nested objects ({"events":{"network":{…}}}), flat keys
/// ({"events.network.hosts": […]}) or a mix. Null counts as absent: returns nullptr.
const nlohmann::json* lookupFact(const nlohmann::json& facts, std::string_view path);

/// True when the condition holds. Absent fields: a string list is empty (so .count is 0), a
/// number, string or bool makes its comparison false — including '!=' (see rules/GRAMMAR.md).
/// A value of the wrong JSON type counts as absent. `evidence` (may be null) receives the
/// values from every satisfied comparison that the result depends on; nothing under NOT.
bool evaluateCondition(const CompiledNode& node, const nlohmann::json& facts, Evidence* evidence);

/// One line per schema field whose facts value has the wrong JSON type ("events.env_read: expected
/// a string list, found number"); empty when the document fits the schema.
std::vector<std::string> factsTypeProblems(const FieldSchema& schema, const nlohmann::json& facts);

}  // namespace vigil::engine::analysis
