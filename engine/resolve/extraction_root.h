// @brief ExtractionRoot: creates files, dirs and links under one directory without ever following a symlink.
#pragma once

#include "engine/core/result.h"

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::engine::resolve {

/// A path inside the extraction root, already split and normalised: no "", ".", ".." or '/'.
using PathComponents = std::vector<std::string>;

/// "a/b/c" for messages and ExtractedFile::path.
std::string joinComponents(const PathComponents& components);

/// True if `target`, read relative to the directory of the link at `link`, stays inside the
/// root by text alone (absolute targets and ".." above the root do not). Symlinks along the
/// way are checked separately by ExtractionRoot::verifySymlinks on the finished tree.
bool linkTargetStaysInside(const PathComponents& link, std::string_view target);

/// A file descriptor closed on destruction.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    ~UniqueFd();
    UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    [[nodiscard]] int get() const noexcept { return fd_; }
    [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
    int release() noexcept;

private:
    int fd_ = -1;
};

/// The directory a tarball is extracted into. Every operation walks its path one component at a
/// time with openat(O_NOFOLLOW | O_DIRECTORY), so nothing the archive created earlier — a
/// symlink named like a directory — can redirect a later write outside the root. Errors carry
/// only the reason; the caller adds which tarball and entry they are about.
class ExtractionRoot {
public:
    /// Creates `dir` (which must not exist; its parent must) with mode 0755 and opens it.
    static Result<ExtractionRoot> create(const std::filesystem::path& dir);

    /// Creates the directory and any missing parents (0755); an existing directory is fine,
    /// anything else in the way is Unsafe.
    Status makeDirectory(const PathComponents& path);
    /// Creates a fresh regular file with exactly `mode` and returns it open for writing. An
    /// earlier regular file of the same name is unlinked first (a later duplicate wins, as in
    /// tar, and the old inode — possibly hard-linked elsewhere — is left untouched); a
    /// directory or symlink in the way is Unsafe.
    Result<UniqueFd> createFile(const PathComponents& path, mode_t mode);
    /// Creates a symlink after checking its target stays inside by text; the name must be free.
    Status makeSymlink(const PathComponents& path, const std::string& target);
    /// Hard-links `path` to the regular file `source` extracted earlier; the name must be free.
    Status makeHardlink(const PathComponents& path, const PathComponents& source);
    /// Resolves every symlink created so far against the finished tree, following links inside
    /// it the way the kernel would, and fails Unsafe if one ends up outside the root (chains
    /// like `a -> .` plus `b -> a/..` pass the text check but escape).
    Status verifySymlinks() const;

private:
    ExtractionRoot(UniqueFd root, std::filesystem::path dir);
    /// Opens the directory holding the last component of `path`, creating missing ones if asked.
    Result<int> openParent(const PathComponents& path, bool create);
    Result<UniqueFd> openDirectory(const PathComponents& path, std::size_t count, bool create) const;
    /// Unsafe if anything already exists at `name` in `dirFd`.
    static Status requireFree(int dirFd, const PathComponents& path);

    UniqueFd root_;
    std::filesystem::path dir_;
    // Consecutive tar entries usually share a directory: keep its descriptor instead of
    // walking the path again. Safe because nothing ever replaces a directory once created.
    PathComponents cachedParentPath_;
    UniqueFd cachedParent_;
    bool cachedParentValid_ = false;
    std::vector<PathComponents> symlinks_;
};

}  // namespace vigil::engine::resolve
