#include "engine/resolve/safe_extract.h"

#include "engine/resolve/extraction_root.h"
#include "engine/resolve/integrity.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <system_error>

namespace vigil::engine::resolve {

namespace {

constexpr std::size_t kReadBlock = 64 * 1024;

struct ArchiveFree {
    void operator()(archive* a) const noexcept { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

/// Splits a tar path (or hard-link target) into components and strips the package folder.
/// An empty `out` means "only the top folder itself": npm skips such entries.
Status splitEntryPath(std::string_view raw, PathComponents& out) {
    out.clear();
    if (raw.empty()) return makeError(ErrorCode::Input, "empty path");
    if (raw.front() == '/') return makeError(ErrorCode::Unsafe, "absolute path", "a package may only write inside its own folder");
    std::size_t pos = 0;
    while (pos <= raw.size()) {
        std::size_t slash = raw.find('/', pos);
        if (slash == std::string_view::npos) slash = raw.size();
        std::string_view part = raw.substr(pos, slash - pos);
        pos = slash + 1;
        // Refuse ".." anywhere, even where it would cancel out ("package/a/../b"): no honest
        // packer writes it, and refusing is simpler to trust than normalising.
        if (part == "..") return makeError(ErrorCode::Unsafe, "path has a '..' component", "a package may only write inside its own folder");
        if (part.empty() || part == ".") continue;
        out.emplace_back(part);
    }
    if (out.size() <= 1) {
        out.clear();
        return {};
    }
    out.erase(out.begin());  // npm's strip of the first component, whatever it is called
    return {};
}

const char* pathOf(archive_entry* entry) {
    const char* utf8 = archive_entry_pathname_utf8(entry);
    return utf8 ? utf8 : archive_entry_pathname(entry);
}

const char* symlinkOf(archive_entry* entry) {
    const char* utf8 = archive_entry_symlink_utf8(entry);
    return utf8 ? utf8 : archive_entry_symlink(entry);
}

const char* hardlinkOf(archive_entry* entry) {
    const char* utf8 = archive_entry_hardlink_utf8(entry);
    return utf8 ? utf8 : archive_entry_hardlink(entry);
}

const char* specialTypeName(mode_t type) {
    switch (type) {
    case AE_IFCHR: return "character device";
    case AE_IFBLK: return "block device";
    case AE_IFIFO: return "FIFO";
    case AE_IFSOCK: return "socket";
    default: return "entry of unknown type";
    }
}

Status writeAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return makeError(ErrorCode::Io, "write failed", std::strerror(errno));
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return {};
}

std::uint64_t saturatingMultiply(std::uint64_t a, std::uint64_t b) {
    if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return std::numeric_limits<std::uint64_t>::max();
    return a * b;
}

/// One extraction: the archive, the destination and the running totals the limits apply to.
class Extraction {
public:
    Extraction(std::filesystem::path tgz, ExtractionRoot root, const ExtractLimits& limits, std::uint64_t compressedBytes)
        : tgz_(std::move(tgz)), root_(std::move(root)), limits_(limits) {
        ratioBudget_ = limits.maxCompressionRatio == 0
                           ? std::numeric_limits<std::uint64_t>::max()
                           : std::max(saturatingMultiply(compressedBytes, limits.maxCompressionRatio), limits.ratioExemptBytes);
    }

    Result<std::vector<ExtractedFile>> run();

private:
    Error tarballError(ErrorCode code, std::string primary, std::string secondary = {}) const {
        return makeError(code, "tarball " + tgz_.string() + ": " + primary, std::move(secondary));
    }
    Error entryError(const std::string& entry, const Error& cause) const {
        return cause.withContext("tarball " + tgz_.string() + ": entry '" + entry + "'");
    }
    Error archiveError(archive* a) const {
        const char* text = archive_error_string(a);
        return tarballError(ErrorCode::Input, "is not a readable gzip'd tar archive", text ? text : "unknown libarchive error");
    }

    Status extractEntry(archive* a, archive_entry* entry);
    Status extractRegular(archive* a, archive_entry* entry, const std::string& raw, const PathComponents& path);
    void record(ExtractedFile file);

    std::filesystem::path tgz_;
    ExtractionRoot root_;
    ExtractLimits limits_;
    std::uint64_t ratioBudget_ = 0;
    std::uint64_t entries_ = 0;
    std::uint64_t declaredBytes_ = 0;
    std::uint64_t writtenBytes_ = 0;
    std::map<std::string, ExtractedFile> files_;  // by path: a later duplicate replaces the record
    std::array<char, kReadBlock> buffer_{};
};

Result<std::vector<ExtractedFile>> Extraction::run() {
    ArchivePtr a(archive_read_new());
    if (!a) return tarballError(ErrorCode::Internal, "libarchive could not allocate a reader");
    // Only gzip and tar: npm tarballs are nothing else, and every extra decoder is attack surface.
    archive_read_support_filter_gzip(a.get());
    archive_read_support_format_tar(a.get());
    if (archive_read_open_filename(a.get(), tgz_.c_str(), kReadBlock) != ARCHIVE_OK) return archiveError(a.get());

    for (;;) {
        archive_entry* entry = nullptr;
        int rc = archive_read_next_header(a.get(), &entry);
        if (rc == ARCHIVE_EOF) break;
        if (rc < ARCHIVE_WARN) return archiveError(a.get());  // WARN (e.g. charset conversion) is not fatal
        VIGIL_TRY(extractEntry(a.get(), entry));
    }
    if (auto st = root_.verifySymlinks(); !st.ok()) return st.error().withContext("tarball " + tgz_.string());

    std::vector<ExtractedFile> out;
    out.reserve(files_.size());
    for (auto& [path, file] : files_) out.push_back(std::move(file));
    return out;
}

Status Extraction::extractEntry(archive* a, archive_entry* entry) {
    const char* rawPath = pathOf(entry);
    if (!rawPath) return tarballError(ErrorCode::Input, "an entry has no readable path");
    const std::string raw(rawPath);

    if (++entries_ > limits_.maxFiles)
        return entryError(raw, makeError(ErrorCode::Unsafe, "more than " + std::to_string(limits_.maxFiles) + " entries",
                                         "the extraction limit guards against file-count bombs"));
    if (raw.size() > limits_.maxPathLength)
        return entryError(raw.substr(0, 120) + "…", makeError(ErrorCode::Unsafe, "path longer than " +
                                                                                    std::to_string(limits_.maxPathLength) + " bytes"));
    PathComponents path;
    if (auto st = splitEntryPath(raw, path); !st.ok()) return entryError(raw, st.error());

    if (const char* hardlink = hardlinkOf(entry)) {
        PathComponents source;
        std::string target(hardlink);
        if (target.size() > limits_.maxPathLength)
            return entryError(raw, makeError(ErrorCode::Unsafe, "hard link target longer than " + std::to_string(limits_.maxPathLength) + " bytes"));
        if (auto st = splitEntryPath(target, source); !st.ok())
            return entryError(raw, st.error().withContext("hard link to '" + target + "'"));
        if (path.empty()) return {};
        if (source.empty())
            return entryError(raw, makeError(ErrorCode::Unsafe, "hard link to '" + target + "', outside the package folder"));
        if (auto st = root_.makeHardlink(path, source); !st.ok()) return entryError(raw, st.error());
        auto it = files_.find(joinComponents(source));
        if (it != files_.end()) {
            ExtractedFile copy = it->second;
            copy.path = joinComponents(path);
            record(std::move(copy));
        }
        return {};
    }

    const auto type = archive_entry_filetype(entry);
    switch (type) {
    case AE_IFREG:
        if (path.empty()) return {};
        return extractRegular(a, entry, raw, path);
    case AE_IFDIR:
        if (auto st = root_.makeDirectory(path); !st.ok()) return entryError(raw, st.error());
        return {};
    case AE_IFLNK: {
        const char* target = symlinkOf(entry);
        if (!target) return entryError(raw, makeError(ErrorCode::Input, "symlink without a readable target"));
        std::string text(target);
        if (text.size() > limits_.maxPathLength)
            return entryError(raw, makeError(ErrorCode::Unsafe, "symlink target longer than " + std::to_string(limits_.maxPathLength) + " bytes"));
        if (text.empty()) return entryError(raw, makeError(ErrorCode::Input, "symlink with an empty target"));
        if (path.empty()) return {};
        if (auto st = root_.makeSymlink(path, text); !st.ok()) return entryError(raw, st.error());
        record({.path = joinComponents(path), .size = 0, .mode = 0777, .sha256 = {}, .executable = false, .symlinkTarget = text});
        return {};
    }
    default:
        // Devices, FIFOs and sockets have no place in a package; a FIFO alone can hang a reader.
        return entryError(raw, makeError(ErrorCode::Unsafe, std::string(specialTypeName(type)) + " entries are not allowed"));
    }
}

Status Extraction::extractRegular(archive* a, archive_entry* entry, const std::string& raw, const PathComponents& path) {
    // Header sizes give an early, cheap refusal; the real limits are enforced on bytes read below.
    if (archive_entry_size_is_set(entry)) {
        auto declared = static_cast<std::uint64_t>(std::max<la_int64_t>(archive_entry_size(entry), 0));
        if (declared > limits_.maxFileBytes)
            return entryError(raw, makeError(ErrorCode::Unsafe, "declares " + std::to_string(declared) +
                                                                    " bytes, over the per-file limit of " + std::to_string(limits_.maxFileBytes)));
        declaredBytes_ += declared;
        if (declaredBytes_ > limits_.maxTotalBytes)
            return entryError(raw, makeError(ErrorCode::Unsafe, "the package declares more than " +
                                                                    std::to_string(limits_.maxTotalBytes) + " bytes in total"));
        if (declaredBytes_ > ratioBudget_)
            return entryError(raw, makeError(ErrorCode::Unsafe, "the package declares " + std::to_string(declaredBytes_) +
                                                                    " bytes, over " + std::to_string(limits_.maxCompressionRatio) +
                                                                    " times the size of the tarball",
                                             "likely a decompression bomb"));
    }

    // npm's normalisation: executable or not, nothing else survives (setuid/setgid/sticky,
    // group/world write).
    const bool executable = (archive_entry_perm(entry) & 0111) != 0;
    const mode_t mode = executable ? 0755 : 0644;
    auto fd = root_.createFile(path, mode);
    if (!fd.ok()) return entryError(raw, fd.error());

    Hasher hasher(HashAlgorithm::Sha256);
    std::uint64_t fileBytes = 0;
    for (;;) {
        la_ssize_t n = archive_read_data(a, buffer_.data(), buffer_.size());
        if (n == 0) break;
        if (n < 0) {
            const char* text = archive_error_string(a);
            return entryError(raw, makeError(ErrorCode::Input, "corrupt or truncated data", text ? text : ""));
        }
        const auto chunk = static_cast<std::uint64_t>(n);
        fileBytes += chunk;
        writtenBytes_ += chunk;
        // Checked before writing, so at most the limit ever reaches the disk.
        if (fileBytes > limits_.maxFileBytes)
            return entryError(raw, makeError(ErrorCode::Unsafe, "more than " + std::to_string(limits_.maxFileBytes) + " bytes of data",
                                             "over the per-file limit"));
        if (writtenBytes_ > limits_.maxTotalBytes)
            return entryError(raw, makeError(ErrorCode::Unsafe, "the package unpacks to more than " +
                                                                    std::to_string(limits_.maxTotalBytes) + " bytes",
                                             "likely a decompression bomb"));
        if (writtenBytes_ > ratioBudget_)
            return entryError(raw, makeError(ErrorCode::Unsafe, "the package unpacks to over " + std::to_string(limits_.maxCompressionRatio) +
                                                                    " times the size of the tarball",
                                             "likely a decompression bomb"));
        if (auto st = writeAll(fd->get(), buffer_.data(), static_cast<std::size_t>(n)); !st.ok()) return entryError(raw, st.error());
        hasher.update(buffer_.data(), static_cast<std::size_t>(n));
    }
    auto digest = hasher.finish();
    if (!digest.ok()) return entryError(raw, digest.error());
    record({.path = joinComponents(path), .size = fileBytes, .mode = static_cast<std::uint32_t>(mode),
            .sha256 = toHex(*digest), .executable = executable, .symlinkTarget = {}});
    return {};
}

void Extraction::record(ExtractedFile file) {
    std::string key = file.path;
    files_.insert_or_assign(std::move(key), std::move(file));
}

}  // namespace

Result<std::vector<ExtractedFile>> extractTarball(const std::filesystem::path& tgz, const std::filesystem::path& destDir,
                                                  const ExtractLimits& limits) {
    std::error_code ec;
    const auto compressed = std::filesystem::file_size(tgz, ec);
    if (ec) return makeError(ErrorCode::Io, "cannot read tarball " + tgz.string(), ec.message());
    if (std::filesystem::symlink_status(destDir, ec).type() != std::filesystem::file_type::not_found)
        return makeError(ErrorCode::Io, "cannot extract " + tgz.string() + ": " + destDir.string() + " already exists",
                         "extraction needs a fresh directory so nothing stale mixes with the package");

    auto root = ExtractionRoot::create(destDir);
    if (!root.ok()) return std::move(root).error().withContext("cannot extract " + tgz.string());
    auto result = Extraction(tgz, std::move(*root), limits, compressed).run();
    if (!result.ok()) {
        // Nothing half-extracted may survive: a caller that ignores the error must not find a
        // plausible-looking package. remove_all does not follow symlinks.
        std::filesystem::remove_all(destDir, ec);
    }
    return result;
}

}  // namespace vigil::engine::resolve
