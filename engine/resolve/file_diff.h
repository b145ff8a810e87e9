// @brief diffFileLists: which files a new package version added, removed or changed.
#pragma once

#include "engine/resolve/safe_extract.h"

#include <string>
#include <vector>

namespace vigil::engine::resolve {

/// Paths (as in ExtractedFile::path), each list sorted.
struct FileDiff {
    std::vector<std::string> added;
    std::vector<std::string> removed;
    std::vector<std::string> changed;  ///< content, mode or symlink target differs

    [[nodiscard]] bool empty() const noexcept { return added.empty() && removed.empty() && changed.empty(); }
};

/// Compares two extracted file lists by path. A file that turned executable counts as changed:
/// a new `bin` or a script gaining +x is exactly what a reviewer wants to see.
FileDiff diffFileLists(const std::vector<ExtractedFile>& older, const std::vector<ExtractedFile>& newer);

}  // namespace vigil::engine::resolve
