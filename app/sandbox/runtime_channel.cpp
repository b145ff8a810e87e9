// The runtime hook's channel. Why a FIFO: Node can write to one synchronously with plain
// fs.writeSync (it has no AF_UNIX datagram support), every process and worker of the run can
// open it by path (an inherited fd would not survive Node's spawns), and writes below PIPE_BUF
// are atomic, so concurrent writers never interleave lines. Package code can see and write to it
// too — runtime events are what the hook reports, never proof; the kernel tracer is the truth.
#include "app/sandbox/runtime_channel.h"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "app/sandbox/channel.h"
#include "app/sandbox/die.h"
#include "app/sandbox/protocol.h"

namespace vigil::sandbox {
namespace {

constexpr size_t kBatchBytes = VIGIL_SANDBOX_MAX_MESSAGE - sizeof(vigil_msg_header) - sizeof(vigil_runtime);

bool sendBatch(int engineFd, const std::string& text, uint32_t lines, uint32_t dropped) {
    if (lines == 0 && dropped == 0)
        return true;
    vigil_runtime r{};
    r.line_count = lines;
    r.text_bytes = static_cast<uint32_t>(text.size());
    r.dropped = dropped;
    return sendMessage(engineFd, VIGIL_MSG_RUNTIME, &r, sizeof r, text.data(), text.size());
}

/// Splits complete lines off `pending` into batches. `final`: an unterminated rest is a line too.
bool flushLines(RuntimeChannel& c, int engineFd, bool final) {
    std::string batch;
    uint32_t lines = 0;
    size_t start = 0;
    for (;;) {
        size_t end = c.pending.find('\n', start);
        if (end == std::string::npos) {
            if (!final || start >= c.pending.size())
                break;
            end = c.pending.size();
        }
        const std::string_view line(c.pending.data() + start, end - start);
        start = end + 1;
        if (line.empty())
            continue;
        // Longer than the hook ever writes, or with a NUL: not the hook's, and unframeable.
        if (line.size() > VIGIL_RUNTIME_MAX_LINE || line.find('\0') != std::string_view::npos ||
            c.forwarded >= kRuntimeMaxLines) {
            ++c.dropped;
            continue;
        }
        if (batch.size() + line.size() + 1 > kBatchBytes) {
            if (!sendBatch(engineFd, batch, lines, c.dropped))
                return false;
            batch.clear();
            lines = 0;
            c.dropped = 0;
        }
        batch.append(line);
        batch.push_back('\0');
        ++lines;
        ++c.forwarded;
    }
    c.pending.erase(0, std::min(start, c.pending.size()));
    // A writer that never ends its line cannot make the helper buffer without bound.
    if (c.pending.size() > VIGIL_RUNTIME_MAX_LINE) {
        c.pending.clear();
        ++c.dropped;
    }
    const bool ok = sendBatch(engineFd, batch, lines, c.dropped);
    c.dropped = 0;
    return ok;
}

}  // namespace

RuntimeChannel createRuntimeChannel(int scratchFd) {
    // The FIFO stays root's: the sandbox user writes through the "other" bits.
    RuntimeChannel c;
    if (mkdirat(scratchFd, kRuntimeChannelScratchDir, 0755) != 0)
        die("mkdirat", "scratch runtime channel dir");
    const std::string fifo = std::string(kRuntimeChannelScratchDir) + "/" + kRuntimeChannelName;
    if (mknodat(scratchFd, fifo.c_str(), S_IFIFO | 0600, 0) != 0)
        die("mknodat", "runtime channel FIFO");
    // mknod honours the umask; the mode must be exactly write-only for others.
    if (fchmodat(scratchFd, fifo.c_str(), 0622, 0) != 0)
        die("fchmodat", "runtime channel FIFO");
    c.readFd = openat(scratchFd, fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (c.readFd < 0)
        die("openat", "runtime channel FIFO (read end)");
    c.keepFd = openat(scratchFd, fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (c.keepFd < 0)
        die("openat", "runtime channel FIFO (write end)");
    return c;
}

bool forwardRuntimeLines(RuntimeChannel& c, int engineFd) {
    char buffer[16384];
    for (int i = 0; i < 16; ++i) {  // bounded per call: output and the deadline stay responsive
        const ssize_t n = read(c.readFd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        c.pending.append(buffer, static_cast<size_t>(n));
        if (c.pending.size() > kBatchBytes && !flushLines(c, engineFd, false))
            return false;
    }
    return flushLines(c, engineFd, false);
}

bool drainRuntimeChannel(RuntimeChannel& c, int engineFd) {
    if (c.readFd < 0)
        return true;
    char buffer[16384];
    bool ok = true;
    for (;;) {
        const ssize_t n = read(c.readFd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        c.pending.append(buffer, static_cast<size_t>(n));
        if (c.pending.size() > kBatchBytes && !(ok = flushLines(c, engineFd, false)))
            break;
    }
    if (ok)
        ok = flushLines(c, engineFd, true);
    close(c.readFd);
    close(c.keepFd);
    c.readFd = c.keepFd = -1;
    return ok;
}

}  // namespace vigil::sandbox
