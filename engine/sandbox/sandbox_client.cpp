#include "engine/sandbox/sandbox_client.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <linux/capability.h>
#include <mutex>
#include <optional>
#include <poll.h>
#include <random>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <vector>

#include "app/sandbox/protocol.h"
#include "engine/sandbox/protocol_codec.h"

namespace vigil::engine::sandbox {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInstalledHelper = "/usr/libexec/vigil/vigil-sandbox";
constexpr size_t kTailBytes = 64 * 1024;
// The helper enforces the wall clock itself; this only catches a helper that stopped talking.
constexpr auto kHelperGrace = std::chrono::seconds(30);

void appendTail(std::string& tail, std::string_view data) {
    tail.append(data);
    if (tail.size() > kTailBytes)
        tail.erase(0, tail.size() - kTailBytes);
}

Error helperError(const fs::path& helper, const std::string& what, const std::string& secondary = {}) {
    return makeError(ErrorCode::Internal, helper.string() + ": " + what, secondary);
}

/// Waits for the helper and describes how it ended.
std::string reap(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status))
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return std::string("killed by signal ") + strsignal(WTERMSIG(status));
    return "ended";
}

}  // namespace

/// Helpers between runs. Closing a helper's socket ends its session: it detaches its tracer
/// (uprobes wait for RCU grace periods, ~0.5 s) and exits.
class SandboxClient::HelperPool {
public:
    HelperPool() = default;
    HelperPool(const HelperPool&) = delete;
    HelperPool& operator=(const HelperPool&) = delete;
    ~HelperPool() {
        // All sockets first, so the helpers detach in parallel; then wait, so none outlives us.
        for (const Helper& h : idle_)
            close(h.fd);
        for (const Helper& h : idle_)
            reap(h.pid);
    }
    std::optional<Helper> take() {
        std::lock_guard lock(mutex_);
        if (idle_.empty())
            return std::nullopt;
        const Helper h = idle_.back();
        idle_.pop_back();
        return h;
    }
    void give(Helper h) {
        std::lock_guard lock(mutex_);
        idle_.push_back(h);
    }

private:
    std::mutex mutex_;
    std::vector<Helper> idle_;
};

SandboxClient::SandboxClient(fs::path helper) : helper_(std::move(helper)), pool_(std::make_shared<HelperPool>()) {}

std::string plausibleHostname() {
    static const char* const kNames[] = {"alex-thinkpad", "dev-xps13",   "maria-laptop", "jdoe-desktop",
                                         "workstation-07", "sam-x1carbon", "kpatel-dell", "nina-framework"};
    std::random_device rd;
    return kNames[rd() % (sizeof kNames / sizeof kNames[0])];
}

Result<fs::path> SandboxClient::locateHelper() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path candidate = (self.parent_path() / ".." / "sandbox" / "vigil-sandbox").lexically_normal();
        if (access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    if (access(kInstalledHelper, X_OK) == 0)
        return fs::path(kInstalledHelper);
    return makeError(ErrorCode::NotFound, "vigil-sandbox not found next to " + self.string() + " nor at " + kInstalledHelper,
                     "build the vigil-sandbox target, or install the vigil package");
}

Status SandboxClient::checkPrivileges(const fs::path& helper) {
    if (geteuid() == 0)
        return {};
    // Not root: the helper must carry the capabilities as effective file capabilities.
    vfs_ns_cap_data caps{};
    const ssize_t n = getxattr(helper.c_str(), "security.capability", &caps, sizeof caps);
    uint64_t permitted = 0;
    bool effective = false;
    if (n >= static_cast<ssize_t>(XATTR_CAPS_SZ_2)) {
        const uint32_t revision = caps.magic_etc & VFS_CAP_REVISION_MASK;
        if (revision == VFS_CAP_REVISION_2 || revision == VFS_CAP_REVISION_3) {
            permitted = caps.data[0].permitted | (static_cast<uint64_t>(caps.data[1].permitted) << 32);
            effective = (caps.magic_etc & VFS_CAP_FLAGS_EFFECTIVE) != 0;
        }
    }
    if (effective && (permitted & VIGIL_SANDBOX_REQUIRED_CAPS) == VIGIL_SANDBOX_REQUIRED_CAPS)
        return {};
    return makeError(ErrorCode::Io, helper.string() + " cannot run privileged: this process is not root and the helper lacks file capabilities",
                     "run as root, or grant them once: sudo setcap " VIGIL_SANDBOX_REQUIRED_CAPS_TEXT "+ep " + helper.string());
}

Result<SandboxClient> SandboxClient::create() {
    auto helper = locateHelper();
    if (!helper)
        return std::move(helper).error();
    return withHelper(*helper);
}

Result<SandboxClient> SandboxClient::withHelper(const fs::path& helper) {
    if (!helper.is_absolute())
        return makeError(ErrorCode::Usage, "vigil-sandbox must be started by absolute path, got " + helper.string());
    if (access(helper.c_str(), X_OK) != 0)
        return makeError(ErrorCode::NotFound, helper.string() + ": " + std::strerror(errno),
                         "build the vigil-sandbox target, or install the vigil package");
    VIGIL_TRY(checkPrivileges(helper));
    return SandboxClient(helper);
}

Result<RunResult> SandboxClient::run(const RunRequest& input, const RunObserver& observer) const {
    RunRequest request = input;
    if (request.hostname.empty())
        request.hostname = plausibleHostname();
    if (request.cwd.empty())
        request.cwd = request.packageDir.empty() ? "/home/dev" : "/home/dev/project";
    auto packet = encodeRunRequest(request);
    if (!packet)
        return std::move(packet).error();
    Result<RunResult> out = helperError(helper_, "no run");
    // An idle helper may have died since its last run (killed by someone): then the run goes to a
    // new one, which is what would have happened without the pool.
    while (std::optional<Helper> idle = pool_->take())
        if (runOn(*idle, true, *packet, request, observer, out) == Attempt::Done)
            return out;
    auto fresh = startHelper();
    if (!fresh)
        return std::move(fresh).error();
    (void)runOn(*fresh, false, *packet, request, observer, out);
    return out;
}

Result<SandboxClient::Helper> SandboxClient::startHelper() const {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        return makeError(ErrorCode::Io, std::string("socketpair: ") + std::strerror(errno));
    // The helper's end becomes its fd 3 (dup2 clears close-on-exec); it gets no environment.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, sv[1], 3);
    const std::string path = helper_.string();
    char* argv[] = {const_cast<char*>(path.c_str()), const_cast<char*>("--fd"), const_cast<char*>("3"), nullptr};
    char* envp[] = {nullptr};
    // The helper and the package it runs start with default signal dispositions and nothing
    // blocked, whatever the caller did (vigil-cli blocks SIGINT for its watcher thread and
    // ignores SIGPIPE): both survive execve and would change how the package's scripts behave.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, path.c_str(), &actions, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    close(sv[1]);
    if (rc != 0) {
        close(sv[0]);
        return helperError(helper_, std::string("cannot start: ") + std::strerror(rc));
    }
    return Helper{pid, sv[0]};
}

SandboxClient::Attempt SandboxClient::runOn(Helper helper, bool reused, const std::vector<uint8_t>& packet,
                                            const RunRequest& request, const RunObserver& observer,
                                            Result<RunResult>& out) const {
    const int fd = helper.fd;
    const pid_t pid = helper.pid;
    auto fail = [&](Error e) {
        close(fd);
        kill(pid, SIGKILL);  // closing the socket already tells it to stop; make sure
        reap(pid);
        out = std::move(e);
        return Attempt::Done;
    };
    // Nothing heard from the helper yet: for a reused one, an end now means it was already gone.
    auto stale = [&] {
        close(fd);
        kill(pid, SIGKILL);
        reap(pid);
        return Attempt::Stale;
    };
    if (send(fd, packet.data(), packet.size(), MSG_NOSIGNAL) < 0) {
        if (reused)
            return stale();
        return fail(helperError(helper_, std::string("sending the request failed: ") + std::strerror(errno)));
    }

    bool heard = false;
    RunResult result;
    std::vector<uint8_t> buffer(VIGIL_SANDBOX_MAX_MESSAGE);
    const auto deadline = std::chrono::steady_clock::now() + request.limits.wall + kHelperGrace;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return fail(helperError(helper_, "stopped responding", "it was killed after the wall-clock limit plus 30 s"));
        if (observer.stop.stop_requested()) {
            close(fd);  // the helper's cue to kill the run and remove the sandbox
            for (int i = 0; i < 30; ++i) {
                int status = 0;
                if (waitpid(pid, &status, WNOHANG) == pid) {
                    out = makeError(ErrorCode::Cancelled, "sandbox run cancelled");
                    return Attempt::Done;
                }
                usleep(100 * 1000);
            }
            kill(pid, SIGKILL);
            reap(pid);
            out = makeError(ErrorCode::Cancelled, "sandbox run cancelled", "the helper did not stop within 3 s and was killed");
            return Attempt::Done;
        }
        pollfd p{fd, POLLIN, 0};
        // Short polls while a stop can arrive, so cancellation is prompt.
        const int64_t slice = observer.stop.stop_possible() ? 100 : 1000;
        const int ready = poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), slice)));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            continue;
        const ssize_t n = recv(fd, buffer.data(), buffer.size(), MSG_TRUNC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (reused && !heard)
                return stale();
            close(fd);
            out = helperError(helper_, "ended without a result (" + reap(pid) + ")");
            return Attempt::Done;
        }
        heard = true;
        if (static_cast<size_t>(n) > buffer.size())
            return fail(helperError(helper_, "sent a message larger than the protocol maximum"));
        auto message = decodeHelperMessage(std::span<const uint8_t>(buffer.data(), static_cast<size_t>(n)));
        if (!message)
            return fail(std::move(message).error());
        if (auto* ready = std::get_if<ReadyInfo>(&*message)) {
            result.ready = *ready;
            if (observer.onReady)
                observer.onReady(*ready);
        } else if (auto* chunk = std::get_if<OutputChunk>(&*message)) {
            appendTail(chunk->stream == OutputStream::Stdout ? result.stdoutTail : result.stderrTail, chunk->data);
            if (observer.onOutput)
                observer.onOutput(chunk->stream, chunk->data);
        } else if (auto* net = std::get_if<NetEvent>(&*message)) {
            if (observer.onNetEvent)
                observer.onNetEvent(*net);
            result.netEvents.push_back(std::move(*net));
        } else if (auto* trace = std::get_if<TraceBatch>(&*message)) {
            if (observer.onTrace)
                observer.onTrace(trace->records);
            for (TraceRecord& r : trace->records)
                result.trace.push_back(std::move(r));
        } else if (auto* stats = std::get_if<TraceStats>(&*message)) {
            result.traceStats = std::move(*stats);
        } else if (auto* lines = std::get_if<RuntimeBatch>(&*message)) {
            result.runtimeDropped += lines->dropped;
            for (std::string& line : lines->lines) {
                if (observer.onRuntimeLine)
                    observer.onRuntimeLine(line);
                result.runtimeLines.push_back(std::move(line));
            }
        } else if (auto* batch = std::get_if<ChangesBatch>(&*message)) {
            for (FileChange& c : batch->changes)
                result.changes.push_back(std::move(c));
        } else if (auto* bait = std::get_if<BaitBatch>(&*message)) {
            for (BaitToken& t : bait->tokens)
                result.bait.push_back(std::move(t));
        } else if (auto* summary = std::get_if<ResultSummary>(&*message)) {
            RunResult& r = summary->result;
            r.ready = std::move(result.ready);
            r.stdoutTail = std::move(result.stdoutTail);
            r.stderrTail = std::move(result.stderrTail);
            r.changes = std::move(result.changes);
            r.bait = std::move(result.bait);
            r.netEvents = std::move(result.netEvents);
            r.trace = std::move(result.trace);
            r.traceStats = std::move(result.traceStats);
            r.runtimeLines = std::move(result.runtimeLines);
            r.runtimeDropped = result.runtimeDropped;
            if (r.changes.size() != summary->changesCount)
                return fail(helperError(helper_, "announced " + std::to_string(summary->changesCount) + " changes but sent " +
                                                     std::to_string(r.changes.size())));
            // The run is over and torn down (the helper removes its cgroups before the result):
            // the helper waits for its session's next request.
            pool_->give(helper);
            out = std::move(r);
            return Attempt::Done;
        } else if (auto* error = std::get_if<HelperError>(&*message)) {
            close(fd);
            reap(pid);
            const ErrorCode code = error->code == VIGIL_ERR_REQUEST ? ErrorCode::Usage
                                   : error->code == VIGIL_ERR_PRIVILEGE ? ErrorCode::Io
                                                                        : ErrorCode::Internal;
            out = makeError(code, "sandbox: " + error->primary, error->secondary);
            return Attempt::Done;
        }
    }
}

}  // namespace vigil::engine::sandbox
