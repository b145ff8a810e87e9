// @brief Stage 0: removes what a SIGKILLed helper left behind — its runs' cgroup dirs and their processes.
#pragma once

#include <string>

namespace vigil::sandbox {

/// True when `name` is a run directory name, "vigil-<pid>-<8 hex>", and sets `pid`.
bool parseRunName(const std::string& name, long& pid);

/// Sweeps every "vigil-<pid>-*" cgroup dir next to where this helper creates its own runs whose
/// helper pid no longer runs vigil-sandbox: kills the processes still in it (cgroup.kill, or
/// SIGKILL to each of cgroup.procs) and removes it. Best effort: a failure is reported on stderr
/// and never stops the new run. Returns how many directories were removed.
int sweepStaleRuns();

}  // namespace vigil::sandbox
