// Temporary driver until app/cli/main.cpp dispatches `sandbox exec`:
//   vigil-sandbox-exec exec [--phase NAME] [--pkg DIR] [--json] -- CMD...
// Built into build/app/cli/ so SandboxClient finds the helper exactly as vigil-cli will.
#include <string>
#include <vector>

#include "app/cli/sandbox_command.h"

int main(int argc, char** argv) {
    return vigil::cli::runSandboxExec(std::vector<std::string>(argv + 1, argv + argc));
}
