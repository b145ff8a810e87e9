// Stage 9: the upper dirs (and /tmp) are the record of writes. Read through the helper's fd of the detached
// scratch tmpfs, after every process of the run is dead, so nothing changes under the walk. The
// walk never follows symlinks; besides directories it opens only regular files (O_NOFOLLOW,
// O_NONBLOCK, re-checked after open), to read their first bytes and, when the size is that of a
// body the honeypot served, to hash them: a download is known by its bytes, not by its name.
#include "app/sandbox/upper_changes.h"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "app/sandbox/filesystem.h"
#include "app/sandbox/honeypot_tarball.h"
#include "app/sandbox/protocol.h"
#include "app/sandbox/run_plan.h"

namespace vigil::sandbox {
namespace {

constexpr off_t kMaxHashed = 16 << 20;  // the honeypot's stubs and page are tiny; bound the work anyway

/// VIGIL_CHANGE_SERVED / VIGIL_CHANGE_EXECUTABLE of the regular file `name` in `dirFd`.
uint32_t contentFlags(int dirFd, const char* name, const struct stat& st, const std::vector<ServedBody>& served) {
    uint32_t flags = (st.st_mode & 0111) ? VIGIL_CHANGE_EXECUTABLE : 0;
    bool sizeServed = false;
    for (const ServedBody& b : served)
        sizeServed = sizeServed || b.size == static_cast<uint64_t>(st.st_size);
    if (st.st_size == 0 || (flags != 0 && !sizeServed))
        return flags;
    const int fd = openat(dirFd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return flags;
    struct stat now{};
    std::string bytes;
    if (fstat(fd, &now) == 0 && S_ISREG(now.st_mode)) {
        // Only the magic unless the size says it may be a served body.
        const size_t want = sizeServed && now.st_size <= kMaxHashed ? static_cast<size_t>(now.st_size) : 4;
        bytes.resize(want);
        size_t got = 0;
        while (got < want) {
            const ssize_t n = read(fd, bytes.data() + got, want - got);
            if (n <= 0)
                break;
            got += static_cast<size_t>(n);
        }
        bytes.resize(got);
    }
    close(fd);
    if (bytes.starts_with("\x7f" "ELF") || bytes.starts_with("#!"))
        flags |= VIGIL_CHANGE_EXECUTABLE;
    if (sizeServed && bytes.size() == static_cast<size_t>(st.st_size)) {
        const std::string digest = sha256Hex(bytes);
        for (const ServedBody& b : served)
            if (b.size == bytes.size() && b.sha256 == digest)
                flags |= VIGIL_CHANGE_SERVED;
    }
    return flags;
}

struct Walk {
    size_t limit;
    const std::vector<ServedBody>& served;
    bool truncated = false;
    std::vector<FileChange> out;
    std::string root;  ///< the walked tree's path inside the sandbox

    void add(uint32_t flags, const std::string& rel) {
        if (out.size() >= limit) {
            truncated = true;
            return;
        }
        const std::string path = root + "/" + rel;
        if (path.size() > VIGIL_REQ_MAX_PATH) {
            truncated = true;
            return;
        }
        out.push_back({flags, path});
    }

    void dir(int upperDir, int lowerDir, const std::string& prefix, int depth) {
        if (depth > 64) {  // deeper than any real package; a tmpfs cap bounds it anyway
            truncated = true;
            return;
        }
        DIR* d = fdopendir(dup(upperDir));
        if (d == nullptr)
            return;
        while (dirent* e = readdir(d)) {
            const std::string name = e->d_name;
            if (name == "." || name == "..")
                continue;
            const std::string rel = prefix + name;
            struct stat up{};
            if (fstatat(upperDir, name.c_str(), &up, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            struct stat low{};
            const bool inLower = lowerDir >= 0 && fstatat(lowerDir, name.c_str(), &low, AT_SYMLINK_NOFOLLOW) == 0;
            // A 0:0 character device is overlayfs's whiteout: the path was deleted.
            if (S_ISCHR(up.st_mode) && up.st_rdev == makedev(0, 0)) {
                add(VIGIL_CHANGE_DELETED, rel);
                continue;
            }
            uint32_t flags = 0;
            if (!inLower)
                flags |= VIGIL_CHANGE_CREATED;
            else if ((up.st_mode & S_IFMT) != (low.st_mode & S_IFMT))
                flags |= VIGIL_CHANGE_MODIFIED;
            else if ((up.st_mode & 07777) != (low.st_mode & 07777))
                flags |= VIGIL_CHANGE_MODE;
            if (S_ISDIR(up.st_mode)) {
                const int sub = openat(upperDir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0)
                    continue;
                char opaque[2] = {};
                if (inLower && fgetxattr(sub, "trusted.overlay.opaque", opaque, sizeof opaque) > 0 && opaque[0] == 'y')
                    flags |= VIGIL_CHANGE_OPAQUE;
                // A copied-up parent directory with nothing else different is not a change.
                if (flags != 0)
                    add(flags, rel);
                int lowerSub = -1;
                if (inLower && S_ISDIR(low.st_mode) && !(flags & VIGIL_CHANGE_OPAQUE))
                    lowerSub = openat(lowerDir, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                dir(sub, lowerSub, rel + "/", depth + 1);
                if (lowerSub >= 0)
                    close(lowerSub);
                close(sub);
                continue;
            }
            if (inLower && (up.st_size != low.st_size || up.st_mtim.tv_sec != low.st_mtim.tv_sec ||
                            up.st_mtim.tv_nsec != low.st_mtim.tv_nsec))
                flags |= VIGIL_CHANGE_MODIFIED;
            // A copy-up with no visible difference still means the file was opened for writing
            // or had its metadata touched (chown, xattr): report it rather than hide it.
            if (flags == 0)
                flags = VIGIL_CHANGE_MODIFIED;
            if (S_ISREG(up.st_mode))
                flags |= contentFlags(upperDir, name.c_str(), up, served);
            add(flags, rel);
        }
        closedir(d);
    }
};

}  // namespace

std::vector<FileChange> collectRunChanges(int scratchFd, int packageFd, size_t limit, bool& truncated,
                                          const std::vector<ServedBody>& served) {
    Walk walk{limit, served};
    const int homeLower = openat(scratchFd, kScratchHomeLower, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct Tree { const char* upper; int lowerFd; const char* root; bool present; };
    // Without a package nothing is mounted on the project dir: its writes are in the home's upper.
    for (Tree t : {Tree{kScratchProjectUpper, packageFd, kProjectDir, packageFd >= 0},
                   Tree{kScratchHomeUpper, homeLower, kHomeDir, true}, Tree{kScratchTmp, -1, "/tmp", true}}) {
        if (!t.present)
            continue;
        const int upper = openat(scratchFd, t.upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (upper < 0)
            continue;
        walk.root = t.root;
        walk.dir(upper, t.lowerFd, "", 0);
        close(upper);
    }
    if (homeLower >= 0)
        close(homeLower);
    std::sort(walk.out.begin(), walk.out.end(), [](const FileChange& a, const FileChange& b) { return a.path < b.path; });
    truncated = walk.truncated;
    return walk.out;
}

}  // namespace vigil::sandbox
