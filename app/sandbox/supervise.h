// @brief Stage 8: the run itself — forward output, enforce the wall clock and output cap, watch the engine.
#pragma once

#include <cstdint>
#include <string>

#include "app/sandbox/run_cgroup.h"
#include "app/sandbox/run_plan.h"
#include "app/sandbox/runtime_channel.h"
#include "app/sandbox/sandbox_init.h"
#include "app/sandbox/tracer.h"

namespace vigil::sandbox {

struct RunOutcome {
    bool exited = false;      ///< pid 1 reported the command's wait status
    int waitStatus = 0;
    bool setupFailed = false; ///< a stage inside the sandbox died; setupError says why
    std::string setupError;   ///< "primary\nsecondary"
    uint32_t limitsHit = 0;   ///< VIGIL_LIMIT_WALL / VIGIL_LIMIT_OUTPUT (cgroup limits come later)
    uint64_t execNs = 0;      ///< when the command's execve happened (0 if it never did)
    uint64_t endNs = 0;
    uint64_t stdoutBytes = 0, stderrBytes = 0;
    bool engineGone = false;  ///< the engine closed the connection: stop, report nothing
};

/// Kills every process of the run now (pid 1 and cgroup.kill).
void killRun(const Sandbox& sandbox, const RunCgroup& cg);

/// Runs until pid 1 has exited and the output pipes are drained, or a limit or the engine ends it.
/// Meanwhile forwards the honeypot's records from `netEvents` (-1: none), the tracer's records and
/// the runtime hook's lines from `runtime`.
RunOutcome superviseRun(const RunPlan& plan, const Sandbox& sandbox, const SandboxPipes& pipes, const RunCgroup& cg,
                        int engine, int netEvents, Tracer& tracer, RuntimeChannel& runtime);

}  // namespace vigil::sandbox
