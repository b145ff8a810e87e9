// @brief Stage 4: the namespaces and the sandbox's pid 1, which builds the file system and runs the command.
#pragma once

#include <string>
#include <sys/types.h>

#include "app/sandbox/run_cgroup.h"
#include "app/sandbox/run_plan.h"

namespace vigil::sandbox {

/// Pipes between the helper and the sandbox. The helper keeps the read ends of out/err/status/
/// exec and the write end of release; the sandbox gets the others.
struct SandboxPipes {
    int stdoutRead = -1, stdoutWrite = -1;
    int stderrRead = -1, stderrWrite = -1;
    int statusRead = -1, statusWrite = -1;    ///< StatusRecords from pid 1 and the command's setup
    int releaseRead = -1, releaseWrite = -1;  ///< helper -> pid 1: 1st byte cgroups attached, build; 2nd network ready, exec
    int execRead = -1, execWrite = -1;        ///< EOF when the command has exec'd (or died)
};

struct Sandbox {
    pid_t initPid = -1;  ///< host pid of the sandbox's pid 1
    int initPidfd = -1;
};

void createPipes(SandboxPipes& p);

/// Remembers argv's memory so pid 1 can present itself as /sbin/init in the sandbox's /proc.
void rememberArgv(int argc, char** argv);
/// Overwrites this process's /proc/<pid>/cmdline (within the original argv's space).
void setProcessTitle(const std::string& title);

/// clone3 into new mount, pid, net, uts and ipc namespaces, born inside the run's cgroup2 dir.
/// The child waits for the first release byte, then becomes the sandbox's pid 1 and builds the file
/// system; it starts the command at the second.
Sandbox spawnSandbox(const RunPlan& plan, const RunCgroup& cg, const SandboxPipes& pipes, int scratchFd);

}  // namespace vigil::sandbox
