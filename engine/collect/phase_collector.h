// @brief Merges every source's events of one phase run into one ordered stream (seq, ts_ns rebased).
//
// Each source (kernel tracer, Node runtime hook, honeypot, the sandbox's own overlay diff and
// limits) is decoded separately into collect::Event with `tsNs` on CLOCK_MONOTONIC (absolute:
// nanoseconds since boot, as bpf_ktime_get_ns and clock_gettime(CLOCK_MONOTONIC) give). The
// merge sorts them by time, numbers them from 0 and rebases tsNs to the command's execve, so a
// reader sees "12 ms after the script started" whatever the source.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/collect/event.h"
#include "engine/sandbox/sandbox_types.h"

namespace vigil::engine::collect {

/// The clocks of one run. Kernel and runtime events carry CLOCK_MONOTONIC; the honeypot stamps
/// its records with the wall clock (CLOCK_REALTIME), converted with a (system, steady) pair
/// sampled at the same moment — at READY, when the command is about to start.
struct PhaseClock {
    int64_t execMonoNs = 0;  ///< CLOCK_MONOTONIC of the command's execve (the zero of ts_ns)
    int64_t readyMonoNs = 0;  ///< CLOCK_MONOTONIC sampled together with readySystem
    std::chrono::system_clock::time_point readySystem;

    /// Both clocks now; execMonoNs = the same instant (READY is sent right before execve: a
    /// tracer that sees the exec itself may set execMonoNs more exactly).
    static PhaseClock sampleNow();
    /// Takes the tracer's CLOCK_MONOTONIC of the command's execve as the zero when it saw it
    /// (TraceStats::execNs != 0): exact, where READY's sample is the engine's view a little
    /// before the exec. Kernel and hook events are then exec-relative to the nanosecond.
    void useTracerExec(const sandbox::TraceStats& stats);
    /// A wall-clock time as CLOCK_MONOTONIC ns (exact to the pair's sampling, a few µs).
    [[nodiscard]] int64_t monoFromSystem(std::chrono::system_clock::time_point t) const;
    [[nodiscard]] int64_t execEndMonoNs(std::chrono::nanoseconds run) const { return execMonoNs + run.count(); }
};

/// One source's events for the merge. Events' tsNs are absolute CLOCK_MONOTONIC ns; their seq and
/// phase are overwritten by the merge.
struct SourceEvents {
    std::string name;  ///< "kernel", "runtime", "honeypot", "sandbox": the key of its drop count
    std::vector<Event> events;
    uint64_t drops = 0;  ///< events the source lost (ring buffer full, honeypot cap, ...)
};

/// The merged stream: sorted by time; ties keep the order of `sources`, then each source's own
/// order (a source's order is its truth: two syscalls in the same ns stay in sequence).
struct MergedEvents {
    std::vector<Event> events;
    std::map<std::string, uint64_t> drops;  ///< per source name, only sources that dropped
};
MergedEvents mergePhaseEvents(const std::string& phase, const PhaseClock& clock, std::vector<SourceEvents> sources);

/// The addresses every name resolves to in the simulated internet (the honeypot's DNS answers
/// to A and AAAA queries; app/sandbox/protocol.h).
inline constexpr const char* kHoneypotAnswerIpv4 = "104.18.32.7";
inline constexpr const char* kHoneypotAnswerIpv6 = "2606:4700::6812:2007";
/// Joins the honeypot's DNS log to the traffic (run by mergePhaseEvents on the ordered stream):
/// a connection or datagram to an answer address gets `host` = the name its own process most
/// recently resolved (the run's last name when its pid or its lookups are unknown), so it reads as
/// the host the package asked for rather than a bare IP; traffic to the resolver's port 53 is
/// marked `dns_traffic` (its query is already a network.dns event).
void joinDnsNames(std::vector<Event>& events);

/// Honeypot records -> network.dns / http / tls_sni / tcp_data / tcp_syn / udp_data events
/// (source honeypot, no pid: the honeypot only sees packets). "Dropped" records become the
/// source's drop count instead of events.
SourceEvents honeypotEvents(const std::vector<sandbox::NetEvent>& records, const PhaseClock& clock);
/// The overlay's record of what the run left changed -> file.change events, stamped at the end of
/// the run (the overlay only knows the final state). A truncated list counts as one drop.
SourceEvents overlayChangeEvents(const sandbox::RunResult& result, const PhaseClock& clock);
/// Limits the sandbox enforced -> sandbox.limit events, at the end of the run.
SourceEvents limitEvents(const sandbox::RunResult& result, const PhaseClock& clock);

/// The kernel tracer's records -> events (source "kernel", absolute CLOCK_MONOTONIC like every
/// source: the merge rebases). Drops: what the ring buffer had no room for, what the helper
/// discarded, and records the decoder refused (each also named in `warnings`, bounded). A run the
/// tracer did not watch adds a warning: its silence must not read as a clean package.
SourceEvents kernelEvents(const sandbox::RunResult& result, std::vector<std::string>* warnings = nullptr);
/// The Node runtime hook's lines -> events (source "runtime"; the hook stamps process.hrtime,
/// i.e. absolute CLOCK_MONOTONIC). Drops: lines the helper discarded and malformed lines.
SourceEvents runtimeEvents(const sandbox::RunResult& result, std::vector<std::string>* warnings = nullptr);

/// What the sandbox itself reports for a run: honeypot, overlay changes and limits.
std::vector<SourceEvents> sandboxSources(const sandbox::RunResult& result, const PhaseClock& clock);
/// Every source of a run: sandboxSources plus the kernel tracer's and the runtime hook's events.
std::vector<SourceEvents> runSources(const sandbox::RunResult& result, const PhaseClock& clock,
                                     std::vector<std::string>* warnings = nullptr);

}  // namespace vigil::engine::collect
