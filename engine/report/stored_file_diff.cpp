#include "engine/report/stored_file_diff.h"

#include "engine/resolve/tarball_cache.h"
#include "engine/store/store.h"

namespace vigil::engine::report {

namespace {

/// The extracted tree of name@version's tarball, found through the integrity the store recorded.
Result<std::filesystem::path> treeOf(store::Store& store, resolve::TarballCache& cache, const plan::PackageVersionRef& ref) {
    const std::string key = ref.name + "@" + ref.version;
    auto version = store.findVersion("npm", ref.name, ref.version);
    if (!version)
        return std::move(version).error();
    if (!*version)
        return makeError(ErrorCode::NotFound, key + " is not in the store",
                         "Analyse it first (vigil-cli analyze " + key + ") so its tarball is fetched and recorded.");
    if ((*version)->record.integrity.empty())
        return makeError(ErrorCode::NotFound, "the store holds no tarball integrity for " + key,
                         "It was recorded without one (a local tarball or folder); its files cannot be read back.");
    auto tree = cache.extracted((*version)->record.integrity, key);
    if (!tree && tree.error().code == ErrorCode::NotFound)
        return makeError(ErrorCode::NotFound, tree.error().primary,
                         tree.error().secondary + "; analyse " + key + " again (online) to fetch it.");
    return tree;
}

}  // namespace

Result<resolve::ContentDiff> diffStoredVersionFile(store::Store& store, resolve::TarballCache& cache,
                                                   const plan::PackageVersionRef& from,
                                                   const plan::PackageVersionRef& to, const std::string& path,
                                                   const resolve::ContentDiffOptions& options) {
    if (from.name != to.name)
        return makeError(ErrorCode::Usage, "cannot compare a file of " + from.name + " with one of " + to.name,
                         "A file diff compares two versions of the same package.");
    auto older = treeOf(store, cache, from);
    if (!older)
        return std::move(older).error();
    auto newer = treeOf(store, cache, to);
    if (!newer)
        return std::move(newer).error();
    return resolve::diffPackageFile(*older, *newer, path, options);
}

}  // namespace vigil::engine::report
