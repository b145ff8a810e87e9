// @brief PhaseRunner: runs the install, import and api phases of a staged package in the sandbox.
//
// One sandbox per phase, each on a fresh overlay of the same consumer project, so a phase never
// sees what the previous one wrote (an install that drops a payload is seen by the overlay diff
// of the install phase; a later phase starts from the published tree again). The phase drivers
// are VIGIL's Node scripts in resources/node/, shown read-only at /opt/nodejs/lib/node_modules/npm/lib/cli (app/sandbox/run_plan.h kRuntimeDir).
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/collect/phase_collector.h"
#include "engine/collect/phase_run.h"
#include "engine/core/result.h"
#include "engine/plan/consumer_project.h"
#include "engine/plan/lifecycle_scripts.h"
#include "engine/sandbox/sandbox_client.h"

namespace vigil::engine::plan {

/// "install", "import", "api": in the order they run.
const std::vector<std::string>& allPhases();
/// "install,api" -> {"install", "api"} in run order; a Usage error names an unknown phase.
Result<std::vector<std::string>> parsePhaseList(const std::string& list);

struct PhaseOptions {
    std::vector<std::string> phases = allPhases();
    std::filesystem::path cacheRoot;  ///< the project must be inside it (the helper checks)
    sandbox::Limits installLimits;    ///< defaults: sandbox::Limits (60 s wall)
    sandbox::Limits importLimits;
    sandbox::Limits apiLimits;
    /// import/api: at most this long after loading/calling for what the package left pending
    /// (timers, sockets, child processes); the drivers end it early once nothing is (settled).
    std::chrono::milliseconds grace{1000};
    /// import/api: past the grace, how long (from its start) the drivers keep waiting for package
    /// timers still to fire. The runtime hook brings delays of up to hours under 5 s
    /// (hook_time.cjs), so this lets a delayed payload and one nested delay run. Never more than
    /// a third of the phase's wall limit.
    std::chrono::milliseconds timerWait{12000};
    std::chrono::milliseconds entryTimeout{5000};  ///< import: one entry point's import() or bin
    std::chrono::milliseconds callTimeout{500};    ///< api: one call's promise
    std::string runtimeDir = "/opt/nodejs/lib/node_modules/npm/lib/cli";
    NpmInstallation npm = NpmInstallation::detect();
};

/// Turns a run into events of sources beyond the standard ones (collect::runSources: kernel
/// tracer, Node runtime hook, honeypot, overlay, limits — always merged); tsNs on
/// CLOCK_MONOTONIC like every source.
using SourceDecoder = std::function<std::vector<collect::SourceEvents>(const sandbox::RunResult&,
                                                                       const collect::PhaseClock&)>;

class PhaseRunner {
public:
    PhaseRunner(const sandbox::SandboxClient& client, PhaseOptions options);

    void addDecoder(SourceDecoder decoder) { decoders_.push_back(std::move(decoder)); }

    /// Runs one phase. Never an error: a phase that could not run is a PhaseRun with outcome
    /// "error" and the reason, so the next phase still runs. A stop request ends the running
    /// sandbox within ~100 ms (outcome "error", reason says cancelled).
    [[nodiscard]] collect::PhaseRun runPhase(const ConsumerProject& project, const std::string& phase,
                                             std::stop_token stop = {}) const;
    /// The configured phases in order; none after a stop request.
    [[nodiscard]] std::vector<collect::PhaseRun> runAll(const ConsumerProject& project, std::stop_token stop = {}) const;

private:
    struct Prepared {
        sandbox::RunRequest request;
        std::string skipReason;  ///< non-empty: nothing to run
    };
    [[nodiscard]] Prepared prepare(const ConsumerProject& project, const std::string& phase, const std::string& tag) const;
    /// options_.timerWait, at least the grace and at most a third of the phase's wall limit.
    [[nodiscard]] std::chrono::milliseconds timerWaitWithin(const sandbox::Limits& limits) const;

    const sandbox::SandboxClient& client_;
    PhaseOptions options_;
    std::vector<SourceDecoder> decoders_;
};

/// Reads the driver's "<tag> <json>" report lines out of `output` and removes them from it.
std::vector<nlohmann::json> takeDriverReports(std::string& output, const std::string& tag);

}  // namespace vigil::engine::plan
