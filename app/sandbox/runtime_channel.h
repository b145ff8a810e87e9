// @brief The runtime hook's channel: a FIFO the sandbox's Node processes write JSON lines into,
// drained by the helper and forwarded to the engine as VIGIL_MSG_RUNTIME batches.
#pragma once

#include <cstdint>
#include <string>

namespace vigil::sandbox {

/// Where the channel's directory appears inside the sandbox (read-only bind); the FIFO in it is
/// kRuntimeChannelName. Must match CHANNEL_PATH in resources/node/hook_core.cjs.
constexpr const char* kRuntimeChannelDir = "/run/user/1000/systemd";
constexpr const char* kRuntimeChannelName = "notify";
/// Name of the channel's directory inside the scratch tmpfs (next to the overlay's upper/work).
constexpr const char* kRuntimeChannelScratchDir = "systemd";  ///< its name shows in mountinfo
/// Lines forwarded per run; the rest are counted as dropped (a flood is itself a finding).
constexpr uint64_t kRuntimeMaxLines = 200000;

struct RuntimeChannel {
    int readFd = -1;   ///< non-blocking read end, polled by superviseRun
    int keepFd = -1;   ///< a write end held by the helper: writers coming and going never mean EOF
    std::string pending;  ///< a partial line waiting for its '\n'
    uint64_t forwarded = 0;
    uint32_t dropped = 0;  ///< since the last batch sent
};

/// Helper side, after the clone and before pid 1 is released: <scratch>/hook/notify, a FIFO
/// the sandbox user may write but neither read, replace nor remove (root-owned 0622 in a
/// root-owned 0755 dir, bound read-only). Its two ends are opened here.
RuntimeChannel createRuntimeChannel(int scratchFd);

/// Reads what is available and forwards complete lines to the engine in bounded batches.
/// False when the engine is gone.
bool forwardRuntimeLines(RuntimeChannel& channel, int engineFd);

/// After every process of the run is dead: forwards the rest, including a final unterminated
/// line, then closes the channel.
bool drainRuntimeChannel(RuntimeChannel& channel, int engineFd);

}  // namespace vigil::sandbox
