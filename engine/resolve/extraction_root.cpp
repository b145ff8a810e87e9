#include "engine/resolve/extraction_root.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>

namespace vigil::engine::resolve {

namespace {

constexpr mode_t kDirMode = 0755;
constexpr int kMaxSymlinkHops = 40;  // the kernel's MAXSYMLINKS: more would fail with ELOOP anyway
constexpr int kDirOpenFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

std::string errnoText(int err) { return std::strerror(err); }

Error ioError(const std::string& what, int err) { return makeError(ErrorCode::Io, what, errnoText(err)); }

std::deque<std::string> splitTarget(std::string_view target) {
    std::deque<std::string> parts;
    std::size_t pos = 0;
    while (pos <= target.size()) {
        std::size_t slash = target.find('/', pos);
        if (slash == std::string_view::npos) slash = target.size();
        parts.emplace_back(target.substr(pos, slash - pos));
        pos = slash + 1;
    }
    return parts;
}

}  // namespace

std::string joinComponents(const PathComponents& components) {
    std::string out;
    for (const auto& c : components) {
        if (!out.empty()) out.push_back('/');
        out += c;
    }
    return out;
}

bool linkTargetStaysInside(const PathComponents& link, std::string_view target) {
    if (target.empty() || target.front() == '/') return false;
    std::size_t depth = link.empty() ? 0 : link.size() - 1;  // the link's own directory
    for (const auto& part : splitTarget(target)) {
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (depth == 0) return false;
            --depth;
        } else {
            ++depth;
        }
    }
    return true;
}

UniqueFd::~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

int UniqueFd::release() noexcept {
    int fd = fd_;
    fd_ = -1;
    return fd;
}

ExtractionRoot::ExtractionRoot(UniqueFd root, std::filesystem::path dir) : root_(std::move(root)), dir_(std::move(dir)) {}

Result<ExtractionRoot> ExtractionRoot::create(const std::filesystem::path& dir) {
    if (::mkdir(dir.c_str(), kDirMode) != 0) return ioError("cannot create " + dir.string(), errno);
    UniqueFd fd(::open(dir.c_str(), kDirOpenFlags));
    if (!fd.valid()) return ioError("cannot open " + dir.string(), errno);
    ::fchmod(fd.get(), kDirMode);  // the umask must not make the package unreadable to the sandbox
    return ExtractionRoot(std::move(fd), dir);
}

Result<UniqueFd> ExtractionRoot::openDirectory(const PathComponents& path, std::size_t count, bool create) const {
    UniqueFd current(::fcntl(root_.get(), F_DUPFD_CLOEXEC, 0));
    if (!current.valid()) return ioError("cannot duplicate the descriptor of " + dir_.string(), errno);
    for (std::size_t i = 0; i < count; ++i) {
        const std::string& name = path[i];
        // O_NOFOLLOW: a symlink the archive planted here must not lead the walk anywhere.
        int fd = ::openat(current.get(), name.c_str(), kDirOpenFlags);
        bool created = false;
        if (fd < 0 && errno == ENOENT && create) {
            if (::mkdirat(current.get(), name.c_str(), kDirMode) != 0 && errno != EEXIST)
                return ioError("cannot create directory '" + joinComponents({path.begin(), path.begin() + i + 1}) +
                                   "' in " + dir_.string(),
                               errno);
            created = true;
            fd = ::openat(current.get(), name.c_str(), kDirOpenFlags);
        }
        if (fd < 0) {
            int err = errno;
            std::string so_far = joinComponents({path.begin(), path.begin() + i + 1});
            if (err == ELOOP || err == ENOTDIR)
                return makeError(ErrorCode::Unsafe,
                                 "'" + so_far + "' is a symlink or a file, not a directory: refusing to write through it",
                                 "a tarball that creates a link and then writes through it is trying to escape its folder");
            if (err == ENOENT) return makeError(ErrorCode::Unsafe, "'" + so_far + "' does not exist");
            return ioError("cannot open '" + so_far + "' in " + dir_.string(), err);
        }
        if (created) ::fchmod(fd, kDirMode);
        current = UniqueFd(fd);
    }
    return current;
}

Result<int> ExtractionRoot::openParent(const PathComponents& path, bool create) {
    PathComponents parent(path.begin(), path.end() - 1);
    if (cachedParentValid_ && parent == cachedParentPath_) return cachedParent_.get();
    auto fd = openDirectory(path, path.size() - 1, create);
    if (!fd.ok()) return std::move(fd).error();
    cachedParent_ = std::move(*fd);
    cachedParentPath_ = std::move(parent);
    cachedParentValid_ = true;
    return cachedParent_.get();
}

Status ExtractionRoot::requireFree(int dirFd, const PathComponents& path) {
    struct stat st {};
    if (::fstatat(dirFd, path.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
        return makeError(ErrorCode::Unsafe, "'" + joinComponents(path) + "' already exists",
                         "a duplicate entry may only replace a regular file with a regular file");
    if (errno != ENOENT) return ioError("cannot inspect '" + joinComponents(path) + "'", errno);
    return {};
}

Status ExtractionRoot::makeDirectory(const PathComponents& path) {
    if (path.empty()) return {};
    auto fd = openDirectory(path, path.size(), /*create=*/true);
    if (!fd.ok()) return std::move(fd).error();
    return {};
}

Result<UniqueFd> ExtractionRoot::createFile(const PathComponents& path, mode_t mode) {
    auto parent = openParent(path, /*create=*/true);
    if (!parent.ok()) return std::move(parent).error();
    const char* name = path.back().c_str();
    struct stat st {};
    if (::fstatat(*parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (!S_ISREG(st.st_mode))
            return makeError(ErrorCode::Unsafe,
                             "'" + joinComponents(path) + "' already exists as a " +
                                 (S_ISLNK(st.st_mode) ? "symlink" : S_ISDIR(st.st_mode) ? "directory" : "special file") +
                                 ": refusing to replace it with a file",
                             "a tarball that replaces a link with a file is trying to write through the link");
        // Unlink rather than truncate: the old inode may be hard-linked to another entry.
        if (::unlinkat(*parent, name, 0) != 0) return ioError("cannot replace '" + joinComponents(path) + "'", errno);
    } else if (errno != ENOENT) {
        return ioError("cannot inspect '" + joinComponents(path) + "'", errno);
    }
    // O_EXCL|O_NOFOLLOW: create a new inode here or fail — never open whatever appeared meanwhile.
    UniqueFd fd(::openat(*parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!fd.valid()) return ioError("cannot create '" + joinComponents(path) + "'", errno);
    // The umask could widen nothing but may narrow; set the normalised mode exactly.
    if (::fchmod(fd.get(), mode) != 0) return ioError("cannot set the mode of '" + joinComponents(path) + "'", errno);
    return fd;
}

Status ExtractionRoot::makeSymlink(const PathComponents& path, const std::string& target) {
    if (!linkTargetStaysInside(path, target))
        return makeError(ErrorCode::Unsafe, "symlink to '" + target + "' points outside the package");
    auto parent = openParent(path, /*create=*/true);
    if (!parent.ok()) return std::move(parent).error();
    VIGIL_TRY(requireFree(*parent, path));
    if (::symlinkat(target.c_str(), *parent, path.back().c_str()) != 0)
        return ioError("cannot create symlink '" + joinComponents(path) + "'", errno);
    symlinks_.push_back(path);
    return {};
}

Status ExtractionRoot::makeHardlink(const PathComponents& path, const PathComponents& source) {
    auto sourceDir = openDirectory(source, source.size() - 1, /*create=*/false);
    if (!sourceDir.ok()) return std::move(sourceDir).error().withContext("hard link source '" + joinComponents(source) + "'");
    struct stat st {};
    // Only regular files already inside the root: linking a symlink or a directory could
    // smuggle in what makeSymlink/makeDirectory would have refused.
    if (::fstatat(sourceDir->get(), source.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return makeError(ErrorCode::Unsafe,
                         "hard link to '" + joinComponents(source) + "', which is not a regular file of this package");
    auto parent = openParent(path, /*create=*/true);
    if (!parent.ok()) return std::move(parent).error();
    VIGIL_TRY(requireFree(*parent, path));
    // flags 0: linkat does not follow a symlink at the source.
    if (::linkat(sourceDir->get(), source.back().c_str(), *parent, path.back().c_str(), 0) != 0)
        return ioError("cannot create hard link '" + joinComponents(path) + "'", errno);
    return {};
}

Status ExtractionRoot::verifySymlinks() const {
    for (const auto& link : symlinks_) {
        // `resolved` only ever holds real directories (or names that do not exist), because
        // every symlink met on the way is expanded in place, so fstatat below never follows one
        // except at the last component, which AT_SYMLINK_NOFOLLOW prevents.
        PathComponents resolved(link.begin(), link.end() - 1);
        std::deque<std::string> pending = {link.back()};
        int hops = 0;
        while (!pending.empty()) {
            std::string part = std::move(pending.front());
            pending.pop_front();
            if (part.empty() || part == ".") continue;
            if (part == "..") {
                if (resolved.empty())
                    return makeError(ErrorCode::Unsafe,
                                     "symlink '" + joinComponents(link) + "' resolves outside the package",
                                     "it escapes through other symlinks of the same tarball");
                resolved.pop_back();
                continue;
            }
            resolved.push_back(std::move(part));
            std::string relative = joinComponents(resolved);
            struct stat st {};
            if (::fstatat(root_.get(), relative.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(st.st_mode))
                continue;  // a directory, a file or dangling: the text walk stays exact
            if (++hops > kMaxSymlinkHops)
                return makeError(ErrorCode::Unsafe, "symlink '" + joinComponents(link) + "' is part of a symlink loop");
            std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
            ssize_t n = ::readlinkat(root_.get(), relative.c_str(), target.data(), target.size());
            if (n < 0) return ioError("cannot read symlink '" + relative + "'", errno);
            target.resize(static_cast<std::size_t>(n));
            if (target.empty() || target.front() == '/')
                return makeError(ErrorCode::Unsafe, "symlink '" + joinComponents(link) + "' resolves outside the package");
            resolved.pop_back();
            auto parts = splitTarget(target);
            pending.insert(pending.begin(), parts.begin(), parts.end());
        }
    }
    return {};
}

}  // namespace vigil::engine::resolve
