#include "engine/resolve/yaml_document.h"

namespace vigil::engine::resolve {

Result<YAML::Node> parseYamlDocument(std::string_view text, const std::string& fileName) {
    try {
        return YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        std::string where = fileName;
        if (!e.mark.is_null())
            where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
        return makeError(ErrorCode::Input, where + ": " + e.msg, "the file is not valid YAML");
    }
}

YAML::Node yamlChild(const YAML::Node& map, const std::string& key) {
    if (!map.IsDefined() || !map.IsMap())
        return YAML::Node(YAML::NodeType::Undefined);
    const YAML::Node value = map[key];
    if (!value.IsDefined())
        return YAML::Node(YAML::NodeType::Undefined);
    return value;
}

std::string yamlWhere(const std::string& fileName, const YAML::Node& node) {
    if (!node.IsDefined())
        return fileName;
    const YAML::Mark mark = node.Mark();
    if (mark.is_null() || mark.line < 0)
        return fileName;
    return fileName + ":" + std::to_string(mark.line + 1);
}

std::string yamlScalar(const YAML::Node& map, const char* key, const std::string& fallback) {
    const YAML::Node value = yamlChild(map, key);
    if (!value.IsDefined() || !value.IsScalar())
        return fallback;
    return value.Scalar();
}

bool yamlTrue(const YAML::Node& map, const char* key) {
    return yamlScalar(map, key) == "true";
}

}  // namespace vigil::engine::resolve
