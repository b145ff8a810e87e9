// @brief diffStoredVersionFile: one file of a package compared between two stored versions, read from their tarballs in the cache.
#pragma once

#include <string>

#include "engine/core/result.h"
#include "engine/plan/behaviour_queries.h"
#include "engine/resolve/content_diff.h"

namespace vigil::engine::store {
class Store;
}
namespace vigil::engine::resolve {
class TarballCache;
}

namespace vigil::engine::report {

/// `path` of name@from against name@to: both versions' integrity from the store, their tarballs
/// from `cache` (extracted on first use, re-verified), then resolve::diffPackageFile. The version
/// diff's file list names the paths. Errors name the version: NotFound when the store does not
/// know it, holds no integrity for it, or its tarball has left the cache (with how to fetch it
/// again); Usage for a path outside the package or two different packages.
Result<resolve::ContentDiff> diffStoredVersionFile(store::Store& store, resolve::TarballCache& cache,
                                                   const plan::PackageVersionRef& from,
                                                   const plan::PackageVersionRef& to, const std::string& path,
                                                   const resolve::ContentDiffOptions& options = {});

}  // namespace vigil::engine::report
