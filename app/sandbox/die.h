// @brief The helper's single failure path: die() names the syscall, adds a hint, cleans up, exits.
#pragma once

#include <cstdint>
#include <string>

namespace vigil::sandbox {

/// Reports a failed setup step and exits. `syscall` names the kernel interface that failed
/// ("mount /usr", "clone3"); errno at the time of the call is appended; `hint` (may be null) says
/// what to change when the cause is environmental. In the helper process the error reaches the
/// engine as a VIGIL_MSG_ERROR and the run's cgroups are removed; inside the sandbox it travels to
/// the helper as a status record.
[[noreturn]] void die(const char* syscall, const std::string& what, const char* hint = nullptr);

/// The same without errno: for requests that are refused and internal invariants.
[[noreturn]] void dieWith(uint32_t code, const std::string& primary, const std::string& secondary = {});

/// The engine connection die() reports to (helper process only; -1 inside the sandbox).
void setEngineFd(int fd);
int engineFd();

/// Inside the sandbox: where die() writes its status record instead of talking to the engine.
void setSandboxStatusFd(int fd);

/// Called once by die() in the helper process before it exits: kills and removes the run.
void setCleanup(void (*cleanup)());

/// A record on the status pipe from the sandbox's processes to the helper. Smaller than
/// PIPE_BUF, so each write is atomic even with several writers.
struct StatusRecord {
    enum Kind : uint32_t { Exited = 1, SetupError = 2 };
    uint32_t kind = 0;
    int32_t waitStatus = 0;       ///< Exited: the command's wait status
    char text[488] = {};          ///< SetupError: "primary\nsecondary", NUL-terminated
};
static_assert(sizeof(StatusRecord) <= 512);

}  // namespace vigil::sandbox
