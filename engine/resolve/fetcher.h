// @brief Fetcher: downloads, verifies and extracts every fetchable package of a graph, in parallel.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/core/job_pool.h"
#include "engine/core/result.h"
#include "engine/resolve/package_graph.h"
#include "engine/resolve/registry_client.h"
#include "engine/resolve/safe_extract.h"
#include "engine/resolve/tarball_cache.h"

namespace vigil::engine::resolve {

/// Copies a user's tarball to `to` (inside the cache) so that TarballCache::store, which moves
/// its input, never takes the user's own file.
Status copyIntoStaging(const std::filesystem::path& from, const std::filesystem::path& to, const std::string& what);

/// One package that is now in the cache, verified and extracted.
struct FetchedPackage {
    std::size_t node = 0;             ///< index into the graph
    std::filesystem::path tarball;    ///< the content-addressed tarball
    std::filesystem::path directory;  ///< its safely extracted tree
    bool fromCache = false;           ///< no download was needed
    bool fromProject = false;         ///< a file: tarball of the project, copied into the cache
    bool integrityTrustedOnFirstUse = false;  ///< nothing recorded an integrity: we computed it
};

struct FetchSummary {
    std::vector<FetchedPackage> packages;  ///< in graph order
    std::size_t downloaded = 0;  ///< fetched from a registry or URL
    std::size_t local = 0;       ///< taken from a file: tarball of the project
    std::size_t cached = 0;      ///< already in the cache
    std::vector<std::string> notFetched;   ///< "name@version (git)": sources we record but do not fetch
};

struct FetchOptions {
    bool offline = false;   ///< never download: what the cache lacks is an error
    bool extract = true;    ///< also extract (the sandbox needs trees, `vigil-cli fetch` may not)
    ExtractLimits limits;
};

/// Fills the tarball cache for a graph. Integrity is checked before anything is extracted;
/// a mismatch fails the whole fetch with an error naming the package.
class Fetcher {
public:
    using ProgressCallback = std::function<void(std::size_t done, std::size_t total, const std::string& current)>;

    Fetcher(RegistryClient& client, TarballCache& cache, JobPool& pool, FetchOptions options = {});

    /// `projectDir` anchors file: tarballs. Fills in `integrity` (and `resolved` for lockfiles that
    /// omit tarball URLs, as pnpm and Yarn berry do) on the graph's nodes.
    Result<FetchSummary> fetch(PackageGraph& graph, const std::filesystem::path& projectDir,
                               const ProgressCallback& progress = {});

    /// The registry tarball URL of name@version, for lockfiles that record only the version.
    [[nodiscard]] std::string tarballUrl(const std::string& name, const std::string& version) const;

private:
    Result<FetchedPackage> fetchOne(PackageNode& node, std::size_t index, const std::filesystem::path& projectDir);

    RegistryClient& client_;
    TarballCache& cache_;
    JobPool& pool_;
    FetchOptions options_;
};

}  // namespace vigil::engine::resolve
