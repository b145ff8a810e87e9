// @brief ProjectResolver: a folder, tarball or name@version → a resolved, fetched, verified tree in the store.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/core/config.h"
#include "engine/core/result.h"
#include "engine/resolve/fetcher.h"
#include "engine/resolve/package_graph.h"

namespace vigil::engine::store {
class Store;
}

namespace vigil::engine::plan {

/// What the user pointed us at.
struct ResolveTarget {
    enum class Kind { Project, Tarball, Package };
    Kind kind = Kind::Project;
    std::filesystem::path path;  ///< the project folder or the tarball
    std::string spec;            ///< for Package: "name@range"
    std::string display;         ///< as typed, for messages and the store
};

/// Classifies a command-line argument: a folder, a manifest or lockfile inside one, a .tgz,
/// or a package spec. Anything else is a Usage error that says which forms are accepted.
Result<ResolveTarget> classifyTarget(const std::string& argument);

struct ResolveRequest {
    ResolveTarget target;
    bool fetch = true;       ///< download, verify and extract every package
    bool metadata = true;    ///< collect maintainers, publish times, file lists and file diffs
    bool record = true;      ///< write the tree into the store
    bool includeDev = true;  ///< the root's devDependencies
    /// Leave the recorded scan Running: the scan orchestrator finishes it after the analysis,
    /// so a resolve-only record never passes for an analysed scan.
    bool leaveScanRunning = false;
    /// Stops every stage: registry requests and tarball downloads abort mid-transfer (libcurl's
    /// progress callback), queued jobs are skipped; run() then returns a Cancelled error.
    std::stop_token stop;
};

struct Resolution {
    resolve::PackageGraph graph;
    std::optional<resolve::FetchSummary> fetch;
    std::optional<std::int64_t> scanId;   ///< the store's record of this resolution
    std::vector<std::string> warnings;    ///< graph warnings plus metadata warnings
    /// The root's own tree: the project folder, or the extracted tarball (empty for name@version,
    /// whose package is an ordinary fetched node).
    std::filesystem::path rootTree;
};

/// Runs resolve → fetch → metadata → store with the engine's job pool. One instance per run.
class ProjectResolver {
public:
    /// Phase name ("resolve", "fetch", "metadata", "record"), done, total, current item.
    using Progress = std::function<void(const std::string& phase, std::size_t done, std::size_t total,
                                        const std::string& current)>;

    ProjectResolver(Config config, store::Store* store, std::map<std::string, std::string> environment);
    Result<Resolution> run(const ResolveRequest& request, const Progress& progress = {});

private:
    Config config_;
    store::Store* store_;
    std::map<std::string, std::string> env_;
};

}  // namespace vigil::engine::plan
