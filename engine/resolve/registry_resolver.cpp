#include "engine/resolve/registry_resolver.h"

#include <glob.h>

#include <algorithm>
#include <set>

#include "engine/resolve/integrity.h"
#include "engine/resolve/semver.h"

namespace vigil::engine::resolve {
namespace {

SourceKind sourceOf(SpecKind kind, const std::string& path) {
    switch (kind) {
    case SpecKind::Git: return SourceKind::Git;
    case SpecKind::Remote: return SourceKind::RemoteTarball;
    case SpecKind::Link: return SourceKind::Link;
    case SpecKind::Workspace: return SourceKind::Workspace;
    case SpecKind::File: {
        const bool tarball = path.ends_with(".tgz") || path.ends_with(".tar.gz") || path.ends_with(".tar");
        return tarball ? SourceKind::LocalTarball : SourceKind::Directory;
    }
    default: return SourceKind::Registry;
    }
}

/// Workspace folders of a project: each pattern is expanded with glob(3) relative to the root,
/// and only folders holding a package.json count, as npm's map-workspaces does.
std::vector<std::filesystem::path> workspaceDirs(const std::filesystem::path& root, const std::vector<std::string>& patterns) {
    std::vector<std::filesystem::path> dirs;
    std::set<std::string> seen;
    for (const auto& pattern : patterns) {
        const std::string full = (root / pattern).string();
        glob_t g{};
        if (::glob(full.c_str(), GLOB_ONLYDIR | GLOB_NOSORT, nullptr, &g) == 0) {
            for (std::size_t i = 0; i < g.gl_pathc; ++i) {
                std::filesystem::path dir = std::filesystem::path(g.gl_pathv[i]).lexically_normal();
                std::error_code ec;
                if (std::filesystem::is_regular_file(dir / "package.json", ec) && seen.insert(dir.string()).second)
                    dirs.push_back(dir);
            }
        }
        ::globfree(&g);
    }
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

std::string describeParent(const PackageGraph& graph, std::size_t from) {
    return from == 0 ? std::string("the project") : graph.nodes[from].id();
}

}  // namespace

RegistryResolver::RegistryResolver(RegistryClient& client, ResolveOptions options)
    : client_(client), options_(options) {}

void RegistryResolver::queueDependencies(std::size_t from, const std::vector<std::pair<std::string, std::string>>& deps,
                                         DependencyType type, const std::filesystem::path& baseDir,
                                         PackageGraph& graph, std::vector<Request>& next) {
    for (const auto& [name, specText] : deps) {
        auto spec = parseDependencySpec(name, specText);
        if (!spec) {
            graph.warnings.push_back(describeParent(graph, from) + ": dependency " + name + "@" + specText +
                                     " ignored: " + spec.error().primary);
            continue;
        }
        next.push_back(Request{from, name, std::move(spec).value(), type, baseDir});
    }
}

Status RegistryResolver::prefetch(const std::vector<Request>& level) {
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const auto& req : level) {
        if (!req.spec.isRegistry())
            continue;
        const std::string& name = req.spec.registryName();
        if (workspaces_.count(name) || packuments_.count(name) || !seen.insert(name).second)
            continue;
        names.push_back(name);
    }
    if (names.empty())
        return {};
    auto fetched = client_.packuments(names, false);
    if (!fetched)
        return std::move(fetched).error();
    for (std::size_t i = 0; i < names.size(); ++i)
        packuments_.emplace(names[i], std::move(fetched.value()[i]));
    return {};
}

Status RegistryResolver::resolveRegistry(PackageGraph& graph, const Request& req, std::vector<Request>& next) {
    const std::string& name = req.spec.registryName();
    const std::string& range = req.spec.fetchSpec;
    if (auto ws = workspaces_.find(name); ws != workspaces_.end()) {
        graph.addEdge({req.from, ws->second, req.alias, req.spec.raw, req.type});
        return {};
    }
    auto it = packuments_.find(name);
    if (it == packuments_.end() || !it->second.ok()) {
        Error e = it == packuments_.end() ? makeError(ErrorCode::Internal, "packument of " + name + " was not fetched")
                                          : it->second.error();
        e = e.withContext(name + "@" + range + " (required by " + describeParent(graph, req.from) + ")");
        if (req.type == DependencyType::Optional || req.type == DependencyType::Peer) {
            graph.warnings.push_back("optional dependency skipped: " + e.primary);
            return {};
        }
        return e;
    }
    const Packument& packument = it->second.value();

    // Dedupe: an already chosen version that satisfies this range is reused, as npm would.
    if (auto chosen = chosen_.find(name); chosen != chosen_.end() && req.spec.kind != SpecKind::Tag) {
        auto parsed = Range::parse(range.empty() ? "*" : range);
        if (parsed) {
            std::size_t best = 0;
            std::optional<Version> bestVersion;
            for (std::size_t node : chosen->second) {
                auto v = Version::parse(graph.nodes[node].version);
                if (v && parsed->satisfies(*v) && (!bestVersion || *bestVersion < *v)) {
                    bestVersion = *v;
                    best = node;
                }
            }
            if (bestVersion) {
                graph.addEdge({req.from, best, req.alias, req.spec.raw, req.type});
                return {};
            }
        }
    }

    std::vector<CandidateVersion> candidates;
    candidates.reserve(packument.versions.size());
    for (const auto& [version, manifest] : packument.versions)
        candidates.push_back(CandidateVersion{version, manifest.deprecated.has_value()});
    auto picked = pickVersion(candidates, packument.distTags, range, name);
    if (!picked) {
        Error e = picked.error().withContext("required by " + describeParent(graph, req.from));
        if (req.type == DependencyType::Optional || req.type == DependencyType::Peer) {
            graph.warnings.push_back("optional dependency skipped: " + e.primary);
            return {};
        }
        return e;
    }
    const VersionManifest& manifest = packument.versions.at(*picked);

    PackageNode node;
    node.name = name;
    node.version = *picked;
    node.source = SourceKind::Registry;
    node.resolved = manifest.dist.tarball;
    node.integrity = manifest.dist.integrity;
    // Very old versions only carry a hex sha1 `shasum`; it still beats trusting on first use.
    if (node.integrity.empty() && !manifest.dist.shasum.empty())
        if (auto sri = Integrity::fromSha1Hex(manifest.dist.shasum))
            node.integrity = sri->toString();
    node.hasInstallScript = manifest.hasInstallScript;
    const std::size_t before = graph.nodes.size();
    const std::size_t index = graph.addNode(std::move(node));
    graph.addEdge({req.from, index, req.alias, req.spec.raw, req.type});
    if (index < before)
        return {};  // already expanded
    if (graph.nodes.size() > options_.maxPackages + 1)
        return makeError(ErrorCode::Input, "the dependency graph grew past " + std::to_string(options_.maxPackages) +
                                               " packages while resolving " + name,
                         "raise the limit only if this project really has that many dependencies");
    chosen_[name].push_back(index);
    queueDependencies(index, manifest.dependencies, DependencyType::Prod, {}, graph, next);
    queueDependencies(index, manifest.optionalDependencies, DependencyType::Optional, {}, graph, next);
    if (options_.includePeers)
        queueDependencies(index, manifest.peerDependencies, DependencyType::Peer, {}, graph, next);
    return {};
}

Status RegistryResolver::resolveLocal(PackageGraph& graph, const Request& req, std::vector<Request>& next) {
    PackageNode node;
    node.name = req.alias;
    node.source = sourceOf(req.spec.kind, req.spec.fetchSpec);
    node.resolved = req.spec.fetchSpec;
    // Git and remote sources are recorded, not followed: their code is whatever the remote says
    // today, which is itself the risk signal. Local directories are read for their dependencies.
    if (node.source == SourceKind::Directory || node.source == SourceKind::Link) {
        const std::filesystem::path dir = req.baseDir / req.spec.fetchSpec;
        auto manifest = readManifestFile(dir / "package.json");
        if (!manifest)
            return manifest.error().withContext(req.alias + "@" + req.spec.raw + " (required by " +
                                                describeParent(graph, req.from) + ")");
        if (manifest->name && !manifest->name->empty())
            node.name = *manifest->name;
        node.version = manifest->version.value_or("");
        node.hasInstallScript = manifest->hasInstallScript();
        const std::size_t before = graph.nodes.size();
        const std::size_t index = graph.addNode(std::move(node));
        graph.addEdge({req.from, index, req.alias, req.spec.raw, req.type});
        if (index >= before) {
            queueDependencies(index, manifest->dependencies, DependencyType::Prod, dir, graph, next);
            queueDependencies(index, manifest->optionalDependencies, DependencyType::Optional, dir, graph, next);
        }
        return {};
    }
    if (node.source == SourceKind::LocalTarball)
        node.resolved = (req.baseDir / req.spec.fetchSpec).lexically_normal().string();
    graph.warnings.push_back(describeParent(graph, req.from) + " depends on " + req.alias + " from a " +
                             sourceKindName(node.source) + " source (" + req.spec.raw +
                             "); its own dependencies are not resolved");
    const std::size_t index = graph.addNode(std::move(node));
    graph.addEdge({req.from, index, req.alias, req.spec.raw, req.type});
    return {};
}

Result<PackageGraph> RegistryResolver::run(PackageGraph graph, std::vector<Request> pending) {
    while (!pending.empty()) {
        VIGIL_TRY(prefetch(pending));
        std::vector<Request> next;
        for (const auto& req : pending) {
            if (req.spec.isRegistry())
                VIGIL_TRY(resolveRegistry(graph, req, next));
            else
                VIGIL_TRY(resolveLocal(graph, req, next));
        }
        pending = std::move(next);
    }
    graph.recomputeFlags();
    return graph;
}

Result<PackageGraph> RegistryResolver::resolveManifest(const Manifest& root, const std::filesystem::path& projectDir) {
    PackageGraph graph;
    graph.format = "registry";
    graph.sourceFile = (projectDir / "package.json").string();
    graph.root().name = root.name.value_or("");
    graph.root().version = root.version.value_or("");
    graph.root().hasInstallScript = root.hasInstallScript();
    std::vector<Request> pending;
    queueDependencies(0, root.dependencies, DependencyType::Prod, projectDir, graph, pending);
    queueDependencies(0, root.optionalDependencies, DependencyType::Optional, projectDir, graph, pending);
    if (options_.includeDev)
        queueDependencies(0, root.devDependencies, DependencyType::Dev, projectDir, graph, pending);
    if (options_.includePeers)
        queueDependencies(0, root.peerDependencies, DependencyType::Peer, projectDir, graph, pending);

    // Workspace members are part of the project: their dependencies (dev ones included, as npm
    // installs them) belong to the tree, and the members themselves are recorded as such.
    for (const auto& dir : workspaceDirs(projectDir, root.workspaces)) {
        auto member = readManifestFile(dir / "package.json");
        if (!member)
            return std::move(member).error();
        PackageNode node;
        node.name = member->name.value_or(dir.filename().string());
        node.version = member->version.value_or("");
        node.source = SourceKind::Workspace;
        node.resolved = std::filesystem::relative(dir, projectDir).generic_string();
        node.hasInstallScript = member->hasInstallScript();
        const std::size_t index = graph.addNode(std::move(node));
        workspaces_[graph.nodes[index].name] = index;
        graph.addEdge({0, index, graph.nodes[index].name, "workspace:" + graph.nodes[index].resolved, DependencyType::Prod});
        queueDependencies(index, member->dependencies, DependencyType::Prod, dir, graph, pending);
        queueDependencies(index, member->optionalDependencies, DependencyType::Optional, dir, graph, pending);
        if (options_.includeDev)
            queueDependencies(index, member->devDependencies, DependencyType::Dev, dir, graph, pending);
    }
    return run(std::move(graph), std::move(pending));
}

Result<PackageGraph> RegistryResolver::resolvePackage(const PackageSpec& spec) {
    PackageGraph graph;
    graph.format = "registry";
    graph.sourceFile = spec.name + (spec.raw.empty() ? "" : "@" + spec.raw);
    graph.root().name.clear();  // no project: the report names the command-line target instead
    std::vector<Request> pending;
    pending.push_back(Request{0, spec.name, spec, DependencyType::Prod, std::filesystem::current_path()});
    return run(std::move(graph), std::move(pending));
}

}  // namespace vigil::engine::resolve
