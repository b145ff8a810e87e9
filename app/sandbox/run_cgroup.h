// @brief Stage 2: the run's cgroups (v2, or v1 controllers + a v2 directory on hybrid hosts).
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

#include "app/sandbox/run_plan.h"

namespace vigil::sandbox {

struct RunCgroup {
    bool hybrid = false;         ///< v1 resource controllers + cgroup2 at /sys/fs/cgroup/unified
    std::string memoryDir, pidsDir, cpuDir;  ///< resource dirs (all equal to v2Dir on pure v2)
    std::string v2Dir;           ///< the cgroup2 dir: CLONE_INTO_CGROUP target, cgroup.kill
    int v2Fd = -1;
    uint64_t v2Id = 0;           ///< what bpf_get_current_cgroup_id() returns inside the run
    std::vector<std::string> created;  ///< every dir made, removed in reverse order
};

struct CgroupStats {
    bool oomKilled = false;
    bool pidsLimitHit = false;
    uint64_t memoryPeak = 0;
    uint64_t cpuNs = 0;  ///< usage_usec of the run's v2 cgroup (kept by the core on hybrid hosts too)
};

/// The directories this helper creates runs in (one per hierarchy: the v2 parent, and on hybrid
/// hosts the memory/pids/cpu parents too). Only those that exist; nothing is created.
std::vector<std::string> runParentDirs();

/// Creates and configures the run's cgroups; dies (after removing what it made) on failure.
void createRunCgroup(const RunPlan& plan, RunCgroup& cg);

/// Hybrid hosts: moves `pid` into the v1 controllers (the v2 placement is done by clone3).
void attachV1(const RunCgroup& cg, pid_t pid);

CgroupStats readCgroupStats(const RunCgroup& cg);

/// Kills every process of the run (cgroup.kill) and removes the dirs once they are empty.
/// Safe to call more than once and from die(). Returns false if a dir could not be removed.
bool destroyRunCgroup(RunCgroup& cg);

}  // namespace vigil::sandbox
