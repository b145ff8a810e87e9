// Stage 5: the file system. Runs in the sandbox's pid-1 process, in a fresh mount namespace
// made private first so nothing propagates back to the host. Only read-only binds of host paths;
// every writable place is a size-capped tmpfs that dies with the namespace.
#include "app/sandbox/filesystem.h"

#include <cerrno>
#include <csignal>
#include <sched.h>
#include <sys/wait.h>
#include <climits>
#include <dirent.h>
#include <cstdio>
#include <fcntl.h>
#include <linux/openat2.h>
#include <random>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "app/sandbox/bait_home.h"
#include "app/sandbox/die.h"
#include "app/sandbox/protocol.h"
#include "app/sandbox/runtime_channel.h"

namespace vigil::sandbox {
namespace {

// Built under the namespace's own view of /tmp: the mount is invisible to the host, and the
// package dir is reached through its already-open fd, so shadowing the host's /tmp is harmless.
constexpr const char* kNewRoot = "/tmp";

std::string at(const std::string& inside) { return std::string(kNewRoot) + inside; }

void makeDir(const std::string& path, mode_t mode) {
    if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
        die("mkdir", path);
    if (chmod(path.c_str(), mode) != 0)  // mkdir honours the umask; the layout must not
        die("chmod", path);
}

/// Every directory of the absolute path `inside` under the new root: the last with leafMode,
/// those above it 0755.
void makeDirs(const std::string& inside, mode_t leafMode) {
    for (size_t pos = 1; pos != std::string::npos;) {
        const size_t slash = inside.find('/', pos);
        makeDir(at(inside.substr(0, slash)), slash == std::string::npos ? leafMode : 0755);
        pos = slash == std::string::npos ? slash : slash + 1;
    }
}

void writeFile(const std::string& path, const std::string& content, mode_t mode = 0644) {
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        die("open", path);
    if (write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()))
        die("write", path);
    close(fd);
    if (chmod(path.c_str(), mode) != 0)
        die("chmod", path);
}

void mountTmpfs(const std::string& target, const std::string& options, unsigned long flags) {
    if (mount("tmpfs", target.c_str(), "tmpfs", flags, options.c_str()) != 0)
        die("mount tmpfs", target + " (" + options + ")");
}

/// Read-only bind of a host path: bind first, then remount, because MS_RDONLY is ignored by the
/// initial MS_BIND. Not recursive: a submount under a bound host path is never exposed.
void bindReadOnly(const std::string& source, const std::string& target, unsigned long extra = MS_NOSUID | MS_NODEV) {
    if (mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0)
        die("mount bind", source + " -> " + target);
    if (mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | extra, nullptr) != 0)
        die("mount remount ro", target);
}

/// Mirrors one host path the way the host has it: a symlink is recreated (Debian's merged /usr
/// makes /bin, /lib, /sbin symlinks), a directory or file is bound read-only. Absent: skipped.
void mirrorHostPath(const std::string& hostPath) {
    struct stat st{};
    if (lstat(hostPath.c_str(), &st) != 0)
        return;
    const std::string target = at(hostPath);
    if (S_ISLNK(st.st_mode)) {
        char link[PATH_MAX];
        const ssize_t n = readlink(hostPath.c_str(), link, sizeof link - 1);
        if (n <= 0)
            die("readlink", hostPath);
        link[n] = '\0';
        if (symlink(link, target.c_str()) != 0)
            die("symlink", target);
    } else if (S_ISDIR(st.st_mode)) {
        makeDir(target, 0755);
        bindReadOnly(hostPath, target);
    } else if (S_ISREG(st.st_mode)) {
        writeFile(target, "", 0644);
        bindReadOnly(hostPath, target);
    }
}

/// Copies the host file `from` to `name` under dirFd.
void copyInto(int dirFd, const char* name, const std::string& from, mode_t mode) {
    const int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0)
        die("open", from);
    const int out = openat(dirFd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (out < 0)
        die("openat", std::string("scratch copy of ") + from);
    char buf[65536];
    for (;;) {
        const ssize_t n = read(in, buf, sizeof buf);
        if (n < 0)
            die("read", from);
        if (n == 0)
            break;
        if (write(out, buf, static_cast<size_t>(n)) != n)
            die("write", std::string("scratch copy of ") + from);
    }
    if (fchmod(out, mode) != 0)
        die("fchmod", std::string("scratch copy of ") + from);
    close(out);
    close(in);
}

std::string randomHex(size_t n) {
    std::random_device rd;
    std::string s;
    for (size_t i = 0; i < n; ++i)
        s += "0123456789abcdef"[rd() % 16];
    return s;
}

/// Native programs see the run's date shift too: Debian's libfaketime, preloaded into every
/// dynamically linked process by /etc/ld.so.preload — a file, not LD_PRELOAD, so there is nothing
/// in the environment for a package to read or to drop for its children — with /etc/faketimerc
/// holding the offset the runtime hook gives Node's Date (hook_time.cjs runOffset: 1-30 days from
/// the machine id). Without the library (not installed) only Node's Date is shifted.
constexpr const char* kFaketimeLib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
/// Where the library is shown: a copy in the root tmpfs under a name that does not say what it
/// does, so /proc/<pid>/maps and /etc/ld.so.preload do not name libfaketime. The preload list
/// itself stays readable: ld.so reads it only when access(R_OK) as the process's own uid
/// succeeds, so a list the sandbox user cannot read would not be applied to its processes.
constexpr const char* kShownFaketimeDir = "/opt/nodejs/lib";
constexpr const char* kShownFaketimeName = "libtz.so.1";

void shiftNativeTime(const std::string& machineId) {
    if (access(kFaketimeLib, R_OK) != 0)
        return;
    uint32_t h = 0;
    for (const char c : machineId)
        h = h * 31u + static_cast<uint8_t>(c);
    const std::string dir = kShownFaketimeDir;
    makeDirs(dir, 0755);
    const int dirFd = open(at(dir).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirFd < 0)
        die("open", at(dir));
    copyInto(dirFd, kShownFaketimeName, kFaketimeLib, 0644);
    close(dirFd);
    writeFile(at("/etc/ld.so.preload"), dir + "/" + kShownFaketimeName + "\n");
    writeFile(at("/etc/faketimerc"), "+" + std::to_string(1 + h % 30) + "d\n");
}

void buildEtc(const RunPlan& plan) {
    makeDir(at("/etc"), 0755);
    // Identity files are written, never bound: the host's users, groups and hashes stay out.
    writeFile(at("/etc/passwd"),
              "root:x:0:0:root:/root:/bin/bash\n"
              "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
              "bin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
              "sys:x:3:3:sys:/dev:/usr/sbin/nologin\n"
              "man:x:6:12:man:/var/cache/man:/usr/sbin/nologin\n"
              "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
              "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
              "dev:x:1000:1000:dev,,,:/home/dev:/bin/bash\n");
    writeFile(at("/etc/group"),
              "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\n"
              "sudo:x:27:dev\naudio:x:29:dev\nwww-data:x:33:\nplugdev:x:46:dev\nusers:x:100:\n"
              "nogroup:x:65534:\ndev:x:1000:\n");
    writeFile(at("/etc/hostname"), plan.hostname + "\n");
    writeFile(at("/etc/hosts"), "127.0.0.1\tlocalhost\n127.0.1.1\t" + plan.hostname +
                                    "\n\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                                    "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
    // A home router's resolver: what a developer laptop has. The honeypot slice answers on it.
    writeFile(at("/etc/resolv.conf"), "nameserver 192.168.1.1\n");
    writeFile(at("/etc/nsswitch.conf"),
              "passwd:         files\ngroup:          files\nshadow:         files\n"
              "hosts:          files dns\nnetworks:       files\nprotocols:      db files\n"
              "services:       db files\n");
    const std::string machineId = randomHex(32);
    writeFile(at("/etc/machine-id"), machineId + "\n", 0444);
    shiftNativeTime(machineId);
    // Public, credential-free host files that programs expect. /etc/ssl/private is deliberately
    // not among them: only the public certificate store and openssl's config.
    makeDir(at("/etc/ssl"), 0755);
    for (const char* p : {"/etc/ssl/certs", "/etc/ssl/openssl.cnf", "/etc/ca-certificates", "/etc/ld.so.cache",
                          "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/alternatives", "/etc/localtime",
                          "/etc/timezone", "/etc/os-release", "/etc/debian_version", "/etc/protocols",
                          "/etc/services", "/etc/mime.types", "/etc/bash.bashrc", "/etc/profile",
                          "/etc/inputrc", "/etc/gai.conf", "/etc/host.conf", "/etc/shells", "/etc/issue"})
        mirrorHostPath(p);
}

/// The run's CA joins the sandbox's system trust (curl, OpenSSL, and Node through
/// NODE_EXTRA_CA_CERTS): the host's bundle plus the CA is written to the scratch tmpfs, which the
/// sandbox never sees, and bound read-only over /etc/ssl/certs/ca-certificates.crt of the new
/// root. The host's own files are only read.
void trustRunCa(const RunPlan& plan, int scratchFd) {
    if (plan.trustedCaPem.empty())
        return;
    std::string bundle;
    if (const int host = open("/etc/ssl/certs/ca-certificates.crt", O_RDONLY | O_CLOEXEC); host >= 0) {
        char chunk[65536];
        ssize_t n;
        while ((n = read(host, chunk, sizeof chunk)) > 0)
            bundle.append(chunk, static_cast<size_t>(n));
        close(host);
        if (!bundle.empty() && bundle.back() != '\n')
            bundle.push_back('\n');
    }
    bundle += plan.trustedCaPem;
    const int fd = openat(scratchFd, "ca-certificates.crt", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
    if (fd < 0 || write(fd, bundle.data(), bundle.size()) != static_cast<ssize_t>(bundle.size()))
        die("write", "the run's CA bundle on the scratch tmpfs");
    close(fd);
    const std::string dir = at("/etc/ssl/certs");
    const std::string target = dir + "/ca-certificates.crt";
    if (access(target.c_str(), F_OK) != 0) {
        // The host has no bundle to cover: the sandbox gets a certs dir holding only ours.
        if (access(dir.c_str(), F_OK) != 0)
            makeDir(dir, 0755);
        mountTmpfs(dir, "mode=0755,size=1m", MS_NOSUID | MS_NODEV | MS_NOEXEC);
        writeFile(target, "", 0644);
    }
    bindReadOnly("/proc/self/fd/" + std::to_string(scratchFd) + "/ca-certificates.crt", target,
                 MS_NOSUID | MS_NODEV | MS_NOEXEC);
    // Node reads NODE_EXTRA_CA_CERTS at every start: the CA alone, not the whole bundle (parsing
    // ~150 certificates cost each `node` of the run tens of ms on a loaded machine).
    writeFile(at(kRunCaPath), plan.trustedCaPem, 0644);
}

void buildDev(const RunPlan& plan) {
    makeDir(at("/dev"), 0755);
    // Not nodev: it holds the bound device nodes. Tiny: nothing but nodes and symlinks lives here.
    mountTmpfs(at("/dev"), "mode=0755,size=64k,nr_inodes=64", MS_NOSUID | MS_NOEXEC);
    for (const char* node : {"null", "zero", "full", "random", "urandom", "tty"}) {
        const std::string target = at(std::string("/dev/") + node);
        writeFile(target, "", 0666);
        if (mount((std::string("/dev/") + node).c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0)
            die("mount bind", std::string("/dev/") + node, "the host must have the standard /dev nodes");
    }
    makeDir(at("/dev/pts"), 0755);
    // A private devpts instance: the sandbox's ptys are its own, never the host's.
    if (mount("devpts", at("/dev/pts").c_str(), "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") != 0)
        die("mount devpts", at("/dev/pts"));
    makeDir(at("/dev/shm"), 01777);
    mountTmpfs(at("/dev/shm"), "mode=1777,size=" + std::to_string(plan.limits.tmpfs_bytes), MS_NOSUID | MS_NODEV);
    struct Link { const char* target; const char* name; };
    for (Link l : {Link{"pts/ptmx", "/dev/ptmx"}, Link{"/proc/self/fd", "/dev/fd"}, Link{"/proc/self/fd/0", "/dev/stdin"},
                   Link{"/proc/self/fd/1", "/dev/stdout"}, Link{"/proc/self/fd/2", "/dev/stderr"}})
        if (symlink(l.target, at(l.name).c_str()) != 0)
            die("symlink", at(l.name));
}

/// overlayfs only takes layers from the caller's own mount namespace, and the helper's validated
/// fd points into the host's. Re-open the same path here, refusing symlinks again, and insist it
/// is the very directory the helper validated.
int reopenPackageDir(const RunPlan& plan) {
    open_how how{};
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    const int fd = static_cast<int>(syscall(SYS_openat2, AT_FDCWD, plan.packageDir.c_str(), &how, sizeof how));
    if (fd < 0)
        die("openat2", "package dir " + plan.packageDir);
    struct stat validated{}, reopened{};
    if (fstat(plan.packageFd, &validated) != 0 || fstat(fd, &reopened) != 0)
        die("fstat", "package dir " + plan.packageDir);
    if (validated.st_dev != reopened.st_dev || validated.st_ino != reopened.st_ino)
        dieWith(VIGIL_ERR_REQUEST, "package dir " + plan.packageDir + " was replaced while the sandbox was built");
    if (plan.idmapUsernsFd < 0)
        return fd;
    // A detached, read-only clone of the package dir whose owner appears as the sandbox user:
    // without it every package file would be "nobody"'s and the code could not modify its own
    // files, which real installs do (node-gyp builds, generated files).
    const int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    if (tree < 0)
        die("open_tree", "package dir " + plan.packageDir);
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    attr.userns_fd = static_cast<uint64_t>(plan.idmapUsernsFd);
    if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) {
        // The package's file system cannot be idmapped: the lower stays owned by an unmapped
        // user (readable, not writable in place). Everything else is unaffected.
        close(tree);
        return fd;
    }
    close(fd);
    return tree;
}

/// overlayfs with its upper on the scratch tmpfs: what the run writes there outlives the mount
/// namespace, for the helper to report. redirect_dir/index/metacopy off keep the upper a plain,
/// complete record of changes.
void mountOverlay(const std::string& lower, const std::string& scratch, const std::string& upper,
                  const std::string& work, const std::string& target) {
    const std::string options = "lowerdir=" + lower + ",upperdir=" + scratch + "/" + upper + ",workdir=" + scratch +
                                "/" + work + ",redirect_dir=off,index=off,metacopy=off,xino=off";
    if (mount("overlay", target.c_str(), "overlay", MS_NOSUID | MS_NODEV, options.c_str()) != 0)
        die("mount overlay", target + " (lower " + lower + ")",
            "overlayfs must be available (modprobe overlay) and the package dir on a local file system");
}

void buildHome(const RunPlan& plan, int scratchFd, int lowerFd) {
    makeDir(at("/home"), 0755);
    makeDir(at(kHomeDir), 0755);
    // The home is an overlay too: the planted bait is its lower layer, so the upper records which
    // dotfiles the run created, appended to (persistence in .bashrc) or deleted.
    const std::string scratch = "/proc/self/fd/" + std::to_string(scratchFd);
    plantBaitHome(plan.bait, scratch + "/" + kScratchHomeLower, plan.hostUid, plan.hostGid);
    const std::string projectLower = scratch + "/" + kScratchHomeLower + "/project";
    makeDir(projectLower, 0755);
    if (chown(projectLower.c_str(), plan.hostUid, plan.hostGid) != 0)
        die("chown", projectLower);
    mountOverlay(scratch + "/" + kScratchHomeLower, scratch, kScratchHomeUpper, kScratchHomeWork, at(kHomeDir));
    if (lowerFd < 0)
        return;
    // The package is the read-only lower layer of the project; nosuid: a setuid file in a
    // package never gains anything.
    const std::string project = at(kProjectDir);
    mountOverlay("/proc/self/fd/" + std::to_string(lowerFd), scratch, kScratchProjectUpper, kScratchProjectWork, project);
    close(lowerFd);
}

/// Every `node` of the run starts with the runtime hook: the host's binary moves to
/// kRealNodePath and the launcher stands in for /usr/bin/node (and so for /bin/node and any
/// PATH lookup). Both are read-only binds, so package code can replace neither.
void bindNodeLauncher(const std::string& launcher) {
    makeDir(at("/opt/nodejs/bin"), 0755);
    writeFile(at(kRealNodePath), "", 0755);
    bindReadOnly("/usr/bin/node", at(kRealNodePath));
    bindReadOnly(launcher, at("/usr/bin/node"));
}

void makeScratchDirs(int mnt, const char* const* dirs) {
    for (; *dirs != nullptr; ++dirs)
        if (mkdirat(mnt, *dirs, 0755) != 0 || fchmodat(mnt, *dirs, 0755, 0) != 0)
            die("mkdirat", std::string("scratch ") + *dirs);
}

/// The Node runtime (hook, drivers) and the launcher are copied to the scratch tmpfs, the
/// launcher to be bound from there: a bind mount shows its source path in /proc/self/mountinfo,
/// and the host's (a build tree, /usr/share/vigil, /usr/libexec/vigil) would name VIGIL to any
/// package. The launcher under the path it is shown at, so mountinfo reads like a plain bind of
/// the same path; the runtime is copied once more into the root (copyNodeRuntime).
void stageNodeRuntime(const RunPlan& plan, int mnt) {
    if (plan.runtimeDir.empty())
        return;
    static const char* const runtimeDirs[] = {kScratchRuntime, nullptr};
    makeScratchDirs(mnt, runtimeDirs);
    const int dst = openat(mnt, kScratchRuntime, O_PATH | O_DIRECTORY | O_CLOEXEC);
    DIR* src = opendir(plan.runtimeDir.c_str());
    if (dst < 0 || src == nullptr)
        die("opendir", "runtime dir " + plan.runtimeDir);
    while (const dirent* e = readdir(src)) {
        struct stat st {};
        const std::string from = plan.runtimeDir + "/" + e->d_name;
        if (e->d_name[0] != '.' && stat(from.c_str(), &st) == 0 && S_ISREG(st.st_mode))
            copyInto(dst, e->d_name, from, 0644);
    }
    closedir(src);
    close(dst);
    if (!plan.nodeLauncher.empty() && access("/usr/bin/node", X_OK) == 0) {
        static const char* const launcherDirs[] = {kScratchLauncherUsr, kScratchLauncherBin, nullptr};
        makeScratchDirs(mnt, launcherDirs);
        const int bin = openat(mnt, kScratchLauncherBin, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (bin < 0)
            die("openat", std::string("scratch ") + kScratchLauncherBin);
        copyInto(bin, "node", plan.nodeLauncher, 0755);
        close(bin);
    }
}

/// The runtime as plain files of the root tmpfs, which is remounted read-only before the command
/// runs: a bind of its own would be a line of /proc/self/mountinfo naming kRuntimeDir. Its last
/// directory is 0711, owned by the namespace's root: the sandbox user's Node opens the files by
/// name, but listing the directory fails (EACCES), so the names cannot be discovered.
void copyNodeRuntime(const std::string& scratchRuntime) {
    const std::string shown = kRuntimeDir;
    makeDirs(shown, 0711);
    const int dst = open(at(shown).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    DIR* src = opendir(scratchRuntime.c_str());
    if (dst < 0 || src == nullptr)
        die("opendir", "runtime copy " + scratchRuntime);
    while (const dirent* e = readdir(src))
        if (e->d_type == DT_REG)
            copyInto(dst, e->d_name, scratchRuntime + "/" + e->d_name, 0644);
    closedir(src);
    close(dst);
}

}  // namespace

int createIdmapUserns(const RunPlan& plan) {
    if (plan.packageFd < 0)
        return -1;
    struct stat st{};
    if (fstat(plan.packageFd, &st) != 0)
        die("fstat", "package dir " + plan.packageDir);
    // A placeholder process owns the namespace just long enough to write its maps and open it.
    const pid_t pid = static_cast<pid_t>(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
    if (pid < 0)
        die("clone", "CLONE_NEWUSER for the idmapped package", "user namespaces must be enabled");
    if (pid == 0) {
        for (;;)
            pause();
    }
    auto writeMap = [pid](const char* file, const std::string& value) {
        const std::string path = "/proc/" + std::to_string(pid) + "/" + file;
        const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
        const bool ok = fd >= 0 && write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
        if (fd >= 0)
            close(fd);
        return ok;
    };
    const bool mapped = writeMap("uid_map", std::to_string(st.st_uid) + " " + std::to_string(plan.hostUid) + " 1\n") &&
                        writeMap("gid_map", std::to_string(st.st_gid) + " " + std::to_string(plan.hostGid) + " 1\n");
    const int saved = errno;
    const int ns = mapped ? open(("/proc/" + std::to_string(pid) + "/ns/user").c_str(), O_RDONLY | O_CLOEXEC) : -1;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    if (!mapped) {
        errno = saved;
        die("write", "id map of the package's user namespace");
    }
    if (ns < 0)
        die("open", "the package's user namespace");
    return ns;
}

int createScratch(const RunPlan& plan) {
    const int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0)
        die("fsopen", "tmpfs", "the new mount API needs Linux 5.2 or later");
    // The project's upper, the home's upper and /tmp share it: each used to be a tmpfs of
    // tmpfs_bytes of its own, so together they keep the same total.
    const uint64_t size = plan.limits.tmpfs_bytes * 3;
    if (fsconfig(fs, FSCONFIG_SET_STRING, "size", std::to_string(size).c_str(), 0) != 0 ||
        fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0700", 0) != 0 ||
        fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
        die("fsconfig", "scratch tmpfs");
    const int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
    if (mnt < 0)
        die("fsmount", "scratch tmpfs");
    close(fs);
    struct Dir { const char* name; mode_t mode; bool sandboxOwned; };
    // The upper roots are the project's and the home's inodes, the lower root the home's
    // layout: owned by the sandbox user so it can write there.
    for (Dir d : {Dir{kScratchProjectUpper, 0755, true}, Dir{kScratchProjectWork, 0700, false},
                  Dir{kScratchHomeLower, 0755, true}, Dir{kScratchHomeUpper, 0755, true},
                  Dir{kScratchHomeWork, 0700, false}, Dir{kScratchTmp, 01777, false}}) {
        if (mkdirat(mnt, d.name, d.mode) != 0 || fchmodat(mnt, d.name, d.mode, 0) != 0)
            die("mkdirat", std::string("scratch ") + d.name);
        if (d.sandboxOwned && fchownat(mnt, d.name, plan.hostUid, plan.hostGid, 0) != 0)
            die("fchownat", std::string("scratch ") + d.name);
    }
    stageNodeRuntime(plan, mnt);
    return mnt;
}

void buildFilesystem(const RunPlan& plan, int scratchFd) {
    // First, before anything is mounted: nothing done here may propagate to the host.
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        die("mount", "make / private");
    // Before the new root shadows /tmp, where a package dir may live.
    const int lowerFd = plan.packageFd >= 0 ? reopenPackageDir(plan) : -1;
    // The runtime and the launcher were staged on the scratch tmpfs (stageNodeRuntime).
    const bool hookNode = !plan.runtimeDir.empty() && !plan.nodeLauncher.empty() && access("/usr/bin/node", X_OK) == 0;
    const std::string scratch = "/proc/self/fd/" + std::to_string(scratchFd) + "/";
    mountTmpfs(kNewRoot, "mode=0755,size=8m", MS_NOSUID | MS_NODEV);
    for (const char* p : {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"})
        mirrorHostPath(p);
    buildEtc(plan);
    trustRunCa(plan, scratchFd);
    buildDev(plan);
    makeDir(at("/proc"), 0555);
    // A fresh procfs of the new pid namespace: the host's processes are not in it.
    if (mount("proc", at("/proc").c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
        die("mount proc", at("/proc"));
    // /tmp lives on the scratch tmpfs: whatever the run leaves there is reported after it.
    makeDir(at("/tmp"), 01777);
    const std::string tmp = "/proc/self/fd/" + std::to_string(scratchFd) + "/" + kScratchTmp;
    if (mount(tmp.c_str(), at("/tmp").c_str(), nullptr, MS_BIND, nullptr) != 0 ||
        mount(nullptr, at("/tmp").c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV, nullptr) != 0)
        die("mount bind", tmp + " -> " + at("/tmp"));
    makeDir(at("/var"), 0755);
    if (symlink("/tmp", at("/var/tmp").c_str()) != 0)
        die("symlink", at("/var/tmp"));
    for (const char* d : {"/root", "/mnt", "/opt", "/srv", "/media", "/run", "/run/user"})
        makeDir(at(d), std::string(d) == "/root" ? 0700 : 0755);
    makeDir(at("/run/user/1000"), 0700);
    if (chown(at("/run/user/1000").c_str(), plan.hostUid, plan.hostGid) != 0)
        die("chown", at("/run/user/1000"));
    if (!plan.runtimeDir.empty())
        copyNodeRuntime(scratch + kScratchRuntime);
    if (hookNode)
        bindNodeLauncher(scratch + kScratchLauncherBin + "/node");
    // The runtime hook's channel (runtime_channel.cpp): the FIFO's directory on the scratch tmpfs.
    makeDir(at("/run/user/1000/systemd"), 0755);
    bindReadOnly("/proc/self/fd/" + std::to_string(scratchFd) + "/" + kRuntimeChannelScratchDir, at(kRuntimeChannelDir),
                 MS_NOSUID | MS_NODEV | MS_NOEXEC);
    buildHome(plan, scratchFd, lowerFd);

    // pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves the
    // new root alone, with no path back to the host's tree.
    if (chdir(kNewRoot) != 0)
        die("chdir", kNewRoot);
    if (syscall(SYS_pivot_root, ".", ".") != 0)
        die("pivot_root", kNewRoot);
    if (umount2(".", MNT_DETACH) != 0)
        die("umount2", "old root");
    if (chdir("/") != 0)
        die("chdir", "/");
    // The skeleton itself is read-only from here on; the writable places are their own mounts.
    if (mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0)
        die("mount remount ro", "/");
}

}  // namespace vigil::sandbox
