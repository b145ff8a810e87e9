// @brief How lockfiles point at packages: "name@range" selectors and resolved URLs → SourceKind.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/result.h"
#include "engine/resolve/manifest.h"
#include "engine/resolve/package_graph.h"

namespace vigil::engine::resolve {

/// Splits "name@range" at the first '@' after a leading scope '@': "@s/a@^1" → {"@s/a", "^1"},
/// "alias@npm:real@1" → {"alias", "npm:real@1"}. Without a separator the range is empty.
std::pair<std::string, std::string> splitSelector(std::string_view selector);

/// The source kind a lockfile's "resolved" value (URL, path or git reference) stands for.
/// Registry tarballs are recognised by npm's "/-/name-version.tgz" layout, whatever the host:
/// private registries use it too. An empty value means the registry (npm can omit it).
SourceKind classifySource(std::string_view resolved);

/// For "npm:real@range" returns {"real", "range"}; for any other spec two empty strings.
std::pair<std::string, std::string> splitNpmAlias(std::string_view spec);

/// True when the project-relative folder `path` matches one of the manifest's workspace globs
/// ("packages/*", "./tools/cli"). Globs match one path segment per '*', as npm's do.
bool matchesWorkspace(std::string_view path, const std::vector<std::string>& globs);

/// A dependency the project's package.json declares but the lockfile does not resolve. Optional
/// and peer dependencies (and any when `tolerate`) become a warning in `graph`; the rest an Input
/// error at `where` saying the lockfile is stale and to run `<tool> install`.
Status reportUnlockedDependency(PackageGraph& graph, const std::string& where, const DeclaredDependency& d,
                                std::string_view why, std::string_view tool, bool tolerate = false);

}  // namespace vigil::engine::resolve
