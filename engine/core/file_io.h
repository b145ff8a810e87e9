// @brief Whole-file reads with errors that name the file, for every engine area.
#pragma once

#include <filesystem>
#include <string>

#include "engine/core/result.h"

namespace vigil::engine {

/// The whole file as bytes. A missing or unreadable file is an Io error naming the path.
Result<std::string> readWholeFile(const std::filesystem::path& path);

}  // namespace vigil::engine
