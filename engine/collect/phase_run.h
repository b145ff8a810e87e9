// @brief PhaseRun: what one execution phase (install, import, api) of one package version did.
//
// The engine-side record of one sandbox run of a phase: how it ended, what limits it hit, what
// the phase driver did to the package (the stimulus) and the merged, ordered event stream.
// `vigil-cli analyze` prints it, the store keeps its events, the analysis reads it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/collect/event.h"
#include "engine/sandbox/sandbox_types.h"

namespace vigil::engine::collect {

/// How a phase ended, most telling first when several apply.
namespace outcome {
inline constexpr const char* Ok = "ok";            ///< the driver finished and reported
inline constexpr const char* Failed = "failed";    ///< a script or the driver exited non-zero
inline constexpr const char* Timeout = "timeout";  ///< the wall limit killed the run
inline constexpr const char* Crashed = "crashed";  ///< killed by a signal it did not ask for
inline constexpr const char* Limit = "limit";      ///< "limit:memory", "limit:pids", "limit:output"
inline constexpr const char* Error = "error";      ///< the sandbox could not run the phase at all
inline constexpr const char* Skipped = "skipped";  ///< nothing to do (no install scripts, ...)
}  // namespace outcome

struct PhaseRun {
    std::string phase;              ///< "install", "import", "api"
    std::string outcome;            ///< see namespace outcome; "limit:<name>" for other limits
    std::string reason;             ///< one line for people: why it ended that way
    int exitCode = -1;              ///< of the phase's command; -1 when killed or never run
    int signal = 0;
    std::vector<std::string> limitsHit;  ///< "wall", "memory", "pids", "output"
    std::chrono::nanoseconds setup{0};   ///< sandbox construction up to the command's execve
    std::chrono::nanoseconds run{0};     ///< execve -> exit
    std::string stdoutTail;
    std::string stderrTail;
    uint64_t stdoutBytes = 0;       ///< produced by the run (the tails keep only the last bytes)
    uint64_t stderrBytes = 0;
    uint64_t memoryPeakBytes = 0;
    std::chrono::nanoseconds cpu{0};  ///< user+system CPU of the run; 0 = not reported
    /// What the collection could not do: tracer inactive or degraded, malformed hook lines, ...
    std::vector<std::string> warnings;
    std::map<std::string, uint64_t> counts;  ///< events per category ("file", "network", ...)
    std::map<std::string, uint64_t> drops;   ///< events lost, per source name; absent = none lost
    nlohmann::json stimulus = nlohmann::json::object();  ///< what the driver did: scripts, entries, calls
    std::vector<Event> events;                           ///< merged, seq from 0
    std::vector<sandbox::BaitToken> bait;                ///< the run's honeytokens

    [[nodiscard]] uint64_t totalDrops() const;
    /// Recomputes `counts` from `events`.
    void countEvents();
};

/// The summary object (no events): {phase, outcome, reason, exit_code, signal, limits_hit,
/// setup_ms, duration_ms, counts, drops, warnings, stimulus, bait[{name, place, location, value}],
/// stdout_tail, stderr_tail}. Bait values are fake, fresh per run: a reader of the JSON needs them
/// to recognise them in the events (an HTTP body, a written file).
nlohmann::json phaseSummaryJson(const PhaseRun& run);

}  // namespace vigil::engine::collect
