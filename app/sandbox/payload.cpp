// Stage 7: the command. Order matters and is the bubblewrap order: ids, fds, cwd, then drop every
// capability, no_new_privs, seccomp last, execve. Nothing between seccomp_load and execve.
#include "app/sandbox/payload.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "app/sandbox/die.h"
#include "app/sandbox/protocol.h"
#include "app/sandbox/seccomp_filter.h"

namespace vigil::sandbox {
namespace {

constexpr const char* kPath = "/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games";

void dropAllCapabilities() {
    // Bounding set first (needs CAP_SETPCAP, which we still hold in our user namespace), so no
    // later execve can regain anything; then ambient; then the process's own sets.
    for (int cap = 0; cap <= CAP_LAST_CAP; ++cap)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
            die("prctl PR_CAPBSET_DROP", std::to_string(cap));
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
        die("prctl PR_CAP_AMBIENT_CLEAR_ALL", "ambient capabilities");
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    if (syscall(SYS_capset, &header, data) != 0)
        die("capset", "clear all capabilities");
}

/// execvp's search, done against our fixed PATH rather than the helper's environment.
std::string resolveCommand(const std::string& name) {
    if (name.find('/') != std::string::npos)
        return name;
    std::string path = kPath;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find(':', start);
        if (end == std::string::npos)
            end = path.size();
        const std::string candidate = path.substr(start, end - start) + "/" + name;
        if (access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return name;
}

}  // namespace

std::vector<std::string> buildEnvironment(const RunPlan& plan) {
    std::vector<std::string> env = {
        std::string("PATH=") + kPath,
        std::string("HOME=") + kHomeDir,
        std::string("USER=") + kSandboxUser,
        std::string("LOGNAME=") + kSandboxUser,
        "SHELL=/bin/bash",
        "LANG=en_US.UTF-8",
        "LANGUAGE=en_US:en",
        "TERM=xterm-256color",
        "COLORTERM=truecolor",
        "EDITOR=vim",
        "XDG_RUNTIME_DIR=/run/user/1000",
        "XDG_SESSION_TYPE=x11",
        "PWD=" + plan.cwd,
        // Node keeps its own root store; this is how developers behind an inspecting proxy make
        // it trust their organisation's CA, here the run's (filesystem.cpp).
        std::string("NODE_EXTRA_CA_CERTS=") + kRunCaPath,
    };
    env.insert(env.end(), plan.bait.env.begin(), plan.bait.env.end());
    for (const std::string& extra : plan.env) {
        const std::string name = extra.substr(0, extra.find('=') + 1);
        bool replaced = false;
        for (std::string& e : env)
            if (e.compare(0, name.size(), name) == 0) {
                e = extra;
                replaced = true;
            }
        if (!replaced)
            env.push_back(extra);
    }
    return env;
}

void runPayload(const RunPlan& plan, const PayloadFds& fds) {
    char byte = 0;
    if (read(fds.release, &byte, 1) != 1)
        _exit(1);  // pid 1 is gone: nothing to run for
    // Ids inside our user namespace: 1000 maps to the run's unprivileged host uid. Our
    // supplementary groups were already cleared by pid 1 while it was real root.
    if (setresgid(kSandboxGid, kSandboxGid, kSandboxGid) != 0)
        die("setresgid", "1000");
    if (setresuid(kSandboxUid, kSandboxUid, kSandboxUid) != 0)
        die("setresuid", "1000");

    const int devNull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devNull < 0 || dup2(devNull, 0) != 0 || dup2(fds.stdoutFd, 1) != 1 || dup2(fds.stderrFd, 2) != 2)
        die("dup2", "stdin/stdout/stderr");
    // Whatever else is open (status pipe, the exec notifier) closes at execve, not before: the
    // status pipe must stay usable for die() until the very end.
    if (syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) != 0)
        die("close_range", "mark fds close-on-exec", "needs Linux 5.11 or later");
    if (chdir(plan.cwd.c_str()) != 0)
        die("chdir", plan.cwd, "the working directory must exist inside the sandbox");

    const std::vector<std::string> env = buildEnvironment(plan);
    std::vector<char*> envp;
    for (const std::string& e : env)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    std::vector<char*> argv;
    for (const std::string& a : plan.argv)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const std::string program = resolveCommand(plan.argv.front());
    void* filter = buildSeccompFilter();

    dropAllCapabilities();
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        die("prctl PR_SET_NO_NEW_PRIVS", "set");
    loadSeccompFilter(filter);
    execve(program.c_str(), argv.data(), envp.data());

    // Reported like a shell does, on the command's own stderr: a missing tool is a run result.
    const int saved = errno;
    const std::string message = "vigil-sandbox: " + plan.argv.front() + ": " + std::strerror(saved) + "\n";
    ssize_t ignored = write(2, message.data(), message.size());
    (void)ignored;
    _exit(saved == ENOENT ? 127 : 126);
}

}  // namespace vigil::sandbox
