// @brief `vigil-cli scan` and `vigil-cli report`: a project's verdicts in text, JSON or SARIF, with a CI gate.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "engine/core/config.h"

namespace vigil::cli {

struct ScanOutputOptions {
    std::string format = "text";  ///< text, json, sarif
    std::string out;              ///< file for the format; empty = stdout
    std::string failOn;           ///< critical, high, medium (low, info also accepted); empty = never
    std::string colour = "auto";  ///< auto, always, never
};

struct ScanCommandOptions {
    std::string target;
    std::string phases = "install,import,api";
    std::string rulesDir;
    bool production = false;
    ScanOutputOptions output;
};

/// Resolves, analyses and reports. Exit codes: 0, 1 when --fail-on is met (or a local failure),
/// 2 usage, 3 input, 4 network, 130 interrupted (SIGINT/SIGTERM stop the running sandboxes).
int runScan(const engine::Config& config, const std::map<std::string, std::string>& env,
            const ScanCommandOptions& options);

/// A stored scan, rendered like `scan` renders a fresh one; --fail-on applies too.
int runReport(const engine::Config& config, std::int64_t scanId, const ScanOutputOptions& options);

}  // namespace vigil::cli
