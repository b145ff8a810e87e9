// @brief What the run changed in the package, its home and /tmp: read from the scratch tmpfs after the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "app/sandbox/honeypot.h"

namespace vigil::sandbox {

struct FileChange {
    uint32_t flags = 0;  ///< VIGIL_CHANGE_* bits
    std::string path;    ///< absolute path inside the sandbox (/home/dev/project/...)
};

/// Walks the package overlay's upper against the package dir (`packageFd`, -1 = no package), the
/// home's upper against the planted bait home, and /tmp (all of it created by the run); sorted by
/// path, at most `limit` entries (`truncated` tells whether more existed). Regular files are
/// marked VIGIL_CHANGE_EXECUTABLE by mode or magic, and VIGIL_CHANGE_SERVED when their bytes are
/// one of the `served` bodies.
std::vector<FileChange> collectRunChanges(int scratchFd, int packageFd, size_t limit, bool& truncated,
                                          const std::vector<ServedBody>& served);

}  // namespace vigil::sandbox
