#include "engine/resolve/version_metadata.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unistd.h>

#include "engine/core/file_io.h"
#include "engine/resolve/integrity.h"
#include "engine/resolve/manifest.h"
#include "engine/resolve/registry_client.h"
#include "engine/resolve/semver.h"
#include "engine/resolve/tarball_cache.h"

namespace vigil::engine::resolve {
namespace {

/// The highest published version below `current` (prereleases only when `current` is one).
std::optional<std::string> previousVersionOf(const Packument& packument, const std::string& current) {
    auto now = Version::parse(current);
    if (!now)
        return std::nullopt;
    std::optional<Version> best;
    std::string bestText;
    for (const auto& [text, manifest] : packument.versions) {
        auto v = Version::parse(text);
        if (!v || !(*v < *now))
            continue;
        if (!v->prerelease.empty() && now->prerelease.empty())
            continue;
        if (!best || *best < *v) {
            best = *v;
            bestText = text;
        }
    }
    if (!best)
        return std::nullopt;
    return bestText;
}

}  // namespace

std::string VersionMetadata::toJson() const {
    nlohmann::json j;
    j["description"] = description;
    j["keywords"] = keywords;
    j["license"] = license;
    j["maintainers"] = maintainers;
    j["publisher"] = publisher;
    j["published_at"] = publishedAt;
    j["dist_tags"] = distTags;
    j["install_scripts"] = installScripts;
    j["file_count"] = files.size();
    std::uint64_t bytes = 0;
    for (const auto& f : files)
        bytes += f.size;
    j["unpacked_bytes"] = bytes;
    j["previous_version"] = previousVersion;
    if (diffFromPrevious) {
        j["diff_from_previous"] = {{"added", diffFromPrevious->added},
                                   {"removed", diffFromPrevious->removed},
                                   {"changed", diffFromPrevious->changed}};
    }
    j["warnings"] = warnings;
    return j.dump();
}

Result<std::vector<ExtractedFile>> listPackageFiles(const std::filesystem::path& dir) {
    std::vector<ExtractedFile> files;
    std::error_code ec;
    std::filesystem::recursive_directory_iterator it(dir, std::filesystem::directory_options::none, ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot list " + dir.string() + ": " + ec.message());
    for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (ec)
            return makeError(ErrorCode::Io, "cannot list " + dir.string() + ": " + ec.message());
        const auto& entry = *it;
        const auto status = entry.symlink_status();
        ExtractedFile f;
        f.path = entry.path().lexically_relative(dir).generic_string();
        f.mode = static_cast<std::uint32_t>(status.permissions()) & 07777;
        if (std::filesystem::is_symlink(status)) {
            f.symlinkTarget = std::filesystem::read_symlink(entry.path(), ec).string();
        } else if (std::filesystem::is_regular_file(status)) {
            f.size = entry.file_size(ec);
            f.executable = (f.mode & 0111) != 0;
            auto digest = digestOfFile(HashAlgorithm::Sha256, entry.path());
            if (!digest)
                return std::move(digest).error();
            f.sha256 = toHex(*digest);
        } else {
            continue;  // directories are implied by their files
        }
        files.push_back(std::move(f));
    }
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return files;
}

Result<VersionMetadata> collectVersionMetadata(const PackageNode& node, const std::filesystem::path& extractedDir,
                                               RegistryClient* client, TarballCache& cache) {
    VersionMetadata meta;
    auto files = listPackageFiles(extractedDir);
    if (!files)
        return std::move(files).error().withContext(node.id());
    meta.files = std::move(files).value();

    // Install scripts come from the tarball's own package.json: that is what npm would run,
    // whatever the packument claims.
    if (auto text = readWholeFile(extractedDir / "package.json")) {
        auto manifest = parseManifest(*text, node.id() + "/package.json");
        if (manifest) {
            meta.description = manifest->description;
            meta.keywords = manifest->keywords;
            meta.license = manifest->license;
            for (const char* hook : {"preinstall", "install", "postinstall"})
                if (auto it = manifest->scripts.find(hook); it != manifest->scripts.end())
                    meta.installScripts[hook] = it->second;
            // npm runs `node-gyp rebuild` when binding.gyp exists and no install script is set.
            if (!meta.installScripts.count("install") && !meta.installScripts.count("preinstall") &&
                std::filesystem::exists(extractedDir / "binding.gyp"))
                meta.installScripts["install"] = "node-gyp rebuild";
        } else {
            meta.warnings.push_back(manifest.error().primary);
        }
    } else {
        meta.warnings.push_back(node.id() + ": the tarball has no package.json");
    }

    if (!client || node.source != SourceKind::Registry)
        return meta;

    auto packument = client->packument(node.name, true);
    if (!packument) {
        meta.warnings.push_back("registry metadata unavailable: " + packument.error().primary);
        return meta;
    }
    meta.distTags = packument->distTags;
    if (auto t = packument->time.find(node.version); t != packument->time.end())
        meta.publishedAt = t->second;
    auto describe = [](const Person& p) { return p.email.empty() ? p.name : p.name + " <" + p.email + ">"; };
    if (auto v = packument->versions.find(node.version); v != packument->versions.end()) {
        for (const auto& m : v->second.maintainers)
            meta.maintainers.push_back(describe(m));
        if (v->second.npmUser)
            meta.publisher = describe(*v->second.npmUser);
    }
    if (meta.maintainers.empty())
        for (const auto& m : packument->maintainers)
            meta.maintainers.push_back(describe(m));

    auto previous = previousVersionOf(*packument, node.version);
    if (!previous)
        return meta;
    meta.previousVersion = *previous;
    const VersionManifest& prev = packument->versions.at(*previous);
    const std::string prevId = node.name + "@" + *previous;
    std::optional<std::filesystem::path> tarball;
    if (!prev.dist.integrity.empty())
        tarball = cache.find(prev.dist.integrity);
    std::string integrity = prev.dist.integrity;
    if (!tarball) {
        const auto tmp = cache.root() / "tmp" / ("previous-" + std::to_string(::getpid()) + "-" + node.name.substr(node.name.rfind('/') + 1) + "-" + *previous + ".tgz");
        auto got = client->downloadTarball(prev.dist.tarball, tmp);
        if (!got) {
            meta.warnings.push_back("previous version " + prevId + " not fetched: " + got.error().primary);
            return meta;
        }
        auto stored = cache.store(tmp, prev.dist.integrity, prevId);
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        if (!stored) {
            meta.warnings.push_back("previous version " + prevId + " rejected: " + stored.error().primary);
            return meta;
        }
        integrity = stored->integrity;
    }
    auto prevDir = cache.extracted(integrity, prevId);
    if (!prevDir) {
        meta.warnings.push_back("previous version " + prevId + " not extracted: " + prevDir.error().primary);
        return meta;
    }
    auto prevFiles = listPackageFiles(*prevDir);
    if (!prevFiles) {
        meta.warnings.push_back(prevFiles.error().primary);
        return meta;
    }
    meta.diffFromPrevious = diffFileLists(*prevFiles, meta.files);
    return meta;
}

}  // namespace vigil::engine::resolve
