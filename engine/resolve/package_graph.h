// @brief PackageGraph: the resolved dependency graph every input format is turned into.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace vigil::engine::resolve {

/// Where a package's code comes from. Anything but Registry is itself worth a look.
enum class SourceKind {
    Registry,       ///< a registry tarball (resolved URL under a registry)
    RemoteTarball,  ///< an arbitrary http(s) tarball URL
    Git,            ///< git+ssh, git+https, github:, user/repo …
    Directory,      ///< file:some/dir
    LocalTarball,   ///< file:some.tgz
    Link,           ///< a symlinked folder (npm "link": true, pnpm link:)
    Workspace,      ///< a workspace member of the root project
    Root,           ///< the project itself (node 0)
};
const char* sourceKindName(SourceKind kind) noexcept;

enum class DependencyType { Prod, Dev, Optional, Peer };
const char* dependencyTypeName(DependencyType type) noexcept;

/// One package version in the graph. Identity is name@version plus source for non-registry ones.
struct PackageNode {
    std::string name;       ///< the real package name (an alias's target, not the alias)
    std::string version;    ///< exact version; for git/file sources whatever the lockfile records
    SourceKind source = SourceKind::Registry;
    std::string resolved;   ///< tarball URL, git URL with commit, or path relative to the project
    std::string integrity;  ///< SRI string as recorded ("sha512-…"), may be empty
    bool dev = false;       ///< only reachable through devDependencies
    bool optional = false;  ///< only reachable through optionalDependencies
    bool hasInstallScript = false;  ///< preinstall/install/postinstall or binding.gyp
    std::vector<std::string> installPaths;  ///< e.g. "node_modules/a/node_modules/b", when known

    [[nodiscard]] std::string id() const { return name + "@" + version; }
};

/// "from depends on to", as declared by `from`.
struct DependencyEdge {
    std::size_t from = 0;  ///< index into PackageGraph::nodes; 0 is the root project
    std::size_t to = 0;
    std::string alias;     ///< the name `from` requires it by (≠ target name for npm: aliases)
    std::string spec;      ///< the range or spec as declared ("^1.2.0", "npm:foo@^2", "github:u/r")
    DependencyType type = DependencyType::Prod;
};

/// The full transitive graph. nodes[0] is always the root project (source Root).
class PackageGraph {
public:
    PackageGraph();

    std::vector<PackageNode> nodes;
    std::vector<DependencyEdge> edges;
    std::string format;       ///< "package-lock v3", "yarn.lock v1", "yarn berry", "pnpm-lock 9.0", "registry"
    std::string sourceFile;   ///< the lockfile or manifest the graph came from
    std::vector<std::string> warnings;  ///< non-fatal oddities, each naming its file/package

    PackageNode& root() { return nodes.front(); }
    [[nodiscard]] const PackageNode& root() const { return nodes.front(); }

    /// Adds a node, or returns the index of the existing node with the same identity
    /// (name, version, and — for non-registry sources — resolved). Flags are merged:
    /// a package reachable both as prod and dev is prod.
    std::size_t addNode(PackageNode node);
    /// Index of the node with that name@version (registry identity), if any.
    [[nodiscard]] std::optional<std::size_t> find(std::string_view name, std::string_view version) const;
    /// Adds an edge unless the same from/to/alias edge exists.
    void addEdge(DependencyEdge edge);

    /// Edges leaving `node`, in insertion order.
    [[nodiscard]] std::vector<const DependencyEdge*> edgesFrom(std::size_t node) const;
    /// Number of distinct packages, root excluded.
    [[nodiscard]] std::size_t packageCount() const { return nodes.size() - 1; }
    /// Recomputes dev/optional flags from reachability: a node is dev only when every path from
    /// the root starts with a dev edge, optional only when every path has an optional edge.
    void recomputeFlags();

private:
    std::unordered_map<std::string, std::size_t> index_;
    std::unordered_set<std::string> edgeKeys_;
    static std::string identityKey(const PackageNode& node);
};

}  // namespace vigil::engine::resolve
