// Stage 4: namespaces and pid 1. The namespaces are created by the real-root helper, so the mount,
// network and pid namespaces belong to the host's user namespace: the command, which runs in a
// user namespace of its own with no capability in the owning one, can never reconfigure them —
// even if the seccomp filter were absent.
#include "app/sandbox/sandbox_init.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <sched.h>
#include <string>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "app/sandbox/die.h"
#include "app/sandbox/protocol.h"
#include "app/sandbox/filesystem.h"
#include "app/sandbox/network.h"
#include "app/sandbox/payload.h"

namespace vigil::sandbox {
namespace {

char* g_argvStart = nullptr;
size_t g_argvSize = 0;

void makePipe(int& r, int& w) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        die("pipe2", "sandbox pipe");
    r = fds[0];
    w = fds[1];
}

pid_t clone3Fork(uint64_t flags, int* pidfd, int cgroupFd) {
    clone_args args{};
    args.flags = flags;
    args.exit_signal = SIGCHLD;
    if (pidfd != nullptr)
        args.pidfd = reinterpret_cast<uint64_t>(pidfd);
    if (cgroupFd >= 0)
        args.cgroup = static_cast<uint64_t>(cgroupFd);
    return static_cast<pid_t>(syscall(SYS_clone3, &args, sizeof args));
}

void writeProc(pid_t pid, const char* file, const std::string& value) {
    const std::string path = "/proc/" + std::to_string(pid) + "/" + file;
    const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        die("open", path);
    if (write(fd, value.data(), value.size()) != static_cast<ssize_t>(value.size()))
        die("write", path + " <- " + value);
    close(fd);
}

/// Closes every fd above stdio except `keep` (-1 entries ignored). Pid 1 is a copy of the helper,
/// which by then may hold the tracer's programs and maps (loaded once per session), the steering
/// map and the honeypot's sockets: none of it belongs in the sandbox.
void keepOnlyFds(std::vector<int> keep) {
    std::sort(keep.begin(), keep.end());
    unsigned next = 3;
    for (int fd : keep) {
        if (fd < static_cast<int>(next))
            continue;
        if (static_cast<unsigned>(fd) > next)
            syscall(SYS_close_range, next, static_cast<unsigned>(fd) - 1, 0u);
        next = static_cast<unsigned>(fd) + 1;
    }
    syscall(SYS_close_range, next, ~0u, 0u);
}

/// The sandbox's /proc/1/cmdline would otherwise show the helper's path and arguments.
void presentAsInit() {
    if (g_argvStart != nullptr && g_argvSize > 0) {
        std::memset(g_argvStart, 0, g_argvSize);
        std::strncpy(g_argvStart, "/sbin/init", g_argvSize - 1);
    }
    prctl(PR_SET_NAME, "init", 0, 0, 0);
}

[[noreturn]] void runInit(const RunPlan& plan, const SandboxPipes& p, int scratchFd) {
    // If the helper dies, so does pid 1, and with it every process of the pid namespace.
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    // The engine connection and the helper's ends of the pipes never enter the sandbox.
    close(engineFd());
    setEngineFd(-1);
    close(p.stdoutRead);
    close(p.stderrRead);
    close(p.statusRead);
    close(p.releaseWrite);
    close(p.execRead);
    keepOnlyFds({p.statusWrite, p.releaseRead, p.stdoutWrite, p.stderrWrite, p.execWrite, scratchFd, plan.packageFd,
                 plan.idmapUsernsFd});
    setSandboxStatusFd(p.statusWrite);
    char byte = 0;
    // EOF instead of the byte: the helper died before releasing us (PDEATHSIG set before this
    // read closes the race).
    if (read(p.releaseRead, &byte, 1) != 1)
        _exit(1);
    // Now that the helper placed us in every cgroup, make them the root of our view.
    if (unshare(CLONE_NEWCGROUP) != 0)
        die("unshare", "CLONE_NEWCGROUP");
    presentAsInit();
    // Still real root: drop the host's supplementary groups (root's) before anything is spawned.
    if (setgroups(0, nullptr) != 0)
        die("setgroups", "clear supplementary groups");
    if (sethostname(plan.hostname.data(), plan.hostname.size()) != 0)
        die("sethostname", plan.hostname);
    bringUpLoopback();
    buildFilesystem(plan, scratchFd);
    close(scratchFd);
    if (plan.packageFd >= 0)
        close(plan.packageFd);
    if (plan.idmapUsernsFd >= 0)
        close(plan.idmapUsernsFd);
    // No one in the sandbox may ptrace or read the memory of the privileged pid 1.
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

    int releaseRead = -1, releaseWrite = -1;
    makePipe(releaseRead, releaseWrite);
    const pid_t payload = clone3Fork(CLONE_NEWUSER, nullptr, -1);
    if (payload < 0)
        die("clone3", "CLONE_NEWUSER for the command", "user namespaces must be enabled (user.max_user_namespaces > 0)");
    if (payload == 0) {
        close(releaseWrite);
        close(p.releaseRead);
        runPayload(plan, PayloadFds{releaseRead, p.stdoutWrite, p.stderrWrite});
    }
    close(releaseRead);
    // One uid and one gid exist in the command's user namespace: 1000, an unprivileged host id
    // unique to this run. setgroups is denied so the gid map can be written and groups stay empty.
    writeProc(payload, "uid_map", std::to_string(kSandboxUid) + " " + std::to_string(plan.hostUid) + " 1\n");
    writeProc(payload, "setgroups", "deny");
    writeProc(payload, "gid_map", std::to_string(kSandboxGid) + " " + std::to_string(plan.hostGid) + " 1\n");
    // The second byte: the helper finished the network (veth, steering, the honeypot listening)
    // while we built the file system, so the command's first connection is answered. EOF: the
    // helper is gone.
    if (read(p.releaseRead, &byte, 1) != 1)
        _exit(1);
    close(p.releaseRead);
    if (write(releaseWrite, "g", 1) != 1)
        die("write", "release the command");
    close(releaseWrite);
    close(p.stdoutWrite);
    close(p.stderrWrite);
    close(p.execWrite);
    // The OOM killer should pick the command, not the process whose exit reports its status.
    // Set after the clone so the command keeps the default score. Best effort: lowering the score
    // needs CAP_SYS_RESOURCE, which containers often withhold; pid 1 is tiny and rarely chosen,
    // and if it is, the helper still reports the OOM kill from the cgroup.
    const int adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (adj >= 0) {
        ssize_t ignored = write(adj, "-1000", 5);
        (void)ignored;
        close(adj);
    }

    for (;;) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid < 0)
            _exit(0);
        if (pid == payload) {
            // The run ends with its command; leaving pid 1 kills whatever it left behind.
            StatusRecord record;
            record.kind = StatusRecord::Exited;
            record.waitStatus = status;
            ssize_t ignored = write(p.statusWrite, &record, sizeof record);
            (void)ignored;
            _exit(0);
        }
    }
}

}  // namespace

void setProcessTitle(const std::string& title) {
    if (g_argvStart != nullptr && g_argvSize > 0) {
        std::memset(g_argvStart, 0, g_argvSize);
        std::strncpy(g_argvStart, title.c_str(), g_argvSize - 1);
    }
}

void createPipes(SandboxPipes& p) {
    makePipe(p.stdoutRead, p.stdoutWrite);
    makePipe(p.stderrRead, p.stderrWrite);
    makePipe(p.statusRead, p.statusWrite);
    makePipe(p.releaseRead, p.releaseWrite);
    makePipe(p.execRead, p.execWrite);
    // The helper must never block on the command's output: it polls.
    fcntl(p.stdoutRead, F_SETFL, O_NONBLOCK);
    fcntl(p.stderrRead, F_SETFL, O_NONBLOCK);
}

void rememberArgv(int argc, char** argv) {
    if (argc <= 0)
        return;
    g_argvStart = argv[0];
    char* end = argv[argc - 1] + std::strlen(argv[argc - 1]) + 1;
    g_argvSize = static_cast<size_t>(end - g_argvStart);
}

Sandbox spawnSandbox(const RunPlan& plan, const RunCgroup& cg, const SandboxPipes& pipes, int scratchFd) {
    Sandbox s;
    const uint64_t flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_PIDFD |
                           CLONE_INTO_CGROUP;
    const pid_t pid = clone3Fork(flags, &s.initPidfd, cg.v2Fd);
    if (pid < 0)
        die("clone3", "new namespaces", "needs Linux 5.7 or later and root (or CAP_SYS_ADMIN)");
    if (pid == 0)
        runInit(plan, pipes, scratchFd);
    s.initPid = pid;
    // The helper keeps only its ends.
    close(pipes.stdoutWrite);
    close(pipes.stderrWrite);
    close(pipes.statusWrite);
    close(pipes.releaseRead);
    close(pipes.execWrite);
    return s;
}

}  // namespace vigil::sandbox
