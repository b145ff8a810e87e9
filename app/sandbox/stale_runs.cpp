// Stage 0: a helper that was SIGKILLed never ran its cleanup. Its sandbox's pid 1 dies with it
// (PDEATHSIG) and takes the pid namespace along, but the cgroup dirs stay, and any process that
// got out of the namespace's reach would stay in them. The next helper to start removes both.
#include "app/sandbox/stale_runs.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <vector>

#include "app/sandbox/run_cgroup.h"

namespace vigil::sandbox {
namespace {

constexpr const char* kHelperComm = "vigil-sandbox";

void sleepMs(long ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, nullptr);
}

/// A helper still runs as that pid. Checked by name as well, because pids are reused.
bool helperAlive(long pid) {
    if (pid == getpid())
        return true;
    std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
    std::string comm;
    return std::getline(in, comm) && comm == kHelperComm;
}

std::vector<std::string> subdirs(const std::string& dir) {
    std::vector<std::string> out;
    DIR* d = opendir(dir.c_str());
    if (d == nullptr)
        return out;
    while (const dirent* e = readdir(d)) {
        if (e->d_type == DT_DIR && std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
            out.emplace_back(e->d_name);
    }
    closedir(d);
    return out;
}

std::vector<pid_t> procs(const std::string& dir) {
    std::ifstream in(dir + "/cgroup.procs");
    std::vector<pid_t> pids;
    long pid = 0;
    while (in >> pid)
        pids.push_back(static_cast<pid_t>(pid));
    return pids;
}

/// Kills everything in `dir` and its children, then removes them bottom-up.
bool removeRunDir(const std::string& dir) {
    for (const std::string& child : subdirs(dir))
        removeRunDir(dir + "/" + child);
    // cgroup.kill (v2, Linux 5.14+) also reaches processes forked while we kill; elsewhere loop
    // over cgroup.procs until it stays empty.
    const int kill = open((dir + "/cgroup.kill").c_str(), O_WRONLY | O_CLOEXEC);
    if (kill >= 0) {
        ssize_t ignored = write(kill, "1", 1);
        (void)ignored;
        close(kill);
    }
    for (int i = 0; i < 300; ++i) {
        const std::vector<pid_t> pids = procs(dir);
        if (pids.empty())
            break;
        for (pid_t pid : pids)
            ::kill(pid, SIGKILL);
        sleepMs(10);
    }
    for (int tries = 0; rmdir(dir.c_str()) != 0; ++tries) {
        if (errno != EBUSY || tries >= 100) {
            std::fprintf(stderr, "vigil-sandbox: could not remove stale cgroup %s: %s\n", dir.c_str(), std::strerror(errno));
            return false;
        }
        sleepMs(10);
    }
    return true;
}

}  // namespace

bool parseRunName(const std::string& name, long& pid) {
    constexpr size_t kPrefix = 6;  // "vigil-"
    if (name.compare(0, kPrefix, "vigil-") != 0)
        return false;
    const size_t dash = name.find('-', kPrefix);
    if (dash == std::string::npos || dash == kPrefix || dash - kPrefix > 10 || name.size() != dash + 9)
        return false;
    for (size_t i = kPrefix; i < dash; ++i)
        if (name[i] < '0' || name[i] > '9')
            return false;
    for (size_t i = dash + 1; i < name.size(); ++i)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
            return false;
    pid = std::stol(name.substr(kPrefix, dash - kPrefix));
    return pid > 0;
}

int sweepStaleRuns() {
    int removed = 0;
    for (const std::string& parent : runParentDirs()) {
        for (const std::string& name : subdirs(parent)) {
            long pid = 0;
            if (!parseRunName(name, pid) || helperAlive(pid))
                continue;
            if (removeRunDir(parent + "/" + name))
                ++removed;
        }
    }
    return removed;
}

}  // namespace vigil::sandbox
