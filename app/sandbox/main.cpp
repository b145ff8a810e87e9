// vigil-sandbox: the privileged helper that will run untrusted package code (issue: sandbox).
// Until that lands it only identifies itself and refuses work, so nothing can mistake it for a
// working sandbox: the engine must never run package code outside one.
#include <cstdio>
#include <cstring>

#include "vigil_version.h"

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("vigil-sandbox %s\n", VIGIL_VERSION);
        return 0;
    }
    std::fprintf(stderr,
                 "vigil-sandbox: no sandbox is available in this build\n"
                 "  this helper does not run package code yet; nothing was executed\n");
    return 70;  // EX_SOFTWARE
}
