// @brief PhaseRecord: everything one sandboxed phase of one package version left behind, as analysis reads it.
//
// The phases runner fills one per phase (install, import, api); the normaliser, the fingerprint and
// the exfiltration proof read only this, never the sandbox client, so they can be tested with
// hand-made events and re-run on stored runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/collect/event.h"
#include "engine/sandbox/sandbox_types.h"

namespace vigil::engine::analysis {

/// Who ran and where its files sit inside the sandbox: what canonical paths are relative to.
/// The scratch directory the api phase's driver (resources/node/phase_api.mjs) works in: its cwd,
/// and the parent of every path argument it invents. The normaliser names it $STIMULUS, so a file
/// library writing or deleting what the driver asked it to is told apart from the user's files by
/// prefix. Inside the project, so configuration searches walking up from the cwd still find the
/// consumer's package.json.
inline constexpr std::string_view kApiStimulusDir = "/home/dev/project/.vigil-stimulus";
/// The host of every URL the api driver invents: RFC 2606 reserves .example, so no payload can
/// live there, and the honeypot answers it like any other name.
inline constexpr std::string_view kApiStimulusHost = "stimulus.example";

struct PackageIdentity {
    std::string name;     ///< "left-pad" or "@scope/name"
    std::string version;  ///< "1.3.0"
    /// The package's own directory inside the sandbox: /home/dev/project/node_modules/<name> when it
    /// is installed into the synthetic consumer project, /home/dev/project when it is the project.
    std::string dir;
    std::string projectDir = "/home/dev/project";
    std::string home = "/home/dev";
    std::string tmp = "/tmp";
    std::string stimulus = std::string(kApiStimulusDir);  ///< see kApiStimulusDir; "$STIMULUS"

    /// The identity of `name@version` installed into the consumer project (the usual layout).
    static PackageIdentity inConsumer(std::string name, std::string version);
};

/// How the phase ended and what it used. Only what RunResult says, plus CPU time when known.
struct PhaseOutcome {
    int exitCode = 0;  ///< -1 when killed by a signal
    int signal = 0;
    bool wallLimitHit = false;
    bool memoryLimitHit = false;
    bool pidsLimitHit = false;
    bool outputLimitHit = false;
    std::chrono::nanoseconds duration{0};  ///< execve of the phase's command -> exit
    std::chrono::nanoseconds cpu{0};       ///< user+system CPU of the run's cgroup; 0 = not measured
    uint64_t stdoutBytes = 0;
    uint64_t stderrBytes = 0;
    uint64_t memoryPeakBytes = 0;

    static PhaseOutcome fromRunResult(const sandbox::RunResult& result);

    /// The wall-clock limit killed it: a hang, or a time bomb that never finished.
    [[nodiscard]] bool timedOut() const { return wallLimitHit; }
    /// Ended by a signal it did not ask for, or by the memory/pids limit (but not by the wall limit).
    [[nodiscard]] bool crashed() const { return !wallLimitHit && (signal != 0 || memoryLimitHit || pidsLimitHit); }
    /// Anything but a clean exit 0: a failed install is itself a signal (coa/rc, 2021).
    [[nodiscard]] bool failed() const {
        return exitCode != 0 || signal != 0 || wallLimitHit || memoryLimitHit || pidsLimitHit || outputLimitHit;
    }
    bool operator==(const PhaseOutcome&) const = default;
};

struct PhaseRecord {
    std::string phase;                      ///< "install", "import", "api"
    std::string runtime;                    ///< "node-20.11.1": which baseline applies
    PhaseOutcome outcome;
    std::vector<collect::Event> events;     ///< the phase's merged stream, ordered by seq
    std::vector<sandbox::BaitToken> bait;   ///< honeytokens planted for this run (unique values)
    /// What the phase drove: free-form JSON owned by the phases runner (entry points imported,
    /// API calls made with which inputs). Analysis keeps it for explanations, never matches on it.
    nlohmann::json stimulus = nlohmann::json::object();
};

}  // namespace vigil::engine::analysis
