// @brief SandboxClient: runs commands through vigil-sandbox helpers (started by absolute path, reused run after run).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <stop_token>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "engine/core/result.h"
#include "engine/sandbox/sandbox_types.h"

namespace vigil::engine::sandbox {

/// Callbacks during a run, called on the thread that called run() (the one reader).
struct RunObserver {
    std::function<void(const ReadyInfo&)> onReady;
    std::function<void(OutputStream, std::string_view)> onOutput;
    std::function<void(const NetEvent&)> onNetEvent;
    /// A batch of raw kernel tracer records as it arrives (also kept in RunResult::trace).
    std::function<void(std::span<const TraceRecord>)> onTrace;
    /// One raw JSON line from the runtime hook, as it arrives.
    std::function<void(std::string_view)> onRuntimeLine;
    /// When stop is requested the run ends within ~100 ms with a Cancelled error: the helper is
    /// told to stop by closing its socket (it tears the sandbox down), then killed if it lingers.
    std::stop_token stop;
};

/// The privileged helper needs root or these file capabilities (setcap ...+ep on the helper):
/// cap_sys_admin (namespaces, mounts, pivot_root), cap_setuid/cap_setgid (the user namespace's id
/// maps), cap_net_admin (the veth pair, addresses and routes), cap_net_raw and
/// cap_net_bind_service (the honeypot's raw recorders and listeners below 1024), cap_dac_override, cap_chown and
/// cap_fowner (cgroupfs and the sandbox's tmpfs files), cap_kill (killing the run), cap_setpcap
/// (dropping the bounding set). Only running as root is tested.
class SandboxClient {
public:
    /// Finds the helper (see locateHelper) and checks it can run privileged.
    static Result<SandboxClient> create();
    /// Uses the given helper (tests, packaging); still checks privileges.
    static Result<SandboxClient> withHelper(const std::filesystem::path& helper);

    /// <dir of the running executable>/../sandbox/vigil-sandbox (the build tree), then
    /// /usr/libexec/vigil/vigil-sandbox. Always an absolute path.
    static Result<std::filesystem::path> locateHelper();
    /// Ok when this process is root, or the helper carries the needed file capabilities; else an
    /// error whose secondary text names the fix.
    static Status checkPrivileges(const std::filesystem::path& helper);

    const std::filesystem::path& helperPath() const { return helper_; }

    /// Runs one command in a fresh sandbox and waits for it. Limits being hit is a normal result;
    /// an error means the sandbox could not be built or the helper failed. Thread-safe: concurrent
    /// runs use different helpers.
    ///
    /// A helper that ended a run cleanly is kept for the next run (its session): it keeps its eBPF
    /// tracer loaded, which is most of a run's start-up cost, while every run still gets a new
    /// sandbox. A helper that failed, was cancelled or misbehaved is never reused. Idle helpers end
    /// when the last copy of this client is destroyed (or with this process: they see EOF).
    [[nodiscard]] Result<RunResult> run(const RunRequest& request, const RunObserver& observer = {}) const;

private:
    struct Helper {
        pid_t pid = -1;
        int fd = -1;
    };
    class HelperPool;
    enum class Attempt { Done, Stale };

    explicit SandboxClient(std::filesystem::path helper);
    Result<Helper> startHelper() const;
    /// One request on `helper`. Stale: a reused helper was gone before it answered (the run can be
    /// retried on a new one). On Done, the helper is back in the pool or ended.
    Attempt runOn(Helper helper, bool reused, const std::vector<uint8_t>& packet, const RunRequest& request,
                  const RunObserver& observer, Result<RunResult>& out) const;

    std::filesystem::path helper_;
    std::shared_ptr<HelperPool> pool_;  ///< shared by copies of the client
};

/// A plausible developer-workstation hostname, picked at random per call.
std::string plausibleHostname();

}  // namespace vigil::engine::sandbox
