// @brief extractTarball: unpacks an untrusted npm tarball with traversal, link, type and size protections.
#pragma once

#include "engine/core/result.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace vigil::engine::resolve {

/// Bounds on what one tarball may put on disk. Every byte limit is checked on the bytes actually
/// written, not only on header sizes, and before the write, so at most the limit reaches disk.
struct ExtractLimits {
    std::uint64_t maxTotalBytes = 512ull << 20;  ///< file data summed over the whole package
    std::uint64_t maxFileBytes = 256ull << 20;   ///< one regular file
    std::uint64_t maxFiles = 50000;               ///< entries of any type
    std::uint64_t maxPathLength = 1024;           ///< bytes of an entry's path or link target
    /// Uncompressed bytes (declared, and written) per byte of the .tgz file; 0 disables.
    std::uint64_t maxCompressionRatio = 200;
    /// Packages smaller than this are never refused for their ratio: a 2 KiB tarball holding
    /// 500 KiB of repetitive JSON is odd but harmless, while a bomb needs far more than this.
    std::uint64_t ratioExemptBytes = 1ull << 20;
};

/// One regular file or symlink as it was written (directories are not listed).
struct ExtractedFile {
    std::string path;           ///< relative to destDir, '/'-separated, first tar component stripped
    std::uint64_t size = 0;     ///< bytes written (0 for symlinks)
    std::uint32_t mode = 0;     ///< 0644 or 0755 as written; 0777 for symlinks
    std::string sha256;         ///< lower-case hex of the content; empty for symlinks
    bool executable = false;    ///< mode 0755 (the archive had an execute bit set)
    std::string symlinkTarget;  ///< the link text for symlinks, empty otherwise

    bool operator==(const ExtractedFile&) const = default;
};

/// Extracts the gzip'd tar `tgz` into `destDir`, which must not exist yet (its parent must).
///
/// npm semantics: the first path component ("package/" or any other name) is stripped, as npm
/// does, and entries that are only that component are skipped; modes are normalised to 0755
/// when any execute bit is set, else 0644 (setuid/setgid/sticky are therefore stripped, not
/// refused: npm drops them too and they are harmless on a file we own); directories are 0755;
/// the owner is the current user.
///
/// Refused with ErrorCode::Unsafe, naming the tarball and the entry: absolute paths, any ".."
/// component, symlinks or hard links that lead outside destDir, writes through an existing
/// symlink, a file replacing a symlink or directory, devices, FIFOs, sockets, and anything over
/// `limits`. A corrupt archive is an Input error. On any error destDir is removed entirely.
/// The result is sorted by path; for a duplicated path the later entry wins.
Result<std::vector<ExtractedFile>> extractTarball(const std::filesystem::path& tgz,
                                                  const std::filesystem::path& destDir,
                                                  const ExtractLimits& limits = {});

}  // namespace vigil::engine::resolve
