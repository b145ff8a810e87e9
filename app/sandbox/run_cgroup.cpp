// Stage 2: cgroups. Pure v2 hosts get one directory with memory/pids/cpu; hybrid hosts (the
// development machines, ARCHITECTURE §5) get v1 memory/pids/cpu directories plus a directory in
// the controller-less cgroup2 hierarchy, because the tracer filters on the v2 cgroup id.
#include "app/sandbox/run_cgroup.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <linux/magic.h>
#include <sstream>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "app/sandbox/die.h"
#include "app/sandbox/protocol.h"

namespace vigil::sandbox {
namespace {

constexpr const char* kCgroupRoot = "/sys/fs/cgroup";
constexpr const char* kUnifiedRoot = "/sys/fs/cgroup/unified";

bool isCgroup2(const char* path) {
    struct statfs fs{};
    return statfs(path, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

/// The helper's own cgroup path for a v1 controller ("memory") or v2 ("" ) from /proc/self/cgroup,
/// with the mount directory name of that hierarchy ("memory", "cpu,cpuacct", "").
bool ownCgroup(const std::string& controller, std::string& mountName, std::string& path) {
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
        const size_t a = line.find(':');
        const size_t b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos)
            continue;
        const std::string list = line.substr(a + 1, b - a - 1);
        std::stringstream names(list);
        std::string name;
        bool match = controller.empty() && list.empty();
        while (!match && std::getline(names, name, ','))
            match = name == controller;
        if (match) {
            mountName = list;
            path = line.substr(b + 1);
            if (path == "/")
                path.clear();
            return true;
        }
    }
    return false;
}

void writeFile(const std::string& file, const std::string& value, const char* hint = nullptr) {
    const int fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        die("open", file, hint);
    if (write(fd, value.data(), value.size()) != static_cast<ssize_t>(value.size())) {
        const int saved = errno;
        close(fd);
        errno = saved;
        die("write", file + " <- " + value, hint);
    }
    close(fd);
}

bool writeFileQuiet(const std::string& file, const std::string& value) {
    const int fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = write(fd, value.data(), value.size()) == static_cast<ssize_t>(value.size());
    close(fd);
    return ok;
}

/// Value of `key` in a flat-keyed file ("oom_kill 3"), 0 when absent.
uint64_t keyedValue(const std::string& file, const std::string& key) {
    std::ifstream in(file);
    std::string k;
    uint64_t v = 0;
    while (in >> k >> v)
        if (k == key)
            return v;
    return 0;
}

uint64_t singleValue(const std::string& file) {
    std::ifstream in(file);
    uint64_t v = 0;
    in >> v;
    return v;
}

std::string makeDir(RunCgroup& cg, const std::string& parent, const std::string& name) {
    const std::string dir = parent + "/" + name;
    if (mkdir(dir.c_str(), 0755) != 0)
        die("mkdir", dir, "vigil-sandbox must run as root (or with CAP_SYS_ADMIN and CAP_DAC_OVERRIDE)");
    cg.created.push_back(dir);
    return dir;
}

void sleepMs(long ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, nullptr);
}

bool isEmpty(const std::string& dir) {
    std::ifstream in(dir + "/cgroup.procs");
    std::string pid;
    return !(in >> pid);
}

}  // namespace

std::vector<std::string> runParentDirs() {
    std::vector<std::string> dirs;
    std::string mount, own;
    if (isCgroup2(kCgroupRoot)) {
        if (ownCgroup("", mount, own))
            dirs.push_back(std::string(kCgroupRoot) + own);
    } else if (isCgroup2(kUnifiedRoot)) {
        for (const char* controller : {"memory", "pids", "cpu"})
            if (ownCgroup(controller, mount, own))
                dirs.push_back(std::string(kCgroupRoot) + "/" + mount + own);
        if (ownCgroup("", mount, own))
            dirs.push_back(std::string(kUnifiedRoot) + own);
    }
    return dirs;
}

void createRunCgroup(const RunPlan& plan, RunCgroup& cg) {
    const vigil_run_request& l = plan.limits;
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const bool cpuLimited = l.cpu_percent < 100u * static_cast<uint32_t>(cpus > 0 ? cpus : 1);
    std::string mount, own;
    if (isCgroup2(kCgroupRoot)) {
        // Pure v2: one directory next to the helper, with the controllers enabled for children.
        if (!ownCgroup("", mount, own))
            dieWith(VIGIL_ERR_SETUP, "no cgroup2 entry in /proc/self/cgroup");
        const std::string parent = std::string(kCgroupRoot) + own;
        writeFile(parent + "/cgroup.subtree_control", "+memory +pids +cpu",
                  "the helper's cgroup has processes and no delegated leaf: start it in a delegated "
                  "scope (systemd-run --scope -p Delegate=yes)");
        cg.v2Dir = makeDir(cg, parent, plan.runName);
        cg.memoryDir = cg.pidsDir = cg.cpuDir = cg.v2Dir;
        writeFile(cg.v2Dir + "/memory.max", std::to_string(l.memory_bytes));
        writeFileQuiet(cg.v2Dir + "/memory.swap.max", "0");  // absent without swap accounting
        writeFile(cg.v2Dir + "/pids.max", std::to_string(l.pids_max));
        if (cpuLimited)
            writeFile(cg.v2Dir + "/cpu.max", std::to_string(l.cpu_percent * 1000u) + " 100000");
    } else if (isCgroup2(kUnifiedRoot)) {
        cg.hybrid = true;
        // v1 memory cgroups nest under the helper's own (ARCHITECTURE §5): a container's memory
        // limit then still covers the run. The other controllers follow the same rule.
        struct V1 { const char* controller; std::string* dir; };
        for (V1 v : {V1{"memory", &cg.memoryDir}, V1{"pids", &cg.pidsDir}, V1{"cpu", &cg.cpuDir}}) {
            if (!ownCgroup(v.controller, mount, own))
                dieWith(VIGIL_ERR_SETUP, std::string("the cgroup v1 '") + v.controller +
                                             "' controller is not mounted on this host");
            *v.dir = makeDir(cg, std::string(kCgroupRoot) + "/" + mount + own, plan.runName);
        }
        writeFile(cg.memoryDir + "/memory.limit_in_bytes", std::to_string(l.memory_bytes));
        // Memory+swap as well, so a host with swap cannot absorb the bomb (absent without swapaccount).
        writeFileQuiet(cg.memoryDir + "/memory.memsw.limit_in_bytes", std::to_string(l.memory_bytes));
        writeFile(cg.pidsDir + "/pids.max", std::to_string(l.pids_max));
        if (cpuLimited) {
            writeFile(cg.cpuDir + "/cpu.cfs_period_us", "100000");
            writeFile(cg.cpuDir + "/cpu.cfs_quota_us", std::to_string(l.cpu_percent * 1000u));
        }
        if (!ownCgroup("", mount, own))
            dieWith(VIGIL_ERR_SETUP, "no cgroup2 entry in /proc/self/cgroup");
        cg.v2Dir = makeDir(cg, std::string(kUnifiedRoot) + own, plan.runName);
    } else {
        errno = ENOENT;
        die("statfs", "/sys/fs/cgroup", "no cgroup2 hierarchy is mounted; vigil needs cgroup2 (pure or hybrid)");
    }
    cg.v2Fd = open(cg.v2Dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cg.v2Fd < 0)
        die("open", cg.v2Dir);
    struct stat st{};
    if (fstat(cg.v2Fd, &st) != 0)
        die("fstat", cg.v2Dir);
    cg.v2Id = st.st_ino;  // the kernfs node id, which is the cgroup id on 64-bit kernels
}

void attachV1(const RunCgroup& cg, pid_t pid) {
    if (!cg.hybrid)
        return;
    for (const std::string* dir : {&cg.memoryDir, &cg.pidsDir, &cg.cpuDir})
        writeFile(*dir + "/cgroup.procs", std::to_string(pid));
}

CgroupStats readCgroupStats(const RunCgroup& cg) {
    CgroupStats s;
    if (cg.hybrid) {
        s.oomKilled = keyedValue(cg.memoryDir + "/memory.oom_control", "oom_kill") > 0;
        s.memoryPeak = singleValue(cg.memoryDir + "/memory.max_usage_in_bytes");
    } else {
        s.oomKilled = keyedValue(cg.memoryDir + "/memory.events", "oom_kill") > 0;
        s.memoryPeak = singleValue(cg.memoryDir + "/memory.peak");
    }
    s.pidsLimitHit = keyedValue(cg.pidsDir + "/pids.events", "max") > 0;
    // cpu.stat's usage fields are there on every v2 cgroup, with or without the cpu controller.
    if (!cg.v2Dir.empty())
        s.cpuNs = keyedValue(cg.v2Dir + "/cpu.stat", "usage_usec") * 1000;
    return s;
}

bool destroyRunCgroup(RunCgroup& cg) {
    if (cg.created.empty())
        return true;
    // cgroup.kill reaches every process of the run, also ones that left the pid namespace's view.
    if (!cg.v2Dir.empty())
        writeFileQuiet(cg.v2Dir + "/cgroup.kill", "1");
    bool ok = true;
    for (auto it = cg.created.rbegin(); it != cg.created.rend(); ++it) {
        for (int i = 0; i < 300 && !isEmpty(*it); ++i)
            sleepMs(10);
        int tries = 0;
        while (rmdir(it->c_str()) != 0 && errno == EBUSY && ++tries < 100)
            sleepMs(10);
        if (access(it->c_str(), F_OK) == 0) {
            std::fprintf(stderr, "vigil-sandbox: could not remove cgroup %s: %s\n", it->c_str(), std::strerror(errno));
            ok = false;
        }
    }
    cg.created.clear();
    if (cg.v2Fd >= 0)
        close(cg.v2Fd);
    cg.v2Fd = -1;
    return ok;
}

}  // namespace vigil::sandbox
