// pnpm-lock.yaml, three generations:
//   5.x  packages keyed "/name/1.0.0" (peers as "_react@18.2.0"), top-level dependencies + specifiers;
//   6.x  packages keyed "/name@1.0.0" (peers as "(react@18.2.0)"), {specifier, version} objects;
//   9.x  package facts under `packages` ("name@1.0.0"), the dependency graph under `snapshots`
//        (keys carry the peer suffix), the root and workspaces under `importers`.
// A package's identity is name@version: the same version resolved with different peers is one node.
#include <unordered_map>

#include "engine/resolve/locator.h"
#include "engine/resolve/lockfile.h"
#include "engine/resolve/yaml_document.h"

namespace vigil::engine::resolve {

namespace {

std::string withoutPeers(std::string_view key, int major) {
    if (major >= 6)
        return std::string(key.substr(0, key.find('(')));
    // 5.x: "/name/1.0.0_peer@1.0.0": the suffix starts at the first '_' of the version segment.
    const auto slash = key.rfind('/');
    const auto underscore = key.find('_', slash == std::string_view::npos ? 0 : slash);
    return std::string(key.substr(0, underscore));
}

bool startsWithDigit(std::string_view s) {
    return !s.empty() && s.front() >= '0' && s.front() <= '9';
}

std::string joinPath(const std::string& base, const std::string& relative) {
    std::vector<std::string> parts;
    auto push = [&parts](std::string_view path) {
        std::size_t start = 0;
        while (start <= path.size()) {
            std::size_t slash = path.find('/', start);
            if (slash == std::string_view::npos)
                slash = path.size();
            std::string_view part = path.substr(start, slash - start);
            if (part == "..") {
                if (!parts.empty())
                    parts.pop_back();
            } else if (!part.empty() && part != ".") {
                parts.emplace_back(part);
            }
            start = slash + 1;
        }
    };
    push(base);
    push(relative);
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : "/") + p;
    return out.empty() ? "." : out;
}

class PnpmReader {
public:
    PnpmReader(const std::string& file, const Manifest& root) : file_(file), root_(root) {
        graph_.root().name = root.name.value_or("");
        graph_.root().version = root.version.value_or("");
    }

    Result<PackageGraph> read(const YAML::Node& doc);

private:
    const std::string& file_;
    const Manifest& root_;
    PackageGraph graph_;
    int major_ = 0;
    std::unordered_map<std::string, std::size_t> byKey_;       // package or snapshot key → node
    std::unordered_map<std::string, std::size_t> byImporter_;  // importer path → node ("." → root)

    Error damaged(const YAML::Node& at, const std::string& what) const {
        return makeError(ErrorCode::Input, yamlWhere(file_, at) + ": " + what,
                         "the pnpm-lock.yaml is damaged; regenerate it with pnpm install");
    }

    Result<PackageNode> nodeFromPackage(const std::string& key, const YAML::Node& info, const YAML::Node& at);
    Status addPackages(const YAML::Node& packages, const YAML::Node& snapshots);
    std::optional<std::size_t> resolveRef(const std::string& dep, const std::string& ref, const std::string& importer);
    Status addEdges(std::size_t from, const YAML::Node& entry, const std::string& owner);
    Status addImporter(const std::string& path, const YAML::Node& importer, const YAML::Node& at);
};

Result<PackageNode> PnpmReader::nodeFromPackage(const std::string& key, const YAML::Node& info, const YAML::Node& at) {
    if (!info.IsMap())
        return damaged(at, "package \"" + key + "\" is not a mapping");
    PackageNode node;
    std::string identity = withoutPeers(key, major_);
    if (identity.starts_with("/")) {
        identity.erase(0, 1);
        if (major_ < 6) {
            const auto slash = identity.rfind('/');
            if (slash != std::string::npos) {
                node.name = identity.substr(0, slash);
                node.version = identity.substr(slash + 1);
            }
        } else {
            std::tie(node.name, node.version) = splitSelector(identity);
        }
    } else if (major_ >= 9) {
        std::tie(node.name, node.version) = splitSelector(identity);
    } else {
        node.version = identity;  // "file:local-pkg", "github.com/u/r/sha": real name/version are fields
    }
    node.name = yamlScalar(info, "name", node.name);
    node.version = yamlScalar(info, "version", node.version);
    if (node.name.empty() || node.version.empty())
        return damaged(at, "cannot tell the name and version of package \"" + key + "\"");

    const YAML::Node resolution = yamlChild(info, "resolution");
    if (!resolution.IsMap())
        return damaged(at, "package \"" + key + "\" has no resolution");
    node.integrity = yamlScalar(resolution, "integrity");
    if (const std::string tarball = yamlScalar(resolution, "tarball"); !tarball.empty()) {
        node.resolved = tarball;
        node.source = classifySource(tarball);
    } else if (const std::string directory = yamlScalar(resolution, "directory"); !directory.empty()) {
        node.resolved = directory;
        node.source = SourceKind::Directory;
    } else if (yamlScalar(resolution, "type") == "git") {
        node.resolved = yamlScalar(resolution, "repo") + "#" + yamlScalar(resolution, "commit");
        node.source = SourceKind::Git;
    } else if (node.integrity.empty()) {
        graph_.warnings.push_back(yamlWhere(file_, at) + ": package \"" + key +
                                  "\" has a resolution VIGIL does not know; treated as a registry package");
    }
    node.dev = yamlTrue(info, "dev");
    node.optional = yamlTrue(info, "optional");
    // requiresBuild is pnpm's "has install scripts or binding.gyp" (true when it could not tell).
    node.hasInstallScript = yamlTrue(info, "requiresBuild");
    return node;
}

Status PnpmReader::addPackages(const YAML::Node& packages, const YAML::Node& snapshots) {
    if (packages.IsDefined() && !packages.IsNull() && !packages.IsMap())
        return damaged(packages, "\"packages\" is not a mapping");
    if (major_ < 9) {
        if (!packages.IsMap())
            return {};
        for (auto it = packages.begin(); it != packages.end(); ++it) {
            auto node = nodeFromPackage(it->first.Scalar(), it->second, it->first);
            if (!node)
                return std::move(node).error();
            byKey_[it->first.Scalar()] = graph_.addNode(std::move(*node));
        }
        return {};
    }
    // 9.x: a snapshot is a package (by its key without peers) in one peer context.
    std::unordered_map<std::string, PackageNode> facts;
    std::unordered_map<std::string, YAML::Node> factMarks;
    if (packages.IsMap()) {
        for (auto it = packages.begin(); it != packages.end(); ++it) {
            auto node = nodeFromPackage(it->first.Scalar(), it->second, it->first);
            if (!node)
                return std::move(node).error();
            facts.emplace(it->first.Scalar(), std::move(*node));
        }
    }
    if (snapshots.IsDefined() && !snapshots.IsNull() && !snapshots.IsMap())
        return damaged(snapshots, "\"snapshots\" is not a mapping");
    std::unordered_map<std::string, bool> used;
    if (snapshots.IsMap()) {
        for (auto it = snapshots.begin(); it != snapshots.end(); ++it) {
            const std::string key = it->first.Scalar();
            const std::string packageKey = withoutPeers(key, major_);
            auto fact = facts.find(packageKey);
            if (fact == facts.end())
                return damaged(it->first, "snapshot \"" + key + "\" has no package \"" + packageKey + "\"");
            PackageNode node = fact->second;
            node.optional = yamlTrue(it->second, "optional");
            used[packageKey] = true;
            byKey_[key] = graph_.addNode(std::move(node));
            byKey_.emplace(packageKey, byKey_[key]);
        }
    }
    for (auto& [key, node] : facts) {
        if (used.count(key))
            continue;
        graph_.warnings.push_back(file_ + ": package \"" + key + "\" has no snapshot; kept without dependencies");
        byKey_[key] = graph_.addNode(std::move(node));
    }
    return {};
}

std::optional<std::size_t> PnpmReader::resolveRef(const std::string& dep, const std::string& ref,
                                                  const std::string& importer) {
    if (ref.starts_with("link:")) {
        const std::string target = joinPath(importer, ref.substr(5));
        if (auto it = byImporter_.find(target); it != byImporter_.end())
            return it->second;
        PackageNode node;  // a symlink to a folder outside the workspace
        node.name = dep;
        node.version = ref;
        node.source = SourceKind::Link;
        node.resolved = target;
        return graph_.addNode(std::move(node));
    }
    std::string key;
    if (major_ >= 9) {
        const std::string bare = ref.substr(0, ref.find('('));
        const auto colon = bare.find(':');
        const auto at = bare.find('@', 1);
        const bool alias = !startsWithDigit(bare) && at != std::string::npos && (colon == std::string::npos || at < colon);
        key = alias ? ref : dep + "@" + ref;
    } else if (ref.starts_with("/") || !startsWithDigit(ref)) {
        key = ref;  // an alias "/real@1.0.0" or a non-registry key ("file:x", "github.com/u/r/sha")
    } else {
        key = "/" + dep + (major_ >= 6 ? "@" : "/") + ref;
    }
    if (auto it = byKey_.find(key); it != byKey_.end())
        return it->second;
    if (auto it = byKey_.find(withoutPeers(key, major_)); it != byKey_.end())
        return it->second;
    return std::nullopt;
}

Status PnpmReader::addEdges(std::size_t from, const YAML::Node& entry, const std::string& owner) {
    struct Section {
        const char* field;
        DependencyType type;
    };
    for (const Section s : {Section{"dependencies", DependencyType::Prod},
                            Section{"optionalDependencies", DependencyType::Optional}}) {
        const YAML::Node deps = yamlChild(entry, s.field);
        if (!deps.IsDefined() || deps.IsNull())
            continue;
        if (!deps.IsMap())
            return damaged(deps, std::string("\"") + s.field + "\" of \"" + owner + "\" is not a mapping");
        for (auto it = deps.begin(); it != deps.end(); ++it) {
            if (!it->second.IsScalar())
                return damaged(it->first, "dependency of \"" + owner + "\" is not name: version");
            const std::string dep = it->first.Scalar();
            const std::string ref = it->second.Scalar();
            if (auto to = resolveRef(dep, ref, ".")) {
                graph_.addEdge({from, *to, dep, ref, s.type});
                continue;
            }
            const std::string what = "dependency \"" + dep + "@" + ref + "\" of \"" + owner + "\" has no package";
            if (s.type == DependencyType::Optional) {
                graph_.warnings.push_back(yamlWhere(file_, it->first) + ": " + what + " (optional, skipped)");
                continue;
            }
            return damaged(it->first, what);
        }
    }
    return {};
}

Status PnpmReader::addImporter(const std::string& path, const YAML::Node& importer, const YAML::Node& at) {
    if (!importer.IsMap())
        return damaged(at, "importer \"" + path + "\" is not a mapping");
    const std::size_t from = byImporter_.at(path);
    const YAML::Node specifiers = yamlChild(importer, "specifiers");  // 5.x keeps specifiers apart
    struct Section {
        const char* field;
        DependencyType type;
    };
    for (const Section s : {Section{"optionalDependencies", DependencyType::Optional},
                            Section{"dependencies", DependencyType::Prod},
                            Section{"devDependencies", DependencyType::Dev}}) {
        const YAML::Node deps = yamlChild(importer, s.field);
        if (!deps.IsDefined() || deps.IsNull())
            continue;
        if (!deps.IsMap())
            return damaged(deps, std::string("\"") + s.field + "\" of importer \"" + path + "\" is not a mapping");
        for (auto it = deps.begin(); it != deps.end(); ++it) {
            const std::string dep = it->first.Scalar();
            std::string ref;
            std::string spec;
            if (it->second.IsMap()) {
                ref = yamlScalar(it->second, "version");
                spec = yamlScalar(it->second, "specifier");
            } else if (it->second.IsScalar()) {
                ref = it->second.Scalar();
                spec = yamlScalar(specifiers, dep.c_str(), ref);
            }
            if (ref.empty())
                return damaged(it->first, "dependency \"" + dep + "\" of importer \"" + path + "\" has no version");
            if (auto to = resolveRef(dep, ref, path)) {
                graph_.addEdge({from, *to, dep, spec, s.type});
                continue;
            }
            const std::string what = "dependency \"" + dep + "@" + ref + "\" of importer \"" + path + "\" has no package";
            if (s.type == DependencyType::Optional) {
                graph_.warnings.push_back(yamlWhere(file_, it->first) + ": " + what + " (optional, skipped)");
                continue;
            }
            return damaged(it->first, what);
        }
    }
    return {};
}

Result<PackageGraph> PnpmReader::read(const YAML::Node& doc) {
    if (!doc.IsMap())
        return makeError(ErrorCode::Input, yamlWhere(file_, doc) + ": the lockfile is not a YAML mapping");
    const YAML::Node versionNode = yamlChild(doc, "lockfileVersion");
    if (!versionNode.IsScalar())
        return makeError(ErrorCode::Input, yamlWhere(file_, doc) + ": no lockfileVersion");
    const std::string version = versionNode.Scalar();
    major_ = startsWithDigit(version) ? std::atoi(version.c_str()) : 0;
    if (major_ != 5 && major_ != 6 && major_ != 9)
        return makeError(ErrorCode::Input, yamlWhere(file_, versionNode) + ": lockfileVersion " + version +
                                               " is not supported",
                         "VIGIL reads pnpm lockfileVersion 5.x, 6.x and 9.x");
    graph_.format = "pnpm-lock " + version;

    VIGIL_TRY(addPackages(yamlChild(doc, "packages"), yamlChild(doc, "snapshots")));

    // Importers: the root project ("."), and workspace members, which become nodes of their own.
    const YAML::Node importers = yamlChild(doc, "importers");
    byImporter_.emplace(".", 0);
    if (importers.IsDefined() && !importers.IsMap())
        return damaged(importers, "\"importers\" is not a mapping");
    if (importers.IsMap()) {
        for (auto it = importers.begin(); it != importers.end(); ++it) {
            const std::string path = it->first.Scalar();
            if (path == ".")
                continue;
            PackageNode node;
            // An importer records only its folder; its package name is in that folder's package.json.
            node.name = path;
            node.source = SourceKind::Workspace;
            node.resolved = path;
            const std::size_t index = graph_.addNode(std::move(node));
            byImporter_.emplace(path, index);
            graph_.addEdge({0, index, path, "workspace:" + path, DependencyType::Prod});
        }
        for (auto it = importers.begin(); it != importers.end(); ++it)
            VIGIL_TRY(addImporter(it->first.Scalar(), it->second, it->first));
    } else {
        VIGIL_TRY(addImporter(".", doc, doc));  // single-project 5.x/6.x: the root's sections are top-level
    }

    const YAML::Node graphEntries = major_ >= 9 ? yamlChild(doc, "snapshots") : yamlChild(doc, "packages");
    if (graphEntries.IsMap())
        for (auto it = graphEntries.begin(); it != graphEntries.end(); ++it)
            VIGIL_TRY(addEdges(byKey_.at(it->first.Scalar()), it->second, it->first.Scalar()));

    // The manifest is the user's intent: a declared dependency the lockfile never resolved is stale.
    for (const auto& d : root_.declaredDependencies()) {
        bool found = false;
        for (const auto* e : graph_.edgesFrom(0))
            found = found || e->alias == d.name;
        if (found)
            continue;
        VIGIL_TRY(reportUnlockedDependency(graph_, file_, d, "the root importer does not resolve it", "pnpm"));
    }
    return std::move(graph_);
}

}  // namespace

Result<PackageGraph> parsePnpmLockfile(std::string_view text, const std::string& fileName, const Manifest& root) {
    auto doc = parseYamlDocument(text, fileName);
    if (!doc)
        return std::move(doc).error();
    try {
        return PnpmReader(fileName, root).read(*doc);
    } catch (const YAML::Exception& e) {
        // yaml-cpp throws on a conversion we did not guard; it is still the file's fault.
        return makeError(ErrorCode::Input, fileName + ": unexpected lockfile shape: " + e.msg);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, fileName + ": " + e.what());
    }
}

}  // namespace vigil::engine::resolve
