// @brief RegistryResolver: builds a PackageGraph from manifests and packuments when there is no lockfile.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/resolve/manifest.h"
#include "engine/resolve/package_graph.h"
#include "engine/resolve/package_spec.h"
#include "engine/resolve/registry_client.h"

namespace vigil::engine::resolve {

struct ResolveOptions {
    bool includeDev = true;        ///< the root's devDependencies (never a dependency's)
    bool includePeers = true;      ///< npm ≥ 7 installs non-optional peer dependencies
    std::size_t maxPackages = 50000;  ///< a runaway graph is an error, not an out-of-memory
};

/// Resolves dependency specs the way npm picks versions (npm-pick-manifest: the `latest` tag when
/// it satisfies, else the highest satisfying non-deprecated version), reusing an already chosen
/// version of a package whenever it satisfies another range — as npm's dedupe does.
/// Packuments of each breadth-first level are fetched in parallel.
class RegistryResolver {
public:
    RegistryResolver(RegistryClient& client, ResolveOptions options = {});

    /// The whole tree of a project without a lockfile; `projectDir` anchors file: specs.
    Result<PackageGraph> resolveManifest(const Manifest& root, const std::filesystem::path& projectDir);
    /// The tree of one package given as `name`, `name@version`, `name@range` or `name@tag`.
    Result<PackageGraph> resolvePackage(const PackageSpec& spec);

private:
    struct Request {
        std::size_t from;
        std::string alias;
        PackageSpec spec;
        DependencyType type;
        std::filesystem::path baseDir;  ///< where file: specs of `from` are relative to
    };

    Result<PackageGraph> run(PackageGraph graph, std::vector<Request> pending);
    Status prefetch(const std::vector<Request>& level);
    Status resolveRegistry(PackageGraph& graph, const Request& req, std::vector<Request>& next);
    Status resolveLocal(PackageGraph& graph, const Request& req, std::vector<Request>& next);
    void queueDependencies(std::size_t from, const std::vector<std::pair<std::string, std::string>>& deps,
                           DependencyType type, const std::filesystem::path& baseDir,
                           PackageGraph& graph, std::vector<Request>& next);

    RegistryClient& client_;
    ResolveOptions options_;
    std::map<std::string, Result<Packument>> packuments_;
    /// name → node indices of versions already chosen, for dedupe.
    std::map<std::string, std::vector<std::size_t>> chosen_;
    /// workspace member name → node: npm links members instead of fetching them.
    std::map<std::string, std::size_t> workspaces_;
};

}  // namespace vigil::engine::resolve
