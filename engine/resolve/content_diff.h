// @brief diffContents / diffPackageFile: one file's line diff between two package versions (libgit2's xdiff), bounded for binary and large files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"

namespace vigil::engine::resolve {

/// A file over this many bytes on either side gets no line diff: a reviewer cannot read a
/// minified megabyte line by line, and diffing two of them would stall the caller for seconds.
inline constexpr std::uint64_t kMaxContentDiffBytes = 1u << 20;

struct ContentDiffOptions {
    std::uint64_t maxBytes = kMaxContentDiffBytes;
    int contextLines = 3;  ///< unchanged lines shown around each change, as `diff -u`
};

/// One line of a hunk.
struct DiffLine {
    char origin = ' ';  ///< ' ' unchanged, '+' only in the newer file, '-' only in the older
    int oldLine = 0;    ///< 1-based line number in the older file; 0 for an added line
    int newLine = 0;    ///< 1-based line number in the newer file; 0 for a removed line
    std::string text;   ///< the line without its line end, bytes as in the file
    bool noNewlineAtEnd = false;  ///< the file's last line, without a final newline

    bool operator==(const DiffLine&) const = default;
};

/// A run of changes with its context, as one `@@ -a,b +c,d @@` block of a unified diff.
struct DiffHunk {
    int oldStart = 0, oldLines = 0, newStart = 0, newLines = 0;
    std::string header;  ///< "@@ -1,3 +1,4 @@" plus the enclosing function line when xdiff finds one
    std::vector<DiffLine> lines;
};

/// Why a file has no line diff, or that it has one.
enum class ContentDiffKind {
    Text,      ///< `hunks` hold the line diff (none when the contents are equal)
    Binary,    ///< either side holds a NUL byte in its first 8000 bytes, as git decides
    TooLarge,  ///< either side is larger than ContentDiffOptions::maxBytes
    Symlink,   ///< either side is a symbolic link: `note` compares the targets
};

/// One file compared between an older and a newer version of a package.
struct ContentDiff {
    std::string path;
    ContentDiffKind kind = ContentDiffKind::Text;
    bool inOlder = true;   ///< false: the newer version added the file (all lines '+')
    bool inNewer = true;   ///< false: the newer version removed it (all lines '-')
    std::uint64_t olderBytes = 0, newerBytes = 0;
    int added = 0, removed = 0;  ///< '+' and '-' lines over all hunks
    std::vector<DiffHunk> hunks;
    std::string note;  ///< for kinds other than Text: what to show instead ("binary file, 1.2 KiB → 1.4 KiB")

    /// `diff -u` form: "--- a/path", "+++ b/path", the hunks; the note for files without a line diff.
    [[nodiscard]] std::string unified() const;
};

[[nodiscard]] const char* contentDiffKindName(ContentDiffKind kind);

/// The line diff of two in-memory contents of `path`. `inOlder` / `inNewer` false means that
/// side does not exist (its content must then be empty). Errors only when libgit2 fails.
Result<ContentDiff> diffContents(std::string_view older, std::string_view newer, const std::string& path,
                                 bool inOlder = true, bool inNewer = true, const ContentDiffOptions& options = {});

/// `path` (relative, '/'-separated, as ExtractedFile::path) read from two extracted package trees
/// and compared. A file larger than the bound is not read. A path that is absolute, holds "..",
/// is in neither tree, or is neither a regular file nor a symlink is an error naming it and the
/// trees. The final component is never followed: a symlink is compared by its target.
Result<ContentDiff> diffPackageFile(const std::filesystem::path& olderTree, const std::filesystem::path& newerTree,
                                    const std::string& path, const ContentDiffOptions& options = {});

}  // namespace vigil::engine::resolve
