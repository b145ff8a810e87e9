// yarn.lock of Yarn 2+ ("berry"): YAML. Each entry is keyed by the descriptors that resolved to it
// ("lodash@npm:^4.17.0, lodash@npm:^4.17.21") and records a locator in `resolution`
// ("lodash@npm:4.17.21"). Workspaces, the root project included, are entries too ("app@workspace:.").
// berry's `checksum` hashes yarn's own zip archive, not the npm tarball, so it is never an SRI
// `integrity` and is deliberately not stored as one.
#include <unordered_map>

#include "engine/resolve/locator.h"
#include "engine/resolve/lockfile.h"
#include "engine/resolve/yaml_document.h"

namespace vigil::engine::resolve {

namespace {

std::string percentDecode(std::string_view s) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            const int hi = hex(s[i + 1]);
            const int lo = hex(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

/// Drops berry's binding parameters ("::locator=…", "::hash=…") that make descriptors unique.
std::string withoutBinding(std::string_view descriptor) {
    return std::string(descriptor.substr(0, descriptor.find("::")));
}

std::vector<std::string> splitDescriptors(std::string_view key) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= key.size()) {
        std::size_t comma = key.find(", ", start);
        if (comma == std::string_view::npos)
            comma = key.size();
        if (comma > start)
            out.emplace_back(key.substr(start, comma - start));
        start = comma + 2;
    }
    return out;
}

class YarnBerryReader {
public:
    YarnBerryReader(const std::string& file, const Manifest& root) : file_(file), root_(root) {
        graph_.root().name = root.name.value_or("");
        graph_.root().version = root.version.value_or("");
        graph_.format = "yarn berry";
    }

    Result<PackageGraph> read(const YAML::Node& doc) {
        if (!doc.IsMap())
            return makeError(ErrorCode::Input, yamlWhere(file_, doc) + ": the lockfile is not a YAML mapping");
        const YAML::Node meta = yamlChild(doc, "__metadata");
        if (!meta.IsMap() || !yamlChild(meta, "version").IsDefined() || !yamlChild(meta, "version").IsScalar())
            return makeError(ErrorCode::Input, yamlWhere(file_, meta) + ": __metadata has no version");
        const std::string version = yamlChild(meta, "version").Scalar();
        if (version.empty() || version.find_first_not_of("0123456789") != std::string::npos)
            return makeError(ErrorCode::Input,
                             yamlWhere(file_, yamlChild(meta, "version")) + ": __metadata version \"" + version + "\" is not a number");
        graph_.format += " v" + version;

        for (auto it = doc.begin(); it != doc.end(); ++it) {
            if (!it->first.IsScalar())
                return makeError(ErrorCode::Input, yamlWhere(file_, it->first) + ": entry key is not a string");
            if (it->first.Scalar() == "__metadata")
                continue;
            VIGIL_TRY(addEntry(it->first, it->second));
        }
        VIGIL_TRY(addRootEdges());
        for (auto it = doc.begin(); it != doc.end(); ++it) {
            if (it->first.Scalar() == "__metadata")
                continue;
            VIGIL_TRY(addEdges(it->first.Scalar(), it->second));
        }
        return std::move(graph_);
    }

private:
    const std::string& file_;
    const Manifest& root_;
    PackageGraph graph_;
    std::unordered_map<std::string, std::size_t> byDescriptor_;
    std::unordered_map<std::string, std::size_t> byKey_;  // entry key → node
    YAML::Node rootEntry_;

    Error damaged(const YAML::Node& at, const std::string& what) const {
        return makeError(ErrorCode::Input, yamlWhere(file_, at) + ": " + what,
                         "the yarn.lock is damaged; regenerate it with yarn install");
    }

    /// Fills source/resolved from the locator's reference ("npm:1.0.0", "workspace:.", "file:…").
    void classify(const std::string& reference, PackageNode& node, const std::string& where) {
        if (reference.starts_with("npm:")) {
            node.source = SourceKind::Registry;
            // A tarball outside the configured registry is kept as an encoded binding parameter.
            if (auto pos = reference.find("__archiveUrl="); pos != std::string::npos) {
                node.resolved = percentDecode(reference.substr(pos + 13));
                node.source = classifySource(node.resolved);
            }
        } else if (reference.starts_with("workspace:")) {
            node.source = SourceKind::Workspace;
            node.resolved = reference.substr(10);
        } else if (reference.starts_with("file:") || reference.starts_with("link:") ||
                   reference.starts_with("portal:")) {
            std::string path = reference.substr(reference.find(':') + 1);
            path = path.substr(0, path.find_first_of("#:"));
            node.source = classifySource(reference.substr(0, reference.find(':') + 1) + path);
            node.resolved = path;
        } else if (reference.starts_with("patch:")) {
            // patch:<original locator, url-encoded>#<patch file>: the registry package with local edits.
            const std::string inner = percentDecode(reference.substr(6, reference.find('#') - 6));
            auto [innerName, innerReference] = splitSelector(inner);
            classify(innerReference, node, where);
            node.resolved = reference;
            graph_.warnings.push_back(where + ": \"" + node.name + "@" + node.version +
                                      "\" is patched locally (" + reference.substr(reference.find('#') + 1) +
                                      "); its code differs from the registry's");
        } else {
            node.source = classifySource(reference);
            node.resolved = reference;
            if (reference.find(':') == std::string::npos || reference.starts_with("exec:"))
                graph_.warnings.push_back(where + ": unknown resolution protocol in \"" + reference +
                                          "\"; treated as a " + sourceKindName(node.source) + " source");
        }
    }

    Status addEntry(const YAML::Node& key, const YAML::Node& entry) {
        if (!entry.IsMap())
            return damaged(key, "entry \"" + key.Scalar() + "\" is not a mapping");
        const std::string resolution = yamlScalar(entry, "resolution");
        const std::string version = yamlScalar(entry, "version");
        if (resolution.empty())
            return damaged(key, "entry \"" + key.Scalar() + "\" has no resolution");
        if (version.empty())
            return damaged(key, "entry \"" + key.Scalar() + "\" has no version");
        auto [name, reference] = splitSelector(resolution);
        if (reference.empty())
            return damaged(yamlChild(entry, "resolution"), "resolution \"" + resolution + "\" is not a name@reference locator");

        std::size_t index = 0;
        if (reference == "workspace:.") {
            rootEntry_.reset(entry);  // the project itself: node 0 (reset rebinds; = would write into the tree)
        } else {
            PackageNode node;
            node.name = name;
            node.version = version;
            classify(reference, node, yamlWhere(file_, key));
            index = graph_.addNode(std::move(node));
            if (graph_.nodes[index].source == SourceKind::Workspace)
                graph_.addEdge({0, index, graph_.nodes[index].name, reference, DependencyType::Prod});
        }
        byKey_[key.Scalar()] = index;
        for (const auto& descriptor : splitDescriptors(key.Scalar())) {
            byDescriptor_[descriptor] = index;
            byDescriptor_.emplace(withoutBinding(descriptor), index);
        }
        return {};
    }

    [[nodiscard]] std::optional<std::size_t> lookup(const std::string& name, const std::string& range) const {
        for (const std::string& descriptor : {name + "@" + range, withoutBinding(name + "@" + range)})
            if (auto it = byDescriptor_.find(descriptor); it != byDescriptor_.end())
                return it->second;
        return std::nullopt;
    }

    static bool metaOptional(const YAML::Node& entry, const std::string& dep) {
        const YAML::Node meta = yamlChild(entry, "dependenciesMeta");
        if (!meta.IsMap())
            return false;
        const YAML::Node depMeta = yamlChild(meta, dep);
        return depMeta.IsMap() && yamlTrue(depMeta, "optional");
    }

    Status addEdges(const std::string& key, const YAML::Node& entry) {
        const YAML::Node deps = yamlChild(entry, "dependencies");
        if (!deps.IsDefined())
            return {};
        if (!deps.IsMap())
            return damaged(deps, "\"dependencies\" of \"" + key + "\" is not a mapping");
        const std::size_t from = byKey_.at(key);
        for (auto it = deps.begin(); it != deps.end(); ++it) {
            if (!it->first.IsScalar() || !it->second.IsScalar())
                return damaged(it->first, "a dependency of \"" + key + "\" is not name: range");
            const std::string dep = it->first.Scalar();
            const std::string range = it->second.Scalar();
            const bool optional = metaOptional(entry, dep);
            const DependencyType type = optional ? DependencyType::Optional : DependencyType::Prod;
            if (from == 0)
                continue;  // the root's edges come from package.json, with their dev/optional types
            if (auto to = lookup(dep, range)) {
                graph_.addEdge({from, *to, dep, range, type});
                continue;
            }
            const std::string what = "dependency \"" + dep + "@" + range + "\" of \"" + key + "\" has no entry";
            if (optional) {
                graph_.warnings.push_back(yamlWhere(file_, it->first) + ": " + what + " (optional, skipped)");
                continue;
            }
            return damaged(it->first, what);
        }
        return {};
    }

    Status addRootEdges() {
        const YAML::Node recorded = yamlChild(rootEntry_, "dependencies");
        for (const auto& d : root_.declaredDependencies()) {
            // The root entry records each dependency as berry normalised it ("npm:^1.0.0");
            // without it, a plain semver range gets berry's default npm: protocol.
            std::string range = d.spec;
            if (recorded.IsMap() && yamlChild(recorded, d.name).IsScalar())
                range = yamlChild(recorded, d.name).Scalar();
            else if (range.find(':') == std::string::npos && range.find('/') == std::string::npos)
                range = "npm:" + range;
            if (auto to = lookup(d.name, range)) {
                graph_.addEdge({0, *to, d.name, d.spec, d.type});
                continue;
            }
            VIGIL_TRY(reportUnlockedDependency(graph_, file_, d,
                                               "the lockfile has no entry \"" + d.name + "@" + range + "\"", "yarn"));
        }
        return {};
    }
};

}  // namespace

Result<PackageGraph> parseYarnBerryLockfile(std::string_view text, const std::string& fileName,
                                            const Manifest& root) {
    auto doc = parseYamlDocument(text, fileName);
    if (!doc)
        return std::move(doc).error();
    try {
        return YarnBerryReader(fileName, root).read(*doc);
    } catch (const YAML::Exception& e) {
        // yaml-cpp throws on a conversion we did not guard; it is still the file's fault.
        return makeError(ErrorCode::Input, fileName + ": unexpected lockfile shape: " + e.msg);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Internal, fileName + ": " + e.what());
    }
}

}  // namespace vigil::engine::resolve
