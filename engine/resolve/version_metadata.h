// @brief VersionMetadata: what we keep about a package version besides its code.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/resolve/file_diff.h"
#include "engine/resolve/package_graph.h"
#include "engine/resolve/safe_extract.h"

namespace vigil::engine::resolve {

class RegistryClient;
class TarballCache;

/// Maintainers, publish time, dist-tags, install scripts, the file list, and what changed in the
/// files since the previous published version — the facts a reviewer looks at first.
struct VersionMetadata {
    std::string description;
    std::vector<std::string> keywords;
    std::string license;
    std::vector<std::string> maintainers;      ///< "name <email>" as the registry lists them
    std::string publisher;                     ///< _npmUser of this version, when known
    std::string publishedAt;                   ///< ISO 8601 from the packument's `time`
    std::map<std::string, std::string> distTags;
    std::map<std::string, std::string> installScripts;  ///< preinstall/install/postinstall (+ implicit node-gyp)
    std::vector<ExtractedFile> files;
    std::string previousVersion;               ///< the highest earlier published version, if any
    std::optional<FileDiff> diffFromPrevious;  ///< absent when there is no previous version or it could not be fetched
    std::vector<std::string> warnings;         ///< what could not be collected, and why

    /// The JSON form kept in the store and printed by the CLI.
    [[nodiscard]] std::string toJson() const;
};

/// Lists the files of an extracted package tree (relative paths, sizes, modes, sha256).
Result<std::vector<ExtractedFile>> listPackageFiles(const std::filesystem::path& dir);

/// Collects the metadata of one fetched package. `client` may be null (offline, or a package
/// that is not from a registry): then only what the tarball itself says is filled in.
Result<VersionMetadata> collectVersionMetadata(const PackageNode& node, const std::filesystem::path& extractedDir,
                                               RegistryClient* client, TarballCache& cache);

}  // namespace vigil::engine::resolve
