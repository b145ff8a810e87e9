#include "engine/resolve/content_diff.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>

namespace vigil::engine::resolve {

namespace fs = std::filesystem;

namespace {

/// libgit2 keeps global state (allocators, error slots) that must be set up once per process;
/// it is never shut down, since any thread may diff at any time until exit.
void initLibgit2() {
    static std::once_flag once;
    std::call_once(once, [] { git_libgit2_init(); });
}

/// git's own rule (buffer_is_binary in xdiff-interface.c): a NUL byte in the first 8000 bytes.
bool looksBinary(std::string_view content) {
    return content.substr(0, 8000).find('\0') != std::string_view::npos;
}

std::string humanBytes(std::uint64_t bytes) {
    char buffer[32];
    if (bytes < 1024)
        std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
    else if (bytes < (1u << 20))
        std::snprintf(buffer, sizeof buffer, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
    else
        std::snprintf(buffer, sizeof buffer, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return buffer;
}

/// "1.2 KiB → 1.4 KiB", "added, 3.0 KiB", "removed, 12 B".
std::string sizes(const ContentDiff& d) {
    if (!d.inOlder)
        return "added, " + humanBytes(d.newerBytes);
    if (!d.inNewer)
        return "removed, " + humanBytes(d.olderBytes);
    return humanBytes(d.olderBytes) + " → " + humanBytes(d.newerBytes);
}

ContentDiff withoutLines(const std::string& path, ContentDiffKind kind, bool inOlder, bool inNewer,
                         std::uint64_t olderBytes, std::uint64_t newerBytes, std::uint64_t maxBytes) {
    ContentDiff d;
    d.path = path;
    d.kind = kind;
    d.inOlder = inOlder;
    d.inNewer = inNewer;
    d.olderBytes = olderBytes;
    d.newerBytes = newerBytes;
    d.note = kind == ContentDiffKind::Binary
                 ? "binary file (" + sizes(d) + ")"
                 : "too large for a line diff (" + sizes(d) + "; the limit is " + humanBytes(maxBytes) + ")";
    return d;
}

struct Collector {
    ContentDiff* diff;
    bool binary = false;
};

int onFile(const git_diff_delta* delta, float, void* payload) {
    if (delta->flags & GIT_DIFF_FLAG_BINARY)
        static_cast<Collector*>(payload)->binary = true;
    return 0;
}

int onBinary(const git_diff_delta*, const git_diff_binary*, void* payload) {
    static_cast<Collector*>(payload)->binary = true;
    return 0;
}

int onHunk(const git_diff_delta*, const git_diff_hunk* hunk, void* payload) {
    DiffHunk h;
    h.oldStart = hunk->old_start;
    h.oldLines = hunk->old_lines;
    h.newStart = hunk->new_start;
    h.newLines = hunk->new_lines;
    h.header.assign(hunk->header, std::min(hunk->header_len, sizeof hunk->header));
    while (!h.header.empty() && (h.header.back() == '\n' || h.header.back() == '\r'))
        h.header.pop_back();
    static_cast<Collector*>(payload)->diff->hunks.push_back(std::move(h));
    return 0;
}

int onLine(const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line, void* payload) {
    ContentDiff& d = *static_cast<Collector*>(payload)->diff;
    if (d.hunks.empty())
        return 0;  // file header lines of a patch; git_diff_buffers reports none before a hunk
    auto& lines = d.hunks.back().lines;
    switch (line->origin) {
    case GIT_DIFF_LINE_CONTEXT:
    case GIT_DIFF_LINE_ADDITION:
    case GIT_DIFF_LINE_DELETION: {
        DiffLine l;
        l.origin = line->origin;
        l.oldLine = std::max(line->old_lineno, 0);
        l.newLine = std::max(line->new_lineno, 0);
        l.text.assign(line->content, line->content_len);
        if (!l.text.empty() && l.text.back() == '\n')
            l.text.pop_back();
        if (l.origin == '+')
            ++d.added;
        else if (l.origin == '-')
            ++d.removed;
        lines.push_back(std::move(l));
        break;
    }
    case GIT_DIFF_LINE_CONTEXT_EOFNL:
    case GIT_DIFF_LINE_ADD_EOFNL:
    case GIT_DIFF_LINE_DEL_EOFNL:
        // "\ No newline at end of file" follows the line it speaks of.
        if (!lines.empty())
            lines.back().noNewlineAtEnd = true;
        break;
    default: break;
    }
    return 0;
}

/// One side of a package file as read from its tree: absent, a symlink's target, or the content
/// (left empty when it is over the bound, which `size` then says).
struct Side {
    bool exists = false;
    bool symlink = false;
    std::uint64_t size = 0;
    std::string content;  ///< the file's bytes, or the symlink's target
};

Result<Side> readSide(const fs::path& tree, const std::string& path, std::uint64_t maxBytes) {
    const fs::path full = tree / path;
    Side side;
    struct stat st {};
    if (::lstat(full.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return side;
        return makeError(ErrorCode::Io, "cannot read " + full.string(), std::strerror(errno));
    }
    side.exists = true;
    if (S_ISLNK(st.st_mode)) {
        side.symlink = true;
        std::error_code ec;
        const fs::path target = fs::read_symlink(full, ec);
        if (ec)
            return makeError(ErrorCode::Io, "cannot read the link " + full.string(), ec.message());
        side.content = target.string();
        return side;
    }
    if (!S_ISREG(st.st_mode))
        return makeError(ErrorCode::Usage, path + " is not a file of the package",
                         "Only regular files and symlinks have contents to compare (" + full.string() + ").");
    side.size = static_cast<std::uint64_t>(st.st_size);
    if (side.size > maxBytes)
        return side;  // not read: TooLarge says so without loading it
    // O_NOFOLLOW: the final component was a regular file at lstat and must still be one now.
    const int fd = ::open(full.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return makeError(ErrorCode::Io, "cannot open " + full.string(), std::strerror(errno));
    side.content.resize(static_cast<std::size_t>(side.size));
    std::size_t got = 0;
    while (got < side.content.size()) {
        const ssize_t n = ::read(fd, side.content.data() + got, side.content.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            return makeError(ErrorCode::Io, "cannot read " + full.string(), std::strerror(err));
        }
        if (n == 0)
            break;  // shrank since fstat: compare what is there
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    side.content.resize(got);
    side.size = got;
    return side;
}

}  // namespace

const char* contentDiffKindName(ContentDiffKind kind) {
    switch (kind) {
    case ContentDiffKind::Text: return "text";
    case ContentDiffKind::Binary: return "binary";
    case ContentDiffKind::TooLarge: return "too-large";
    case ContentDiffKind::Symlink: return "symlink";
    }
    return "text";
}

std::string ContentDiff::unified() const {
    std::string out = "--- " + (inOlder ? "a/" + path : std::string("/dev/null")) + "\n+++ " +
                      (inNewer ? "b/" + path : std::string("/dev/null")) + "\n";
    if (kind != ContentDiffKind::Text)
        return out + note + "\n";
    for (const auto& h : hunks) {
        out += h.header + "\n";
        for (const auto& l : h.lines) {
            out += l.origin;
            out += l.text;
            out += '\n';
            if (l.noNewlineAtEnd)
                out += "\\ No newline at end of file\n";
        }
    }
    return out;
}

Result<ContentDiff> diffContents(std::string_view older, std::string_view newer, const std::string& path, bool inOlder,
                                 bool inNewer, const ContentDiffOptions& options) {
    if (older.size() > options.maxBytes || newer.size() > options.maxBytes)
        return withoutLines(path, ContentDiffKind::TooLarge, inOlder, inNewer, older.size(), newer.size(), options.maxBytes);
    if (looksBinary(older) || looksBinary(newer))
        return withoutLines(path, ContentDiffKind::Binary, inOlder, inNewer, older.size(), newer.size(), options.maxBytes);
    ContentDiff d;
    d.path = path;
    d.inOlder = inOlder;
    d.inNewer = inNewer;
    d.olderBytes = older.size();
    d.newerBytes = newer.size();
    initLibgit2();
    git_diff_options opts;
    git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
    opts.context_lines = static_cast<std::uint32_t>(std::max(options.contextLines, 0));
    opts.interhunk_lines = 0;
    // Readable hunks for indented code (what `git diff --indent-heuristic` shows by default).
    opts.flags = GIT_DIFF_INDENT_HEURISTIC;
    Collector collector{&d};
    const std::string oldPath = "a/" + path, newPath = "b/" + path;
    const int rc = git_diff_buffers(older.data(), older.size(), oldPath.c_str(), newer.data(), newer.size(),
                                    newPath.c_str(), &opts, onFile, onBinary, onHunk, onLine, &collector);
    if (rc != 0) {
        const git_error* e = git_error_last();
        return makeError(ErrorCode::Internal, "cannot diff " + path, e && e->message ? e->message : "libgit2 failed");
    }
    if (collector.binary)  // libgit2 may call it binary where the NUL rule did not
        return withoutLines(path, ContentDiffKind::Binary, inOlder, inNewer, older.size(), newer.size(), options.maxBytes);
    return d;
}

Result<ContentDiff> diffPackageFile(const fs::path& olderTree, const fs::path& newerTree, const std::string& path,
                                    const ContentDiffOptions& options) {
    // The path may come from a user (`vigil-cli diff --file`): it must stay inside both trees.
    const fs::path rel(path);
    const bool climbs = std::any_of(rel.begin(), rel.end(), [](const fs::path& c) { return c == ".."; });
    if (path.empty() || rel.is_absolute() || climbs)
        return makeError(ErrorCode::Usage, "'" + path + "' is not a path inside a package",
                         "Give the path as the file list shows it, relative to the package root (e.g. lib/index.js).");
    auto older = readSide(olderTree, path, options.maxBytes);
    if (!older)
        return std::move(older).error();
    auto newer = readSide(newerTree, path, options.maxBytes);
    if (!newer)
        return std::move(newer).error();
    if (!older->exists && !newer->exists)
        return makeError(ErrorCode::NotFound, path + " is in neither version of the package",
                         "looked in " + olderTree.string() + " and " + newerTree.string());
    if (older->symlink || newer->symlink) {
        ContentDiff d;
        d.path = path;
        d.kind = ContentDiffKind::Symlink;
        d.inOlder = older->exists;
        d.inNewer = newer->exists;
        const auto describe = [](const Side& s) {
            return !s.exists ? std::string("(absent)") : s.symlink ? "symlink to " + s.content : "regular file, " + humanBytes(s.size);
        };
        d.note = describe(*older) + " → " + describe(*newer);
        return d;
    }
    if (older->size > options.maxBytes || newer->size > options.maxBytes)
        return withoutLines(path, ContentDiffKind::TooLarge, older->exists, newer->exists, older->size, newer->size,
                            options.maxBytes);
    return diffContents(older->content, newer->content, path, older->exists, newer->exists, options);
}

}  // namespace vigil::engine::resolve
