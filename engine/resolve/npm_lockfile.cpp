// package-lock.json and npm-shrinkwrap.json: lockfileVersion 1 (nested "dependencies" trees with
// "requires") and 2/3 (flat "packages" keyed by install path). Both describe a node_modules tree, so
// edges are found the way Node's require() finds a folder: in the dependent's own node_modules,
// then in each enclosing node_modules up to the project root.
#include <unordered_map>

#include "engine/resolve/json_document.h"
#include "engine/resolve/locator.h"
#include "engine/resolve/lockfile.h"

namespace vigil::engine::resolve {

namespace {

using Json = nlohmann::ordered_json;

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

class NpmLockReader {
public:
    NpmLockReader(const std::string& file, const Manifest& root) : file_(file), root_(root) {
        graph_.root().name = root.name.value_or("");
        graph_.root().version = root.version.value_or("");
        byPath_.emplace("", 0);
    }

    Result<PackageGraph> read(const Json& doc);

private:
    const std::string& file_;
    const Manifest& root_;
    PackageGraph graph_;
    std::unordered_map<std::string, std::size_t> byPath_;  // install path → node ("" is the root)
    std::vector<std::string> workspaceGlobs_;

    [[nodiscard]] std::string where(std::string_view section, std::string_view key) const {
        return file_ + ": " + std::string(section) + "[\"" + std::string(key) + "\"]";
    }
    Error shapeError(std::string_view section, std::string_view key, const std::string& what) const {
        return makeError(ErrorCode::Input, where(section, key) + ": " + what,
                         "the lockfile is damaged; regenerate it with npm install");
    }

    [[nodiscard]] std::optional<std::size_t> lookup(std::string_view fromPath, std::string_view dep) const;
    Status addEdges(std::string_view section, std::string_view key, std::size_t from, const Json& entry);
    Status linkEdge(std::string_view section, std::string_view key, std::size_t from, const std::string& dep,
                    const std::string& spec, DependencyType type, bool missingIsFine);
    Status addRootEdges(std::string_view section);

    Status readPackages(const Json& packages);
    Status readV1Tree(const Json& deps, const std::string& parentPath);
    Status readV1Edges(const Json& deps, const std::string& parentPath);
};

std::string folderName(std::string_view installPath) {
    const auto pos = installPath.rfind("node_modules/");
    return std::string(pos == std::string_view::npos ? installPath : installPath.substr(pos + 13));
}

bool isProjectFolder(std::string_view installPath) {
    return !startsWith(installPath, "node_modules/") && installPath.find("/node_modules/") == std::string_view::npos;
}

std::optional<std::size_t> NpmLockReader::lookup(std::string_view fromPath, std::string_view dep) const {
    std::string dir(fromPath);
    for (;;) {
        std::string candidate = dir.empty() ? "node_modules/" : dir + "/node_modules/";
        candidate += dep;
        if (auto it = byPath_.find(candidate); it != byPath_.end())
            return it->second;
        if (dir.empty())
            return std::nullopt;
        const auto slash = dir.rfind('/');
        dir = slash == std::string::npos ? std::string() : dir.substr(0, slash);
    }
}

Status NpmLockReader::linkEdge(std::string_view section, std::string_view key, std::size_t from,
                               const std::string& dep, const std::string& spec, DependencyType type,
                               bool missingIsFine) {
    if (auto to = lookup(key, dep)) {
        graph_.addEdge({from, *to, dep, spec, type});
        return {};
    }
    const std::string what = "dependency \"" + dep + "@" + spec + "\" is not in the lockfile";
    if (missingIsFine) {
        graph_.warnings.push_back(where(section, key) + ": " + what + " (" + dependencyTypeName(type) +
                                  ", skipped)");
        return {};
    }
    return shapeError(section, key, what);
}

Status NpmLockReader::addEdges(std::string_view section, std::string_view key, std::size_t from,
                               const Json& entry) {
    const bool projectFolder = isProjectFolder(key);
    const Json* peerMeta = nullptr;
    if (auto it = entry.find("peerDependenciesMeta"); it != entry.end() && it->is_object())
        peerMeta = &*it;
    struct Section {
        const char* field;
        DependencyType type;
    };
    // Installed packages never get their devDependencies; workspaces and linked folders do.
    for (const Section s : {Section{"dependencies", DependencyType::Prod},
                            Section{"optionalDependencies", DependencyType::Optional},
                            Section{"peerDependencies", DependencyType::Peer},
                            Section{"devDependencies", DependencyType::Dev}}) {
        auto it = entry.find(s.field);
        if (it == entry.end())
            continue;
        if (!it->is_object())
            return shapeError(section, key, std::string("\"") + s.field + "\" is not an object");
        if (s.type == DependencyType::Dev && !projectFolder)
            continue;
        for (const auto& [dep, spec] : it->items()) {
            if (!spec.is_string())
                return shapeError(section, key, std::string(s.field) + ".\"" + dep + "\" is not a string");
            const bool optionalPeer = peerMeta && peerMeta->contains(dep) && (*peerMeta)[dep].is_object() &&
                                      (*peerMeta)[dep].value("optional", false);
            if (s.type == DependencyType::Peer && optionalPeer && !lookup(key, dep))
                continue;  // an optional peer nobody installed is simply absent, not lost
            // npm copies optional dependencies into "dependencies" too; the optional section owns them.
            if (s.type == DependencyType::Prod && entry.contains("optionalDependencies") &&
                entry["optionalDependencies"].is_object() && entry["optionalDependencies"].contains(dep))
                continue;
            const bool missingIsFine = s.type != DependencyType::Prod || projectFolder;
            VIGIL_TRY(linkEdge(section, key, from, dep, spec.get<std::string>(), s.type, missingIsFine));
        }
    }
    return {};
}

Status NpmLockReader::addRootEdges(std::string_view section) {
    for (const auto& d : root_.declaredDependencies()) {
        if (auto to = lookup("", d.name)) {
            graph_.addEdge({0, *to, d.name, d.spec, d.type});
            continue;
        }
        VIGIL_TRY(reportUnlockedDependency(graph_, where(section, ""), d, "the lockfile does not install it", "npm"));
    }
    return {};
}

Status NpmLockReader::readPackages(const Json& packages) {
    if (auto rootEntry = packages.find(""); rootEntry != packages.end() && rootEntry->is_object()) {
        if (auto ws = rootEntry->find("workspaces"); ws != rootEntry->end() && ws->is_array())
            for (const auto& glob : *ws)
                if (glob.is_string())
                    workspaceGlobs_.push_back(glob.get<std::string>());
    }
    for (const auto& glob : root_.workspaces)
        workspaceGlobs_.push_back(glob);

    // Pass 1: every real folder becomes a node. Links (pass 2) only point at folders.
    for (const auto& [key, entry] : packages.items()) {
        if (!entry.is_object())
            return shapeError("packages", key, "entry is not an object");
        if (key.empty() || entry.value("link", false))
            continue;
        for (const char* field : {"name", "version", "resolved", "integrity"})
            if (entry.contains(field) && !entry[field].is_string())
                return shapeError("packages", key, std::string("\"") + field + "\" is not a string");
        PackageNode node;
        node.name = entry.contains("name") ? entry["name"].get<std::string>() : folderName(key);
        node.version = entry.value("version", "");
        node.resolved = entry.value("resolved", "");
        node.integrity = entry.value("integrity", "");
        node.dev = entry.value("dev", false);
        node.optional = entry.value("optional", false);
        node.hasInstallScript = entry.value("hasInstallScript", false);
        if (isProjectFolder(key)) {
            node.source = matchesWorkspace(key, workspaceGlobs_) ? SourceKind::Workspace : SourceKind::Directory;
            node.resolved = key;
        } else {
            node.source = classifySource(node.resolved);
            node.installPaths.push_back(key);
        }
        if (node.version.empty() && node.source == SourceKind::Registry)
            return shapeError("packages", key, "registry package without a \"version\"");
        if (entry.value("extraneous", false))
            graph_.warnings.push_back(where("packages", key) +
                                      ": extraneous (installed but required by nothing); kept in the graph");
        byPath_[key] = graph_.addNode(std::move(node));
    }
    // Pass 2: "link": true entries are symlinks from node_modules to a folder entry ("resolved").
    for (const auto& [key, entry] : packages.items()) {
        if (key.empty() || !entry.value("link", false))
            continue;
        if (!entry.contains("resolved") || !entry["resolved"].is_string())
            return shapeError("packages", key, "link without a \"resolved\" target");
        const std::string target = entry["resolved"].get<std::string>();
        if (auto it = byPath_.find(target); it != byPath_.end()) {
            graph_.nodes[it->second].installPaths.push_back(key);
            byPath_[key] = it->second;
            continue;
        }
        // A link to a folder the lockfile does not describe (npm link to outside the project).
        PackageNode node;
        node.name = folderName(key);
        node.source = SourceKind::Link;
        node.resolved = target;
        node.installPaths.push_back(key);
        graph_.warnings.push_back(where("packages", key) + ": link to \"" + target +
                                  "\", which the lockfile does not describe; its dependencies are unknown");
        byPath_[key] = graph_.addNode(std::move(node));
    }
    // Pass 3: edges, now that every install path is known.
    VIGIL_TRY(addRootEdges("packages"));
    for (const auto& [key, entry] : packages.items()) {
        if (key.empty() || entry.value("link", false))
            continue;
        const std::size_t from = byPath_.at(key);
        if (graph_.nodes[from].source == SourceKind::Workspace)
            graph_.addEdge({0, from, graph_.nodes[from].name, key, DependencyType::Prod});
        VIGIL_TRY(addEdges("packages", key, from, entry));
    }
    return {};
}

Status NpmLockReader::readV1Tree(const Json& deps, const std::string& parentPath) {
    if (!deps.is_object())
        return shapeError("dependencies", parentPath, "\"dependencies\" is not an object");
    for (const auto& [name, entry] : deps.items()) {
        const std::string path = (parentPath.empty() ? "" : parentPath + "/") + "node_modules/" + name;
        if (!entry.is_object())
            return shapeError("dependencies", path, "entry is not an object");
        if (!entry.contains("version") || !entry["version"].is_string())
            return shapeError("dependencies", path, "missing \"version\"");
        for (const char* field : {"resolved", "integrity"})
            if (entry.contains(field) && !entry[field].is_string())
                return shapeError("dependencies", path, std::string("\"") + field + "\" is not a string");
        PackageNode node;
        node.name = name;
        node.version = entry["version"].get<std::string>();
        node.resolved = entry.value("resolved", "");
        node.integrity = entry.value("integrity", "");
        node.dev = entry.value("dev", false);
        node.optional = entry.value("optional", false);
        node.installPaths.push_back(path);
        // v1 writes non-registry sources into "version": "npm:real@1.0.0", "file:dir", git URLs.
        if (auto [real, version] = splitNpmAlias(node.version); !real.empty()) {
            node.name = real;
            node.version = version;
            node.source = classifySource(node.resolved);
        } else if (const SourceKind kind = classifySource(node.version); kind != SourceKind::Registry &&
                                                                         kind != SourceKind::Directory) {
            node.source = kind;
            if (node.resolved.empty())
                node.resolved = node.version;
        } else if (startsWith(node.version, "file:")) {
            node.source = SourceKind::Directory;
            node.resolved = node.version.substr(5);
        } else {
            node.source = classifySource(node.resolved);
        }
        byPath_[path] = graph_.addNode(std::move(node));
        if (auto nested = entry.find("dependencies"); nested != entry.end())
            VIGIL_TRY(readV1Tree(*nested, path));
    }
    return {};
}

Status NpmLockReader::readV1Edges(const Json& deps, const std::string& parentPath) {
    for (const auto& [name, entry] : deps.items()) {
        const std::string path = (parentPath.empty() ? "" : parentPath + "/") + "node_modules/" + name;
        const std::size_t from = byPath_.at(path);
        if (auto req = entry.find("requires"); req != entry.end()) {
            if (!req->is_object())
                return shapeError("dependencies", path, "\"requires\" is not an object");
            for (const auto& [dep, spec] : req->items()) {
                if (!spec.is_string())
                    return shapeError("dependencies", path, "requires.\"" + dep + "\" is not a string");
                // v1 does not say which requirements are optional; an optional target under a
                // non-optional parent can only have come from optionalDependencies.
                const auto to = lookup(path, dep);
                DependencyType type = DependencyType::Prod;
                if (to && graph_.nodes[*to].optional && !graph_.nodes[from].optional)
                    type = DependencyType::Optional;
                VIGIL_TRY(linkEdge("dependencies", path, from, dep, spec.get<std::string>(), type,
                                   graph_.nodes[from].optional));
            }
        }
        if (auto nested = entry.find("dependencies"); nested != entry.end())
            VIGIL_TRY(readV1Edges(*nested, path));
    }
    return {};
}

Result<PackageGraph> NpmLockReader::read(const Json& doc) {
    if (!doc.is_object())
        return makeError(ErrorCode::Input, file_ + ": the lockfile is not a JSON object");
    auto versionIt = doc.find("lockfileVersion");
    if (versionIt == doc.end() || !versionIt->is_number_integer())
        return makeError(ErrorCode::Input, file_ + ": \"lockfileVersion\" is missing or not a number",
                         "npm writes 1, 2 or 3");
    const int version = versionIt->get<int>();
    if (version < 1 || version > 3)
        return makeError(ErrorCode::Input,
                         file_ + ": lockfileVersion " + std::to_string(version) + " is not supported",
                         "VIGIL reads lockfileVersion 1, 2 and 3; was it written by a newer npm?");
    const bool shrinkwrap = file_.ends_with("npm-shrinkwrap.json");
    graph_.format = std::string(shrinkwrap ? "npm-shrinkwrap v" : "package-lock v") + std::to_string(version);

    if (auto packages = doc.find("packages"); version >= 2 && packages != doc.end()) {
        if (!packages->is_object())
            return makeError(ErrorCode::Input, file_ + ": \"packages\" is not an object");
        VIGIL_TRY(readPackages(*packages));
        return std::move(graph_);
    }
    if (version >= 3)
        return makeError(ErrorCode::Input, file_ + ": lockfileVersion 3 without a \"packages\" object");
    auto deps = doc.find("dependencies");
    if (deps != doc.end()) {
        VIGIL_TRY(readV1Tree(*deps, ""));
        VIGIL_TRY(addRootEdges("dependencies"));
        VIGIL_TRY(readV1Edges(*deps, ""));
    } else {
        VIGIL_TRY(addRootEdges("dependencies"));
    }
    return std::move(graph_);
}

}  // namespace

Result<PackageGraph> parseNpmLockfile(std::string_view text, const std::string& fileName, const Manifest& root) {
    auto doc = parseJsonDocument(text, fileName);
    if (!doc)
        return std::move(doc).error();
    try {
        return NpmLockReader(fileName, root).read(*doc);
    } catch (const std::exception& e) {
        // nlohmann throws on a type mismatch we did not foresee; it is still the file's fault.
        return makeError(ErrorCode::Input, fileName + ": unexpected lockfile shape: " + e.what());
    }
}

}  // namespace vigil::engine::resolve
