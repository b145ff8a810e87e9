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

FieldSchema provisionalFactsSchema() {
    using T = FieldType;
    FieldSchema s;
    s.fields = {
        {"package.name", T::String},
        {"package.version", T::String},
        {"category", T::String},
        {"phase", T::String},
        {"events.network", T::StringList},
        {"events.network.hosts", T::StringList},
        {"events.dns.names", T::StringList},
        {"events.http.urls", T::StringList},
        {"events.files.read", T::StringList},
        {"events.files.written", T::StringList},
        {"events.files.deleted", T::StringList},
        {"events.env_read", T::StringList},
        {"events.process.commands", T::StringList},
        {"events.process.shell_commands", T::StringList},
        {"events.dynamic_code.count", T::Number},
        {"events.monkey_patch", T::StringList},
        {"diff.added.network.hosts", T::StringList},
        {"diff.added.files.written", T::StringList},
        {"diff.added.process.commands", T::StringList},
        {"norm.network.share", T::Number},
        {"exfil.proven", T::Bool},
        {"exfil.secrets", T::StringList},
        {"outcome.failed", T::Bool},
        {"outcome.timed_out", T::Bool},
    };
    return s;
}

}  // namespace vigil::engine::analysis
