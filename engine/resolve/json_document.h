// @brief Parses JSON text into an order-preserving document, turning syntax errors into FILE:LINE:COL.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"

namespace vigil::engine::resolve {

/// Parses `text`; on a syntax error returns an Input error "FILE:LINE:COL: message".
/// Keys keep their file order, which matters for dependency lists.
Result<nlohmann::ordered_json> parseJsonDocument(std::string_view text, const std::string& fileName);

/// "FILE:LINE:COL" for a byte offset into `text` (lines and columns count from 1).
std::string positionOf(std::string_view text, std::size_t byteOffset, const std::string& fileName);

}  // namespace vigil::engine::resolve
