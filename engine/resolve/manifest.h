// @brief Manifest: the fields of a package.json that resolving and sandboxing need, read strictly.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/result.h"
#include "engine/resolve/package_graph.h"

namespace vigil::engine::resolve {

/// name → spec pairs in the order package.json lists them (order matters for stable output).
using DependencyList = std::vector<std::pair<std::string, std::string>>;

/// One dependency the manifest declares, with the section that decides its type.
struct DeclaredDependency {
    std::string name;
    std::string spec;
    DependencyType type = DependencyType::Prod;
};

/// A package.json. A project root or a package inside a tarball may lack name and version.
struct Manifest {
    std::optional<std::string> name;
    std::optional<std::string> version;
    std::string description;
    std::vector<std::string> keywords;
    std::string license;
    DependencyList dependencies;
    DependencyList devDependencies;
    DependencyList optionalDependencies;
    DependencyList peerDependencies;
    std::vector<std::string> bundleDependencies;
    std::vector<std::string> workspaces;  ///< globs, from either the array or the {packages:[…]} form
    std::map<std::string, std::string> scripts;
    bool gypfile = false;
    std::map<std::string, std::string> bin;  ///< command → file; the string form is keyed by the bare name
    std::string main;

    /// preinstall/install/postinstall present, or gypfile: true (npm then runs node-gyp rebuild).
    [[nodiscard]] bool hasInstallScript() const;

    /// Every declared dependency once, with npm's precedence when a name is in several sections:
    /// optionalDependencies over dependencies, dependencies over devDependencies, peers last.
    [[nodiscard]] std::vector<DeclaredDependency> declaredDependencies() const;
};

/// Reads and parses a package.json file; a missing file is an Input error naming it.
Result<Manifest> readManifestFile(const std::filesystem::path& file);

/// Parses package.json text. Syntax errors name "FILE:LINE:COL"; wrong types name the file and field.
Result<Manifest> parseManifest(std::string_view text, const std::string& fileName);

}  // namespace vigil::engine::resolve
