#include "engine/resolve/package_graph.h"

#include <deque>

namespace vigil::engine::resolve {

const char* sourceKindName(SourceKind kind) noexcept {
    switch (kind) {
    case SourceKind::Registry: return "registry";
    case SourceKind::RemoteTarball: return "remote-tarball";
    case SourceKind::Git: return "git";
    case SourceKind::Directory: return "directory";
    case SourceKind::LocalTarball: return "local-tarball";
    case SourceKind::Link: return "link";
    case SourceKind::Workspace: return "workspace";
    case SourceKind::Root: return "root";
    }
    return "registry";
}

const char* dependencyTypeName(DependencyType type) noexcept {
    switch (type) {
    case DependencyType::Prod: return "prod";
    case DependencyType::Dev: return "dev";
    case DependencyType::Optional: return "optional";
    case DependencyType::Peer: return "peer";
    }
    return "prod";
}

PackageGraph::PackageGraph() {
    PackageNode root;
    root.source = SourceKind::Root;
    nodes.push_back(std::move(root));
}

std::string PackageGraph::identityKey(const PackageNode& node) {
    std::string key = node.name + "@" + node.version;
    if (node.source != SourceKind::Registry) {
        key += '#';
        key += sourceKindName(node.source);
        key += ':';
        key += node.resolved;
    }
    return key;
}

std::size_t PackageGraph::addNode(PackageNode node) {
    const std::string key = identityKey(node);
    if (auto it = index_.find(key); it != index_.end()) {
        PackageNode& existing = nodes[it->second];
        existing.dev = existing.dev && node.dev;
        existing.optional = existing.optional && node.optional;
        existing.hasInstallScript = existing.hasInstallScript || node.hasInstallScript;
        if (existing.integrity.empty())
            existing.integrity = node.integrity;
        if (existing.resolved.empty())
            existing.resolved = node.resolved;
        for (auto& path : node.installPaths)
            existing.installPaths.push_back(std::move(path));
        return it->second;
    }
    nodes.push_back(std::move(node));
    index_.emplace(key, nodes.size() - 1);
    return nodes.size() - 1;
}

std::optional<std::size_t> PackageGraph::find(std::string_view name, std::string_view version) const {
    std::string key(name);
    key += '@';
    key += version;
    if (auto it = index_.find(key); it != index_.end())
        return it->second;
    return std::nullopt;
}

void PackageGraph::addEdge(DependencyEdge edge) {
    std::string key = std::to_string(edge.from) + '>' + std::to_string(edge.to) + '>' + edge.alias;
    if (!edgeKeys_.insert(std::move(key)).second)
        return;
    edges.push_back(std::move(edge));
}

std::vector<const DependencyEdge*> PackageGraph::edgesFrom(std::size_t node) const {
    std::vector<const DependencyEdge*> out;
    for (const auto& e : edges)
        if (e.from == node)
            out.push_back(&e);
    return out;
}

void PackageGraph::recomputeFlags() {
    // Two reachability passes from the root: one over non-dev edges, one over non-optional edges.
    auto reachable = [this](auto skipEdge) {
        std::vector<bool> seen(nodes.size(), false);
        std::vector<std::vector<const DependencyEdge*>> out(nodes.size());
        for (const auto& e : edges)
            out[e.from].push_back(&e);
        std::deque<std::size_t> queue{0};
        seen[0] = true;
        while (!queue.empty()) {
            std::size_t n = queue.front();
            queue.pop_front();
            for (const DependencyEdge* e : out[n]) {
                if (skipEdge(*e) || seen[e->to])
                    continue;
                seen[e->to] = true;
                queue.push_back(e->to);
            }
        }
        return seen;
    };
    auto prod = reachable([](const DependencyEdge& e) { return e.from == 0 && e.type == DependencyType::Dev; });
    auto required = reachable([](const DependencyEdge& e) { return e.type == DependencyType::Optional; });
    for (std::size_t i = 1; i < nodes.size(); ++i) {
        nodes[i].dev = !prod[i];
        nodes[i].optional = !required[i];
    }
}

}  // namespace vigil::engine::resolve
