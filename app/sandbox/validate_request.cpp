// Stage 1: decode and validate the request. Nothing the engine sends is trusted: every length was
// checked by vigil_msg_check(); here the content is checked against the host.
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "app/sandbox/die.h"
#include "app/sandbox/protocol.h"
#include "app/sandbox/run_plan.h"

namespace vigil::sandbox {

uint64_t monotonicNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

const char* decodeRunRequest(const uint8_t* packet, size_t size, RunPlan& out) {
    if (const char* reason = vigil_msg_check(packet, size))
        return reason;
    vigil_msg_header header;
    std::memcpy(&header, packet, sizeof header);
    if (header.type != VIGIL_MSG_RUN_REQUEST)
        return "expected a run request";
    const uint8_t* body = packet + sizeof header;
    std::memcpy(&out.limits, body, sizeof out.limits);
    const vigil_run_request& r = out.limits;
    const char* s = reinterpret_cast<const char*>(body + sizeof r);
    auto take = [&s](uint32_t n) {
        std::string v(s, n);
        s += n;
        return v;
    };
    out.cwd = take(r.cwd_len);
    out.packageDir = take(r.package_dir_len);
    out.cacheRoot = take(r.cache_root_len);
    out.hostname = take(r.hostname_len);
    out.phase = take(r.phase_len);
    auto split = [&s](uint32_t bytes, std::vector<std::string>& into) {
        const char* end = s + bytes;
        while (s < end) {
            into.emplace_back(s);
            s += into.back().size() + 1;
        }
    };
    split(r.argv_bytes, out.argv);
    split(r.env_bytes, out.env);
    return nullptr;
}

namespace {

bool isHostnameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

bool isEnvName(const std::string& entry) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0)
        return false;
    for (size_t i = 0; i < eq; ++i) {
        const char c = entry[i];
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

/// Absolute, no "." / ".." / empty components: the path means what it says inside the sandbox.
bool isCleanAbsolute(const std::string& p) {
    if (p.empty() || p[0] != '/')
        return false;
    size_t i = 1;
    while (i <= p.size()) {
        size_t j = p.find('/', i);
        if (j == std::string::npos)
            j = p.size();
        const std::string part = p.substr(i, j - i);
        if ((part.empty() && j != p.size()) || part == "." || part == "..")
            return false;
        i = j + 1;
    }
    return true;
}

std::string canonical(const std::string& path, const char* what) {
    char buf[PATH_MAX];
    if (realpath(path.c_str(), buf) == nullptr)
        die("realpath", std::string(what) + " " + path);
    return buf;
}

}  // namespace

void validateRunPlan(RunPlan& plan, uid_t engineUid) {
    if (!isCleanAbsolute(plan.cwd))
        dieWith(VIGIL_ERR_REQUEST, "working directory '" + plan.cwd + "' is not a clean absolute path");
    for (char c : plan.hostname)
        if (!isHostnameChar(c))
            dieWith(VIGIL_ERR_REQUEST, "hostname '" + plan.hostname + "' has characters outside [A-Za-z0-9-]");
    if (plan.hostname.front() == '-' || plan.hostname.back() == '-')
        dieWith(VIGIL_ERR_REQUEST, "hostname '" + plan.hostname + "' starts or ends with '-'");
    for (char c : plan.phase)
        if (!isHostnameChar(c) && c != '_')
            dieWith(VIGIL_ERR_REQUEST, "phase '" + plan.phase + "' has characters outside [A-Za-z0-9_-]");
    for (const std::string& e : plan.env)
        if (!isEnvName(e))
            dieWith(VIGIL_ERR_REQUEST, "environment entry '" + e.substr(0, 64) + "' is not NAME=value");
    if (plan.argv.front().empty())
        dieWith(VIGIL_ERR_REQUEST, "empty command name");

    if (plan.packageDir.empty())
        return;
    // The package must live strictly inside a cache root that the engine's own user owns: the
    // helper's privilege is never lent to read a directory the engine could not name itself.
    if (plan.cacheRoot.empty() || plan.cacheRoot[0] != '/' || plan.packageDir[0] != '/')
        dieWith(VIGIL_ERR_REQUEST, "package dir and cache root must be absolute paths",
                "package dir '" + plan.packageDir + "', cache root '" + plan.cacheRoot + "'");
    const std::string root = canonical(plan.cacheRoot, "cache root");
    if (root == "/")
        dieWith(VIGIL_ERR_REQUEST, "cache root '" + plan.cacheRoot + "' resolves to /");
    struct stat st{};
    if (stat(root.c_str(), &st) != 0)
        die("stat", "cache root " + root);
    if (!S_ISDIR(st.st_mode) || (engineUid != 0 && st.st_uid != engineUid))
        dieWith(VIGIL_ERR_REQUEST, "cache root " + root + " is not a directory owned by the engine's user");
    const std::string pkg = canonical(plan.packageDir, "package dir");
    if (pkg.compare(0, root.size() + 1, root + "/") != 0)
        dieWith(VIGIL_ERR_REQUEST, "package dir " + pkg + " is not inside the cache root " + root);

    // Re-open the canonical path refusing every symlink, so a component swapped after realpath()
    // cannot redirect the mount; then confirm the fd is where we think it is.
    open_how how{};
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    const int fd = static_cast<int>(syscall(SYS_openat2, AT_FDCWD, pkg.c_str(), &how, sizeof how));
    if (fd < 0)
        die("openat2", "package dir " + pkg, "the package dir changed while it was validated");
    char link[PATH_MAX];
    const std::string self = "/proc/self/fd/" + std::to_string(fd);
    const ssize_t n = readlink(self.c_str(), link, sizeof link - 1);
    if (n <= 0 || std::string(link, static_cast<size_t>(n)) != pkg)
        dieWith(VIGIL_ERR_REQUEST, "package dir " + pkg + " moved while it was validated");
    if (fstat(fd, &st) != 0)
        die("fstat", "package dir " + pkg);
    if (engineUid != 0 && st.st_uid != engineUid)
        dieWith(VIGIL_ERR_REQUEST, "package dir " + pkg + " is not owned by the engine's user");
    plan.packageDir = pkg;
    plan.cacheRoot = root;
    plan.packageFd = fd;
}

std::string locateRuntimeDir() {
    char self[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        std::string dir(self);
        dir.resize(dir.rfind('/'));
        char resolved[PATH_MAX];
        const std::string candidate = dir + "/../../resources/node";
        struct stat st{};
        if (realpath(candidate.c_str(), resolved) != nullptr && stat(resolved, &st) == 0 && S_ISDIR(st.st_mode))
            return resolved;
    }
    struct stat st{};
    if (stat("/usr/share/vigil/node", &st) == 0 && S_ISDIR(st.st_mode))
        return "/usr/share/vigil/node";
    return {};
}

std::string locateNodeLauncher() {
    char self[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = '\0';
        std::string candidate(self);
        candidate.resize(candidate.rfind('/'));
        candidate += "/vigil-node-launcher";
        if (access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    if (access("/usr/libexec/vigil/vigil-node-launcher", X_OK) == 0)
        return "/usr/libexec/vigil/vigil-node-launcher";
    return {};
}

}  // namespace vigil::sandbox
