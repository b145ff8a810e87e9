// Stage 8: supervise. One poll loop, no threads: the helper is small and single-threaded so the
// clone3() children it makes are plain copies of it.
#include "app/sandbox/supervise.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/sandbox/channel.h"
#include "app/sandbox/die.h"
#include "app/sandbox/honeypot.h"
#include "app/sandbox/protocol.h"

namespace vigil::sandbox {
namespace {

constexpr size_t kChunk = 32 * 1024;            // < one packet, so one read is one Output message
constexpr uint64_t kDrainGraceNs = 2000000000ull; // after pid 1 exits, the kernel kills the rest

}  // namespace

void killRun(const Sandbox& sandbox, const RunCgroup& cg) {
    if (sandbox.initPidfd >= 0)
        syscall(SYS_pidfd_send_signal, sandbox.initPidfd, SIGKILL, nullptr, 0);
    if (!cg.v2Dir.empty()) {
        const std::string file = cg.v2Dir + "/cgroup.kill";
        const int fd = open(file.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            ssize_t ignored = write(fd, "1", 1);
            (void)ignored;
            close(fd);
        }
    }
}

RunOutcome superviseRun(const RunPlan& plan, const Sandbox& sandbox, const SandboxPipes& pipes, const RunCgroup& cg,
                        int engine, int netEvents, Tracer& tracer, RuntimeChannel& runtime) {
    RunOutcome out;
    const uint64_t deadline = monotonicNs() + plan.limits.wall_ms * 1000000ull;
    uint64_t forwarded = 0;
    bool killed = false;
    int stdoutFd = pipes.stdoutRead, stderrFd = pipes.stderrRead, statusFd = pipes.statusRead;
    int execFd = pipes.execRead, initFd = sandbox.initPidfd, engineFd = engine;
    uint64_t initExitNs = 0;
    std::string buffer(kChunk, '\0');
    const int traceFd = tracerPollFd(tracer);

    auto stop = [&](uint32_t limit) {
        out.limitsHit |= limit;
        if (!killed) {
            killRun(sandbox, cg);
            killed = true;
        }
    };
    auto closeFd = [](int& fd) {
        close(fd);
        fd = -1;
    };

    for (;;) {
        const uint64_t now = monotonicNs();
        if (initFd < 0 && stdoutFd < 0 && stderrFd < 0 && statusFd < 0)
            break;
        if (initFd < 0 && now - initExitNs > kDrainGraceNs)
            break;  // a stuck writer cannot keep the helper alive
        if (!killed && now >= deadline)
            stop(VIGIL_LIMIT_WALL);
        pollfd fds[9] = {{stdoutFd, POLLIN, 0}, {stderrFd, POLLIN, 0}, {statusFd, POLLIN, 0},
                         {execFd, POLLIN, 0},   {initFd, POLLIN, 0},   {engineFd, POLLIN, 0},
                         {netEvents, POLLIN, 0}, {traceFd, POLLIN, 0},  {runtime.readFd, POLLIN, 0}};
        int timeoutMs = 100;
        if (!killed)
            timeoutMs = static_cast<int>(std::min<uint64_t>((deadline - std::min(deadline, now)) / 1000000ull + 1, 1000));
        if (traceFd >= 0)
            timeoutMs = std::min(timeoutMs, kTracerDrainMs);
        const int n = poll(fds, 9, timeoutMs);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("poll", "sandbox pipes");

        for (int i = 0; i < 2; ++i) {
            int& fd = i == 0 ? stdoutFd : stderrFd;
            if (fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const ssize_t got = read(fd, buffer.data(), buffer.size());
            if (got < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (got <= 0) {
                closeFd(fd);
                continue;
            }
            (i == 0 ? out.stdoutBytes : out.stderrBytes) += static_cast<uint64_t>(got);
            const uint64_t room = plan.limits.output_bytes - forwarded;
            const size_t send = static_cast<size_t>(std::min<uint64_t>(room, static_cast<uint64_t>(got)));
            if (send > 0 && engineFd >= 0)
                sendOutput(engineFd, i == 0 ? VIGIL_STREAM_STDOUT : VIGIL_STREAM_STDERR, buffer.data(), send);
            forwarded += send;
            // Past the cap the run is over: a flood is a finding, and draining it only burns CPU.
            if (send < static_cast<size_t>(got))
                stop(VIGIL_LIMIT_OUTPUT);
        }
        if (statusFd >= 0 && (fds[2].revents & (POLLIN | POLLHUP | POLLERR))) {
            StatusRecord record;
            const ssize_t got = read(statusFd, &record, sizeof record);
            if (got == static_cast<ssize_t>(sizeof record)) {
                if (record.kind == StatusRecord::Exited) {
                    out.exited = true;
                    out.waitStatus = record.waitStatus;
                } else if (record.kind == StatusRecord::SetupError && !out.setupFailed) {
                    out.setupFailed = true;
                    record.text[sizeof record.text - 1] = '\0';
                    out.setupError = record.text;
                }
            } else if (got <= 0 && errno != EINTR) {
                closeFd(statusFd);
            }
        }
        if (execFd >= 0 && (fds[3].revents & (POLLIN | POLLHUP | POLLERR))) {
            // Every write end was close-on-exec: EOF is the command's execve (or its death).
            out.execNs = monotonicNs();
            closeFd(execFd);
        }
        if (initFd >= 0 && (fds[4].revents & POLLIN)) {
            int status = 0;
            waitpid(sandbox.initPid, &status, 0);
            initExitNs = monotonicNs();
            out.endNs = initExitNs;
            // Pid 1 leaving kills the namespace; make sure of it for anything outside its view.
            killRun(Sandbox{-1, -1}, cg);
            initFd = -1;  // the pidfd itself is closed by main's cleanup
        }
        // The honeypot's records go to the engine as they happen; EOF means it died (the run's
        // network is then gone too, which the command sees as unreachable hosts).
        if (netEvents >= 0 && (fds[6].revents & (POLLIN | POLLHUP | POLLERR)) && !forwardNetEvent(netEvents, engineFd))
            netEvents = -1;
        // Kernel records are drained on every pass (at least every kTracerDrainMs); the fd wakes
        // us early only when the ring buffer fills faster than that.
        if (traceFd >= 0)
            drainTracer(tracer);
        if (runtime.readFd >= 0 && engineFd >= 0 && (fds[8].revents & POLLIN))
            forwardRuntimeLines(runtime, engineFd);
        if (engineFd >= 0 && (fds[5].revents & (POLLIN | POLLHUP | POLLERR))) {
            // The engine never sends during a run: data is a cancel, EOF is its death.
            out.engineGone = true;
            engineFd = -1;
            stop(0);
        }
    }
    if (out.endNs == 0)
        out.endNs = monotonicNs();
    if (execFd >= 0)
        close(execFd);
    for (int fd : {stdoutFd, stderrFd, statusFd})
        if (fd >= 0)
            close(fd);
    return out;
}

}  // namespace vigil::sandbox
