// @brief yaml-cpp at the lockfile boundary: loading with FILE:LINE:COL errors, and node positions.
#pragma once

#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "engine/core/result.h"

namespace vigil::engine::resolve {

/// Loads one YAML document; a syntax error becomes an Input error "FILE:LINE:COL: message".
Result<YAML::Node> parseYamlDocument(std::string_view text, const std::string& fileName);

/// "FILE:LINE" for a node (lines count from 1); just "FILE" when the node has no position.
std::string yamlWhere(const std::string& fileName, const YAML::Node& node);

/// map[key] without yaml-cpp's throwing "invalid node" for absent keys: an Undefined node instead.
YAML::Node yamlChild(const YAML::Node& map, const std::string& key);

/// The scalar text of map[key], or `fallback` when absent or not a scalar.
std::string yamlScalar(const YAML::Node& map, const char* key, const std::string& fallback = {});

/// map[key] is the scalar "true".
bool yamlTrue(const YAML::Node& map, const char* key);

}  // namespace vigil::engine::resolve
