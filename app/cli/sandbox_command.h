// @brief `vigil-cli sandbox exec`: run one command in a sandbox and show what happened.
#pragma once

#include <string>
#include <vector>

namespace vigil::cli {

/// `sandbox exec [--phase NAME] [--pkg DIR] [--json] [--wall-ms N] [--memory-mb N] -- CMD...`
/// (args start after "sandbox"). Streams the command's output, then a summary on stderr — or
/// JSON lines on stdout with --json. Returns the command's exit code (128+signal when killed),
/// 2 for usage errors, 125 when the sandbox itself failed.
int runSandboxExec(const std::vector<std::string>& args);

}  // namespace vigil::cli
