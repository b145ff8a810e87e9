// @brief Stage 7a: the eBPF tracer — load, filter on the run's cgroup, attach, forward records, report stats.
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
    bool untraced = false;         ///< VIGIL_TEST_MODE_UNTRACED
    std::string warnings;          ///< one line per thing the tracer could not do

    // Forwarding state.
    int engine = -1;
    bool started = false;          ///< the command's first exec was seen: records before it are setup
    uint64_t execNs = 0;
    uint64_t events = 0, lost = 0, setupSkipped = 0;
    uint32_t batchCount = 0;
    std::vector<uint8_t> batch;
};

/// Loads and attaches every family the host supports, filtered on `cgroupV2Id`. Called as real root
/// before the command is released. Never dies: what fails becomes a warning in the run's stats.
void startTracer(Tracer& t, uint64_t cgroupV2Id, bool untraced, int engine);

/// The fd to poll for records (-1 when nothing is attached). It only becomes readable when the
/// ring buffer is filling up: the supervise loop also drains every kTracerDrainMs.
int tracerPollFd(const Tracer& t);
constexpr int kTracerDrainMs = 20;

/// Reads what the ring buffer holds and forwards it to the engine in VIGIL_MSG_TRACE batches.
void drainTracer(Tracer& t);

/// Last drain, then the one VIGIL_MSG_STATS (stopTracer detaches later). `fallbackExecNs` is the helper's own
/// observation of the execve, used when no exec record arrived. False when the engine is gone.
bool finishTracer(Tracer& t, uint64_t fallbackExecNs);

/// Detaches and frees everything (idempotent; die()'s cleanup calls it too).
void stopTracer(Tracer& t);

}  // namespace vigil::sandbox
