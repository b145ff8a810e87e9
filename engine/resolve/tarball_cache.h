// @brief TarballCache: content-addressed store of verified package tarballs and their extracted trees.
#pragma once

#include "engine/core/result.h"
#include "engine/resolve/integrity.h"
#include "engine/resolve/safe_extract.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::engine::resolve {

/// A tarball accepted into the cache.
struct StoredTarball {
    std::filesystem::path path;  ///< root/content/<algo>/<hex[0..2]>/<hex>
    std::string integrity;       ///< the SRI it was verified against, or the sha512 we computed
};

/// Layout under `root` (one file system, so every publish is a rename):
///   content/<algo>/<hh>/<hex>   tarballs, named by the strongest hash they were verified with
///   extracted/<sha512 hex>/     their trees, extracted once with extractTarball
///   verified/<algo>/<hh>/<hex>  stamps: the file identity (inode, size, mtime, ctime) and sha512
///                               of a tarball when it last passed re-verification
///   tmp/                        private staging; never read from
/// Nothing becomes visible under content/ or extracted/ before it is complete and verified, so
/// several processes may share one cache. Methods are safe to call from several threads.
class TarballCache {
public:
    explicit TarballCache(std::filesystem::path root);

    [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }

    /// Moves `downloadedFile` into the cache. The bytes are hashed after they are in private
    /// staging — the copy we keep is the copy we checked — and must match `expectedIntegrity`
    /// (Integrity error naming the package, expected and actual hash; the download is deleted).
    /// An empty `expectedIntegrity` means "trust on first use": sha512 is computed and returned.
    Result<StoredTarball> store(const std::filesystem::path& downloadedFile, std::string_view expectedIntegrity,
                                std::string_view packageId);

    /// The cached tarball for any hash of `integrity` (strongest first), without re-hashing it.
    [[nodiscard]] std::optional<std::filesystem::path> find(std::string_view integrity) const;

    /// The extracted tree of the cached tarball, extracting it on first use. The tarball is
    /// re-hashed first unless it is unchanged since its last successful check (verified/ stamp):
    /// a cached file that no longer matches is removed and reported as an Integrity error. Concurrent callers each extract into staging; the first rename wins and
    /// the others discard their copy, so exactly one tree is ever published.
    Result<std::filesystem::path> extracted(std::string_view integrity, std::string_view packageId,
                                            const ExtractLimits& limits = {});

private:
    [[nodiscard]] std::filesystem::path contentPath(const IntegrityHash& hash) const;
    /// verified/<algo>/<hh>/<hex>: the stamp of content/<algo>/<hh>/<hex>.
    [[nodiscard]] std::filesystem::path stampPath(const std::filesystem::path& tarball) const;
    /// The sha512 (hex) a stamp recorded for `tarball` if the file is unchanged since; else empty.
    [[nodiscard]] std::optional<std::string> verifiedSha512(const std::filesystem::path& tarball) const;
    void stampVerified(const std::filesystem::path& tarball, const std::string& sha512Hex) const;

    std::filesystem::path root_;
};

}  // namespace vigil::engine::resolve
