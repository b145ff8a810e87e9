// @brief FieldSchema: the fields a rule condition may name, with their types, supplied by the analysis.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "engine/core/result.h"

namespace vigil::engine::analysis {

/// The type of a facts field. A StringList also answers `.count` (its length, a Number).
enum class FieldType { Number, String, Bool, StringList };

/// "number", "string", "bool", "string list" — as error messages and the grammar document name them.
const char* fieldTypeName(FieldType type) noexcept;
std::optional<FieldType> parseFieldType(std::string_view name);

/// Field path ("events.network.hosts") -> type. Conditions naming a path not in here do not compile.
struct FieldSchema {
    std::map<std::string, FieldType> fields;

    /// {"events.env_read": "string list", "norm.network.share": "number", ...}; `origin` names the file.
    static Result<FieldSchema> fromJson(const nlohmann::json& object, const std::string& origin);
};

}  // namespace vigil::engine::analysis
