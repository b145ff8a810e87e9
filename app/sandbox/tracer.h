// @brief Stage 7a: the eBPF tracer — loaded once per helper, filtered on each run's cgroup, forwards records, reports stats.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct ring_buffer;
struct vigil_tracer_bpf;
struct bpf_link;

namespace vigil::sandbox {

struct Tracer {
    vigil_tracer_bpf* skel = nullptr;  ///< every family, statically linked into one object
    std::vector<bpf_link*> links;
    ring_buffer* ring = nullptr;
    int dropsFd = -1;              ///< the per-CPU drop counter map
    uint32_t families = 0;         ///< VIGIL_TRACE_FAMILY_* attached
    bool loaded = false;           ///< the load was tried (once per helper: it is the costliest setup step)
    bool untraced = false;         ///< this run: VIGIL_TEST_MODE_UNTRACED
    bool discarding = false;       ///< records read now belong to no run (a finished one's stragglers)
    std::string warnings;          ///< one line per thing the tracer could not do (kept for every run)

    // Forwarding state.
    int engine = -1;
    bool started = false;          ///< the command's first exec was seen: records before it are setup
    uint64_t execNs = 0;
    uint64_t events = 0, lost = 0, setupSkipped = 0;
    uint32_t batchCount = 0;
    std::vector<uint8_t> batch;
};

/// Points the tracer at a run: filters on `cgroupV2Id` (nothing when `untraced`), drops whatever an
/// earlier run left in the ring buffer and resets the counters. The first traced run of a helper
/// also loads and attaches every family the host supports (as real root); later runs only rewrite
/// the filter. Called after the run's cgroup exists and before its pid 1 is released. Never dies:
/// what fails becomes a warning in the stats of this and every later run.
void startTracer(Tracer& t, uint64_t cgroupV2Id, bool untraced, int engine);

/// After a run's cgroup is gone: the filter matches nothing until the next startTracer.
void endTracerRun(Tracer& t);

/// The fd to poll for records (-1 when nothing is attached). It only becomes readable when the
/// ring buffer is filling up: the supervise loop also drains every kTracerDrainMs.
int tracerPollFd(const Tracer& t);
constexpr int kTracerDrainMs = 20;

/// Reads what the ring buffer holds and forwards it to the engine in VIGIL_MSG_TRACE batches.
void drainTracer(Tracer& t);

/// Last drain, then the run's one VIGIL_MSG_STATS (the programs stay attached for the next run). `fallbackExecNs` is the helper's own
/// observation of the execve, used when no exec record arrived. False when the engine is gone.
bool finishTracer(Tracer& t, uint64_t fallbackExecNs);

/// Detaches and frees everything (idempotent): at the end of the helper's session.
void stopTracer(Tracer& t);

}  // namespace vigil::sandbox
