// vigil-cli: the headless front end. Each subcommand parses its flags, calls the engine and
// maps the engine's Error to an exit code (0 ok, 2 usage, 3 input, 4 network/registry).
#include <cstdio>
#include <string>
#include <vector>

#include "engine/core/log.h"
#include "vigil_version.h"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 1 && (args[0] == "--version" || args[0] == "version")) {
        std::printf("vigil-cli %s\n", VIGIL_VERSION);
        return 0;
    }
    vigil::engine::initLogging();
    std::fprintf(stderr, "usage: vigil-cli <command> [options]\n");
    return 2;
}
