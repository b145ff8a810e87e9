// @brief Finds and reads a project's lockfile (npm, yarn classic/berry, pnpm) into a PackageGraph.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "engine/core/result.h"
#include "engine/resolve/manifest.h"
#include "engine/resolve/package_graph.h"

namespace vigil::engine::resolve {

enum class LockfileKind { NpmShrinkwrap, NpmPackageLock, YarnClassic, YarnBerry, Pnpm };
const char* lockfileKindName(LockfileKind kind) noexcept;

/// The lockfile npm itself would honour in `dir`: npm-shrinkwrap.json, then package-lock.json,
/// then yarn.lock, then pnpm-lock.yaml. Nothing when the folder has none.
std::optional<std::filesystem::path> findLockfile(const std::filesystem::path& dir);

/// Reads dir/package.json (required: Input error when missing or malformed) and the lockfile
/// findLockfile picks (NotFound error when there is none, so the caller can resolve from the
/// registry instead). The root node carries the manifest's name and version; flags are recomputed.
Result<PackageGraph> loadProject(const std::filesystem::path& dir);

/// Parses lockfile text of the given file name (its base name picks the parser).
Result<PackageGraph> parseLockfile(std::string_view text, const std::string& fileName, const Manifest& root);

// The parsers, one per format. Each takes the lockfile text, the name to use in messages and the
// root project's manifest; root edges come from the manifest, everything else from the lockfile.

/// package-lock.json / npm-shrinkwrap.json, lockfileVersion 1, 2 and 3.
Result<PackageGraph> parseNpmLockfile(std::string_view text, const std::string& fileName, const Manifest& root);
/// yarn.lock of either generation: classic (v1) or berry (YAML with __metadata).
Result<PackageGraph> parseYarnLockfile(std::string_view text, const std::string& fileName, const Manifest& root);
Result<PackageGraph> parseYarnClassicLockfile(std::string_view text, const std::string& fileName,
                                              const Manifest& root);
Result<PackageGraph> parseYarnBerryLockfile(std::string_view text, const std::string& fileName,
                                            const Manifest& root);
/// pnpm-lock.yaml lockfileVersion 5.x, 6.x and 9.x.
Result<PackageGraph> parsePnpmLockfile(std::string_view text, const std::string& fileName, const Manifest& root);

}  // namespace vigil::engine::resolve
