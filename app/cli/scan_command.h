// @brief `vigil-cli scan`: a project's verdicts in text, JSON, SARIF, HTML or PDF, with a CI gate.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/cli/report_command.h"
#include "engine/core/config.h"

namespace vigil::cli {

struct ScanCommandOptions {
    std::string target;
    std::string phases = "install,import,api";
    std::vector<std::string> ruleDirs;  ///< extra rule folders, after the shipped rules
    std::vector<std::string> disabledRules;  ///< rule ids switched off, on top of the config's
    bool production = false;
    ReportOutputOptions output;
};

/// Resolves, analyses and reports. Exit codes: 0, 1 when --fail-on is met (or a local failure),
/// 2 usage, 3 input, 4 network, 130 interrupted (SIGINT/SIGTERM stop the running sandboxes).
int runScan(const engine::Config& config, const std::map<std::string, std::string>& env,
            const ScanCommandOptions& options);


}  // namespace vigil::cli
