// @brief Stage 7: the command's process — environment, ids, capability drop, no_new_privs, seccomp, execve.
#pragma once

#include <string>
#include <vector>

#include "app/sandbox/run_plan.h"

namespace vigil::sandbox {

struct PayloadFds {
    int release = -1;  ///< read end: pid 1 writes a byte once the uid/gid maps exist
    int stdoutFd = -1; ///< write ends of the helper's output pipes
    int stderrFd = -1;
};

/// The environment the command gets, built from nothing: a fixed, realistic set, the
/// run's bait tokens, then the engine's extra entries (which may override it). Never anything inherited.
std::vector<std::string> buildEnvironment(const RunPlan& plan);

/// Runs in the process cloned with CLONE_NEWUSER by pid 1. Never returns: execs the command,
/// exits 126/127 when execve fails (as a shell would), or die()s when setup fails.
[[noreturn]] void runPayload(const RunPlan& plan, const PayloadFds& fds);

}  // namespace vigil::sandbox
