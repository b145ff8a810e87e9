// @brief `vigil-cli analyze`: run a package's install, import and api phases and show what each did.
#pragma once

#include <string>

#include "engine/core/config.h"

namespace vigil::cli {

struct AnalyzeOptions {
    std::string target;  ///< folder, .tgz or name@version
    bool json = false;
    std::string phases = "install,import,api";
    bool keepProject = false;
};

/// Prints per phase a summary (or, with --json, {package, version, phases:[summary + events]});
/// returns an exit code of app/cli/exit_codes.h.
int runAnalyze(const engine::Config& config, const AnalyzeOptions& options);

}  // namespace vigil::cli
