#include "app/sandbox/die.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

#include "app/sandbox/channel.h"
#include "app/sandbox/protocol.h"

namespace vigil::sandbox {
namespace {

int g_engineFd = -1;
int g_statusFd = -1;
void (*g_cleanup)() = nullptr;
bool g_dying = false;

[[noreturn]] void finish(uint32_t code, const std::string& primary, const std::string& secondary) {
    if (g_statusFd >= 0) {
        // Inside the sandbox: the helper turns this into the engine's error.
        StatusRecord record;
        record.kind = StatusRecord::SetupError;
        std::snprintf(record.text, sizeof record.text, "%s\n%s", primary.c_str(), secondary.c_str());
        ssize_t ignored = write(g_statusFd, &record, sizeof record);
        (void)ignored;
        _exit(127);
    }
    // A failure inside the cleanup must not recurse into it.
    if (!g_dying) {
        g_dying = true;
        if (g_cleanup != nullptr)
            g_cleanup();
    }
    std::fprintf(stderr, "vigil-sandbox: %s\n", primary.c_str());
    if (!secondary.empty())
        std::fprintf(stderr, "  %s\n", secondary.c_str());
    if (g_engineFd >= 0)
        (void)sendError(g_engineFd, code, primary, secondary);
    _exit(1);
}

}  // namespace

void die(const char* syscall, const std::string& what, const char* hint) {
    const int saved = errno;
    std::string primary = std::string(syscall) + ": " + what + ": " + std::strerror(saved);
    finish(VIGIL_ERR_SETUP, primary, hint != nullptr ? hint : "");
}

void dieWith(uint32_t code, const std::string& primary, const std::string& secondary) {
    finish(code, primary, secondary);
}

void setEngineFd(int fd) { g_engineFd = fd; }
int engineFd() { return g_engineFd; }
void setSandboxStatusFd(int fd) { g_statusFd = fd; }
void setCleanup(void (*cleanup)()) { g_cleanup = cleanup; }

}  // namespace vigil::sandbox
