#include "engine/analysis/field_schema.h"

#include <nlohmann/json.hpp>

namespace vigil::engine::analysis {

const char* fieldTypeName(FieldType type) noexcept {
    switch (type) {
    case FieldType::Number: return "number";
    case FieldType::String: return "string";
    case FieldType::Bool: return "bool";
    case FieldType::StringList: return "string list";
    }
    return "?";
}

std::optional<FieldType> parseFieldType(std::string_view name) {
    for (FieldType t : {FieldType::Number, FieldType::String, FieldType::Bool, FieldType::StringList})
        if (name == fieldTypeName(t))
            return t;
    return std::nullopt;
}

Result<FieldSchema> FieldSchema::fromJson(const nlohmann::json& object, const std::string& origin) {
    if (!object.is_object())
        return makeError(ErrorCode::Input, origin + ": a field schema is a JSON object of field path -> type");
    FieldSchema schema;
    for (const auto& [path, type] : object.items()) {
        const auto parsed = type.is_string() ? parseFieldType(type.get<std::string>()) : std::nullopt;
        if (!parsed)
            return makeError(ErrorCode::Input, origin + ": field '" + path + "' has no valid type",
                             "types are: number, string, bool, string list");
        schema.fields.emplace(path, *parsed);
    }
    return schema;
}

}  // namespace vigil::engine::analysis
