// @brief vigil-cli's exit codes, one place, so scripts and docs agree.
#pragma once

#include "engine/core/result.h"

namespace vigil::cli {

enum ExitCode : int {
    kOk = 0,
    kFailure = 1,   ///< local failure: I/O, store, internal
    kUsage = 2,     ///< bad command line
    kInput = 3,     ///< bad input file: lockfile, manifest, config, unsafe tarball
    kNetwork = 4,   ///< network or registry: unreachable, 404, auth, integrity mismatch
    kCancelled = 130,
};

inline int exitCodeFor(const engine::Error& e) {
    using engine::ErrorCode;
    switch (e.code) {
    case ErrorCode::Usage: return kUsage;
    case ErrorCode::Input:
    case ErrorCode::Unsafe: return kInput;
    case ErrorCode::Network:
    case ErrorCode::NotFound:
    case ErrorCode::Integrity: return kNetwork;
    case ErrorCode::Cancelled: return kCancelled;
    case ErrorCode::Io:
    case ErrorCode::Store:
    case ErrorCode::Internal: return kFailure;
    }
    return kFailure;
}

}  // namespace vigil::cli
