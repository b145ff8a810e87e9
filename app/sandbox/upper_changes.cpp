// Stage 9: the upper dirs (and /tmp) are the record of writes. Read through the helper's fd of the detached
// scratch tmpfs, after every process of the run is dead, so nothing changes under the walk. The
// walk never follows symlinks and never opens anything but directories.
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
#include "app/sandbox/protocol.h"
#include "app/sandbox/run_plan.h"

namespace vigil::sandbox {
namespace {

struct Walk {
    size_t limit;
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
            add(flags, rel);
        }
        closedir(d);
    }
};

}  // namespace

std::vector<FileChange> collectRunChanges(int scratchFd, int packageFd, size_t limit, bool& truncated) {
    Walk walk{limit};
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
