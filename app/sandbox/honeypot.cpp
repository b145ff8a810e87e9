// The helper's side of the honeypot: start it, wait for it, forward its events, end it.
#include "app/sandbox/honeypot.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <string>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "app/sandbox/channel.h"
#include "app/sandbox/die.h"
#include "app/sandbox/protocol.h"
#include "app/sandbox/sandbox_init.h"

namespace vigil::sandbox {
namespace {

constexpr int kReadyTimeoutMs = 5000;
constexpr uint64_t kFinishBudgetNs = 1500000000ull;  // final flush of open connections
// The honeypot's identity: unprivileged, unique per helper, distinct from the sandbox's user.
constexpr uid_t kHoneypotIdOffset = 200000000u;
constexpr size_t kMaxServed = 1024;  // distinct served bodies remembered: stubs and the page are few

std::vector<ServedBody>& served() {
    static std::vector<ServedBody> bodies;  // this run's: forgotten when the next one starts
    return bodies;
}

/// Remembers the body an HTTP record says was served ("<sha256 hex> <bytes>", the 8th text). The
/// honeypot is not trusted: a malformed text is ignored, and a forged one can only mark a file
/// of the run as a saved download.
void noteServed(const uint8_t* body, size_t len) {
    vigil_net_event e;
    std::memcpy(&e, body, sizeof e);
    if (e.kind != VIGIL_NET_HTTP || e.text_count < 8)
        return;
    const char* text = reinterpret_cast<const char*>(body + sizeof e);
    for (uint32_t i = 0; i < 7; ++i)  // checked: text_count NUL-terminated strings inside text_bytes
        text += std::strlen(text) + 1;
    const std::string_view t(text, strnlen(text, len - static_cast<size_t>(text - reinterpret_cast<const char*>(body))));
    if (t.size() < 66 || t[64] != ' ' || t.find_first_not_of("0123456789abcdef") != 64)
        return;
    uint64_t size = 0;
    for (char c : t.substr(65)) {
        if (c < '0' || c > '9' || size > (1ull << 40))
            return;
        size = size * 10 + static_cast<uint64_t>(c - '0');
    }
    ServedBody b{size, std::string(t.substr(0, 64))};
    for (const ServedBody& known : served())
        if (known.size == b.size && known.sha256 == b.sha256)
            return;
    if (served().size() < kMaxServed)
        served().push_back(std::move(b));
}

}  // namespace

const std::vector<ServedBody>& servedBodies() { return served(); }

void forgetServedBodies() { served().clear(); }

EmulationSettings emulationSettingsFor(const RunPlan& plan) {
    EmulationSettings s;
    s.login = plan.bait.login.empty() ? s.login : plan.bait.login;
    s.fullName = plan.bait.fullName;
    s.email = plan.bait.email;
    // Checked by vigil_check_run_request: all zero or two upper-case letters.
    if (plan.limits.geo_country[0] != '\0')
        s.country = std::string(plan.limits.geo_country, 2);
    return s;
}

Honeypot startHoneypot(const RunPlan& plan, const RunCa& ca, int catchAllMap) {
    int events[2], status[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, events) != 0)
        die("socketpair", "honeypot events");
    if (pipe2(status, O_CLOEXEC) != 0)
        die("pipe2", "honeypot status");
    Honeypot h;
    clone_args args{};
    args.flags = CLONE_NEWNET | CLONE_PIDFD;
    args.exit_signal = SIGCHLD;
    args.pidfd = reinterpret_cast<uint64_t>(&h.pidfd);
    const pid_t pid = static_cast<pid_t>(syscall(SYS_clone3, &args, sizeof args));
    if (pid < 0)
        die("clone3", "CLONE_NEWNET for the honeypot");
    if (pid == 0) {
        // Dies with the helper; reports setup failures on its status pipe, never to the engine.
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        setCleanup(nullptr);
        setEngineFd(-1);
        // Only its two ends and the steering map survive: fds 3, 4 and 5, everything else of the
        // helper is closed. The map fd is closed once the catch-all listener is in it.
        // Moved above 9 first, so no dup2 below overwrites another of the three.
        const int high[3] = {fcntl(events[1], F_DUPFD, 10), fcntl(status[1], F_DUPFD, 10),
                             fcntl(catchAllMap, F_DUPFD, 10)};
        if (high[0] < 0 || high[1] < 0 || high[2] < 0 || dup2(high[0], 3) < 0 || dup2(high[1], 4) < 0 ||
            dup2(high[2], 5) < 0)
            _exit(127);
        syscall(SYS_close_range, 6u, ~0u, 0u);
        setSandboxStatusFd(4);
        const int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
        }
        // Named after the run, so tests (and an administrator) can tell which run it belongs to.
        setProcessTitle("vigil-honeypot " + plan.runName);
        prctl(PR_SET_NAME, "vigil-honeypot", 0, 0, 0);
        serveHoneypot(3, plan.hostUid + kHoneypotIdOffset, plan.hostGid + kHoneypotIdOffset, ca, 5,
                      emulationSettingsFor(plan));
    }
    close(events[1]);
    close(status[1]);
    h.pid = pid;
    h.events = events[0];
    h.status = status[0];
    return h;
}

void awaitHoneypot(const Honeypot& h) {
    pollfd fds[2] = {{h.events, POLLIN, 0}, {h.status, POLLIN, 0}};
    for (;;) {
        const int n = poll(fds, 2, kReadyTimeoutMs);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("poll", "honeypot start");
        if (n == 0)
            dieWith(VIGIL_ERR_SETUP, "the honeypot did not start within 5 s");
        break;
    }
    StatusRecord record;
    if ((fds[1].revents & POLLIN) && read(h.status, &record, sizeof record) == static_cast<ssize_t>(sizeof record)) {
        record.text[sizeof record.text - 1] = '\0';
        const std::string text = record.text;
        const size_t nl = text.find('\n');
        dieWith(VIGIL_ERR_SETUP, "honeypot: " + text.substr(0, nl), nl == std::string::npos ? "" : text.substr(nl + 1));
    }
    char ready = 0;
    if (recv(h.events, &ready, 1, 0) != 1 || ready != 'R')
        dieWith(VIGIL_ERR_SETUP, "the honeypot ended before it was ready");
}

bool forwardNetEvent(int events, int engine) {
    std::vector<uint8_t> packet;
    bool truncated = false;
    if (!receivePacket(events, packet, truncated))
        return false;
    if (truncated || packet.size() + sizeof(vigil_msg_header) > VIGIL_SANDBOX_MAX_MESSAGE ||
        vigil_check_net_event(packet.data(), packet.size()) != nullptr)
        return true;  // a malformed event is dropped, not forwarded
    noteServed(packet.data(), packet.size());
    if (engine >= 0)
        (void)sendMessage(engine, VIGIL_MSG_NET_EVENT, packet.data(), packet.size());
    return true;
}

void finishHoneypot(Honeypot& h, int engine) {
    if (h.events < 0)
        return;
    // EOF on its side of the socket: record what is open, report drops, exit.
    shutdown(h.events, SHUT_WR);
    const uint64_t deadline = monotonicNs() + kFinishBudgetNs;
    for (;;) {
        const uint64_t now = monotonicNs();
        if (now >= deadline)
            break;
        pollfd p{h.events, POLLIN, 0};
        const int n = poll(&p, 1, static_cast<int>((deadline - now) / 1000000ull + 1));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || !forwardNetEvent(h.events, engine))
            break;
    }
    killHoneypot(h);
}

void killHoneypot(Honeypot& h) {
    if (h.pidfd >= 0) {
        syscall(SYS_pidfd_send_signal, h.pidfd, SIGKILL, nullptr, 0);
        waitpid(h.pid, nullptr, 0);
        close(h.pidfd);
        h.pidfd = -1;
    }
    for (int* fd : {&h.events, &h.status}) {
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
    }
    h.pid = -1;
}

}  // namespace vigil::sandbox
