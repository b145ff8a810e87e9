#include "engine/resolve/tarball_cache.h"

#include "engine/resolve/extraction_root.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>

namespace vigil::engine::resolve {

namespace {

namespace fs = std::filesystem;

Error ioError(const std::string& what, int err) { return makeError(ErrorCode::Io, what, std::strerror(err)); }

Status makeDirectories(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return makeError(ErrorCode::Io, "cannot create cache directory " + dir.string(), ec.message());
    return {};
}

/// Makes a rename or a new file in `dir` durable.
Status fsyncDirectory(const fs::path& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid() || ::fsync(fd.get()) != 0) return ioError("cannot sync directory " + dir.string(), errno);
    return {};
}

Status copyInto(const fs::path& from, int toFd) {
    UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in.valid()) return ioError("cannot open " + from.string(), errno);
    std::array<char, 64 * 1024> buffer{};
    for (;;) {
        ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return ioError("cannot read " + from.string(), errno);
        if (n == 0) return {};
        for (ssize_t done = 0; done < n;) {
            ssize_t w = ::write(toFd, buffer.data() + done, static_cast<std::size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) return ioError("cannot write to the tarball cache", errno);
            done += w;
        }
    }
}

/// Moves `from` to the new private file `staged` (created by mkstemp, open as `stagedFd`):
/// a rename when on the same file system, else a copy and delete.
Status stageDownload(const fs::path& from, const fs::path& staged, int stagedFd) {
    if (::rename(from.c_str(), staged.c_str()) == 0) return {};
    if (errno != EXDEV) return ioError("cannot move " + from.string() + " into the tarball cache", errno);
    VIGIL_TRY(copyInto(from, stagedFd));
    std::error_code ec;
    fs::remove(from, ec);
    return {};
}

Status syncFile(const fs::path& file) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid() || ::fsync(fd.get()) != 0) return ioError("cannot sync " + file.string(), errno);
    return {};
}

std::string sriOf(HashAlgorithm algorithm, const std::string& raw) { return IntegrityHash{algorithm, raw}.toString(); }

/// What a verification stamp records of the tarball it vouches for. The ctime cannot be set from
/// user space and changes with any write, chmod or replacement, so a file whose identity still
/// matches has not been touched since it was hashed.
std::optional<std::string> fileIdentity(const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return std::nullopt;
    auto ns = [](const timespec& t) { return std::to_string(t.tv_sec) + "." + std::to_string(t.tv_nsec); };
    return "v1 " + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + " " + std::to_string(st.st_size) +
           " " + ns(st.st_mtim) + " " + ns(st.st_ctim);
}

}  // namespace

TarballCache::TarballCache(fs::path root) : root_(std::move(root)) {}

fs::path TarballCache::stampPath(const fs::path& tarball) const {
    return root_ / "verified" / tarball.lexically_relative(root_ / "content");
}

std::optional<std::string> TarballCache::verifiedSha512(const fs::path& tarball) const {
    auto identity = fileIdentity(tarball);
    if (!identity) return std::nullopt;
    std::ifstream in(stampPath(tarball));
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    // "<identity> <sha512 hex>": valid only for exactly the file that was hashed.
    auto space = line.rfind(' ');
    if (space == std::string::npos || line.compare(0, space, *identity) != 0) return std::nullopt;
    std::string hex = line.substr(space + 1);
    if (hex.size() != 128 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
    return hex;
}

void TarballCache::stampVerified(const fs::path& tarball, const std::string& sha512Hex) const {
    // Best effort: without a stamp the next scan simply hashes the tarball again.
    auto identity = fileIdentity(tarball);
    if (!identity) return;
    const fs::path stamp = stampPath(tarball);
    std::error_code ec;
    fs::create_directories(stamp.parent_path(), ec);
    fs::create_directories(root_ / "tmp", ec);
    std::string pattern = (root_ / "tmp" / "stamp-XXXXXX").string();
    UniqueFd fd(::mkstemp(pattern.data()));
    if (!fd.valid()) return;
    const std::string line = *identity + " " + sha512Hex + "\n";
    bool written = ::write(fd.get(), line.data(), line.size()) == static_cast<ssize_t>(line.size());
    fd = UniqueFd();
    if (!written || ::rename(pattern.c_str(), stamp.c_str()) != 0) fs::remove(pattern, ec);
}

fs::path TarballCache::contentPath(const IntegrityHash& hash) const {
    const std::string hex = hash.hex();
    return root_ / "content" / hashAlgorithmName(hash.algorithm) / hex.substr(0, 2) / hex;
}

Result<StoredTarball> TarballCache::store(const fs::path& downloadedFile, std::string_view expectedIntegrity,
                                          std::string_view packageId) {
    const std::string package(packageId);
    std::optional<Integrity> expected;
    if (!expectedIntegrity.empty()) {
        auto parsed = Integrity::parse(expectedIntegrity);
        if (!parsed.ok()) return std::move(parsed).error().withContext(package);
        expected = std::move(*parsed);
    }

    const fs::path staging = root_ / "tmp";
    VIGIL_TRY(makeDirectories(staging));
    std::string pattern = (staging / "download-XXXXXX").string();
    UniqueFd stagedFd(::mkstemp(pattern.data()));
    if (!stagedFd.valid()) return ioError("cannot create a staging file in " + staging.string(), errno);
    const fs::path staged = pattern;
    auto discard = [&] {
        std::error_code ec;
        fs::remove(staged, ec);
    };
    if (auto st = stageDownload(downloadedFile, staged, stagedFd.get()); !st.ok()) {
        discard();
        return st.error().withContext(package);
    }
    stagedFd = UniqueFd();

    // Hash the staged copy, not the download: the bytes we verify are the bytes we keep.
    const HashAlgorithm algorithm = expected ? expected->strongest().algorithm : HashAlgorithm::Sha512;
    auto actual = digestOfFile(algorithm, staged);
    if (!actual.ok()) {
        discard();
        return std::move(actual).error().withContext(package);
    }
    if (expected && !expected->hasDigest(algorithm, *actual)) {
        discard();
        return makeError(ErrorCode::Integrity, "integrity mismatch for " + package + ": the tarball was rejected",
                         "expected " + expected->toString() + ", got " + sriOf(algorithm, *actual));
    }

    const IntegrityHash key{algorithm, *actual};
    const fs::path target = contentPath(key);
    if (auto st = makeDirectories(target.parent_path()); !st.ok()) {
        discard();
        return st.error();
    }
    // Read-only: cached content is immutable; a stray writer should fail loudly.
    ::chmod(staged.c_str(), 0444);
    if (auto st = syncFile(staged); !st.ok()) {
        discard();
        return st.error();
    }
    // rename() replaces a previous (possibly corrupted) copy atomically; readers see old or new.
    if (::rename(staged.c_str(), target.c_str()) != 0) {
        int err = errno;
        discard();
        return ioError("cannot publish the tarball of " + package + " at " + target.string(), err);
    }
    VIGIL_TRY(fsyncDirectory(target.parent_path()));
    return StoredTarball{target, expected ? expected->toString() : sriOf(algorithm, *actual)};
}

std::optional<fs::path> TarballCache::find(std::string_view integrity) const {
    auto parsed = Integrity::parse(integrity);
    if (!parsed.ok()) return std::nullopt;
    for (const auto& hash : parsed->hashes()) {
        fs::path candidate = contentPath(hash);
        std::error_code ec;
        if (fs::symlink_status(candidate, ec).type() == fs::file_type::regular) return candidate;
    }
    return std::nullopt;
}

Result<fs::path> TarballCache::extracted(std::string_view integrity, std::string_view packageId, const ExtractLimits& limits) {
    const std::string package(packageId);
    auto parsed = Integrity::parse(integrity);
    if (!parsed.ok()) return std::move(parsed).error().withContext(package);
    const Integrity& expected = *parsed;

    auto tarball = find(integrity);
    if (!tarball)
        return makeError(ErrorCode::NotFound, "the tarball of " + package + " is not in the cache",
                         "looked for " + expected.toString() + " under " + (root_ / "content").string());

    // Re-verify: the cache lives in the user's home and could have been damaged or tampered with
    // since it was stored; extraction must only ever see verified bytes. A stamp written after the
    // last successful check spares re-hashing a file that has not changed since (size, inode,
    // mtime and ctime all equal) — the warm rescan of a large project otherwise spends most of
    // its time here.
    std::string sha512Hex;
    auto stamped = verifiedSha512(*tarball);
    // The tarball's path is named by one of the expected hashes; when a sha512 is expected too,
    // the stamp's must be it.
    if (stamped && expected.strongest().algorithm == HashAlgorithm::Sha512 &&
        !expected.hasDigest(HashAlgorithm::Sha512, fromHex(*stamped).value_or(std::string())))
        stamped.reset();
    if (stamped) {
        sha512Hex = *stamped;
    } else {
        const HashAlgorithm algorithm = expected.strongest().algorithm;
        auto actual = digestOfFile(algorithm, *tarball);
        if (!actual.ok()) return std::move(actual).error().withContext(package);
        if (!expected.hasDigest(algorithm, *actual)) {
            std::error_code ec;
            fs::remove(*tarball, ec);
            return makeError(ErrorCode::Integrity, "the cached tarball of " + package + " is corrupt: " + tarball->string(),
                             "expected " + expected.toString() + ", got " + sriOf(algorithm, *actual) +
                                 "; the file was removed, fetch the package again");
        }
        if (algorithm == HashAlgorithm::Sha512) {
            sha512Hex = toHex(*actual);
        } else {
            auto digest = digestOfFile(HashAlgorithm::Sha512, *tarball);
            if (!digest.ok()) return std::move(digest).error().withContext(package);
            sha512Hex = toHex(*digest);
        }
        stampVerified(*tarball, sha512Hex);
    }

    const fs::path extractedRoot = root_ / "extracted";
    const fs::path target = extractedRoot / sha512Hex;
    std::error_code ec;
    if (fs::symlink_status(target, ec).type() == fs::file_type::directory) return target;

    const fs::path staging = root_ / "tmp";
    VIGIL_TRY(makeDirectories(staging));
    VIGIL_TRY(makeDirectories(extractedRoot));
    std::string pattern = (staging / "extract-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) return ioError("cannot create a staging directory in " + staging.string(), errno);
    const fs::path stagingDir = pattern;
    auto cleanup = [&] { fs::remove_all(stagingDir, ec); };
    const fs::path tree = stagingDir / "package";

    auto files = extractTarball(*tarball, tree, limits);
    if (!files.ok()) {
        cleanup();
        return std::move(files).error().withContext(package);
    }
    // RENAME_NOREPLACE: if another process or thread published first, keep theirs and drop ours.
    if (::renameat2(AT_FDCWD, tree.c_str(), AT_FDCWD, target.c_str(), RENAME_NOREPLACE) != 0) {
        int err = errno;
        cleanup();
        if (err == EEXIST || err == ENOTEMPTY) return target;
        return ioError("cannot publish the extracted tree of " + package + " at " + target.string(), err);
    }
    cleanup();
    VIGIL_TRY(fsyncDirectory(extractedRoot));
    return target;
}

}  // namespace vigil::engine::resolve
