// @brief What the run changed in the package: read from the overlay's upper dir after the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vigil::sandbox {

struct FileChange {
    uint32_t flags = 0;  ///< VIGIL_CHANGE_* bits
    std::string path;    ///< absolute path inside the sandbox (/home/dev/project/...)
};

/// Walks <scratch>/upper against the lower package dir; sorted by path, at most `limit` entries
/// (`truncated` tells whether more existed).
std::vector<FileChange> collectUpperChanges(int scratchFd, int lowerFd, size_t limit, bool& truncated);

}  // namespace vigil::sandbox
