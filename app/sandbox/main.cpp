// vigil-sandbox: the privileged helper that runs untrusted package code (ARCHITECTURE §4).
// main reads top to bottom in setup order; each stage lives in its own file; every failure goes
// through die(), which reports to the engine, removes the run and ends the helper. No exceptions,
// no threads.
//
// A helper serves a session: sequential runs over one socket, until the engine closes it. Only
// the eBPF tracer outlives a run (loaded once: it costs ~180 ms, far more than the rest of the
// setup); every run gets its own request validation, cgroups, namespaces, file system, bait home
// and honeypot, and all of them are gone before its result is sent.
//
// Usage (by the engine only): vigil-sandbox --fd N   where N is a SOCK_SEQPACKET socket.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <random>
#include <string>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "app/sandbox/bait_home.h"
#include "app/sandbox/channel.h"
#include "app/sandbox/die.h"
#include "app/sandbox/filesystem.h"
#include "app/sandbox/honeypot.h"
#include "app/sandbox/honeypot_steering.h"
#include "app/sandbox/honeypot_tls.h"
#include "app/sandbox/network.h"
#include "app/sandbox/protocol.h"
#include "app/sandbox/run_cgroup.h"
#include "app/sandbox/run_plan.h"
#include "app/sandbox/runtime_channel.h"
#include "app/sandbox/sandbox_init.h"
#include "app/sandbox/stale_runs.h"
#include "app/sandbox/supervise.h"
#include "app/sandbox/tracer.h"
#include "app/sandbox/upper_changes.h"
#include "vigil_version.h"

using namespace vigil::sandbox;

namespace {

constexpr size_t kMaxChanges = 10000;
// Host ids of the sandbox user start here: far above any real account, one per helper pid and
// run (modulo kIdsPerHelper: a run's processes are all dead before the next starts), so two runs
// never share an identity. Stays below 2^31 with pid_max at its 2^22 ceiling.
constexpr uid_t kHostIdBase = 1600000000u;
constexpr uint32_t kIdsPerHelper = 64;

RunCgroup g_cgroup;
Sandbox g_sandbox;
Honeypot g_honeypot;
AnyPortSteering g_steering;
Tracer g_tracer;

/// die()'s cleanup: every exit path after the cgroups exist kills and removes them.
void cleanupRun() {
    killRun(g_sandbox, g_cgroup);
    killHoneypot(g_honeypot);
    detachAnyPortSteering(g_steering);
    if (g_sandbox.initPid > 0)
        waitpid(g_sandbox.initPid, nullptr, 0);
    if (g_sandbox.initPidfd >= 0)
        close(g_sandbox.initPidfd);
    g_sandbox = Sandbox{};
    destroyRunCgroup(g_cgroup);
    g_cgroup = RunCgroup{};
    // The tracer and the steering program stay loaded for the session's next run; the tracer's
    // filter matches nothing until then.
    endTracerRun(g_tracer);
}

/// What a session keeps between runs, freed when it ends (the run itself is already gone).
void endSession() {
    destroyAnyPortSteering(g_steering);
    stopTracer(g_tracer);
}

int parseFd(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "--fd") == 0) {
        char* end = nullptr;
        const long fd = std::strtol(argv[2], &end, 10);
        if (end != argv[2] && *end == '\0' && fd > 2 && fd < 1024)
            return static_cast<int>(fd);
    }
    return -1;
}

void requirePrivileges() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    if (syscall(SYS_capget, &header, data) != 0)
        die("capget", "own capabilities");
    const uint64_t effective = data[0].effective | (static_cast<uint64_t>(data[1].effective) << 32);
    if ((effective & VIGIL_SANDBOX_REQUIRED_CAPS) != VIGIL_SANDBOX_REQUIRED_CAPS)
        dieWith(VIGIL_ERR_PRIVILEGE, "vigil-sandbox lacks the privileges to build a sandbox",
                "run it as root, or grant: setcap " VIGIL_SANDBOX_REQUIRED_CAPS_TEXT "+ep <path to vigil-sandbox>");
}

std::string makeRunName() {
    std::random_device rd;
    char nonce[9];
    std::snprintf(nonce, sizeof nonce, "%08x", rd());
    return "vigil-" + std::to_string(getpid()) + "-" + nonce;
}

/// One run of the session, from its request to its result. False when the engine is gone (the
/// session ends). Every failure dies, which removes the run and ends the helper.
bool serveRun(int engine, const std::vector<uint8_t>& packet, uint64_t startNs, uint32_t runIndex) {
    RunPlan plan;
    if (const char* reason = decodeRunRequest(packet.data(), packet.size(), plan))
        dieWith(VIGIL_ERR_REQUEST, std::string("malformed run request: ") + reason);
    ucred peer{};
    socklen_t peerLen = sizeof peer;
    if (getsockopt(engine, SOL_SOCKET, SO_PEERCRED, &peer, &peerLen) != 0)
        die("getsockopt", "SO_PEERCRED of the engine socket");
    plan.startNs = startNs;
    plan.runName = makeRunName();
    const uint32_t idSlot = static_cast<uint32_t>(getpid()) * kIdsPerHelper + runIndex % kIdsPerHelper;
    plan.hostUid = kHostIdBase + static_cast<uid_t>(idSlot);
    plan.hostGid = kHostIdBase + static_cast<gid_t>(idSlot);
    validateRunPlan(plan, peer.uid);
    plan.runtimeDir = locateRuntimeDir();
    plan.nodeLauncher = locateNodeLauncher();
    // 6 (prepared here, planted by pid 1): the token list must outlive the sandbox.
    plan.bait = makeBaitHome(kHomeDir, plan.hostname);
    yieldEnvToEngine(plan.bait, plan.env);

    // 2. cgroups. From here on, die() removes them.
    createRunCgroup(plan, g_cgroup);

    // 3. The simulated internet: the honeypot opens its sockets while the sandbox is built. A
    // fresh CA per run lets it decrypt HTTPS; only the honeypot keeps the key (in memory), the
    // sandbox trusts the certificate.
    RunCa ca = makeRunCa();
    if (g_steering.skel == nullptr)
        g_steering = loadAnyPortSteering();
    forgetServedBodies();
    g_honeypot = startHoneypot(plan, ca, g_steering.mapFd);
    plan.trustedCaPem = ca.certPem;
    forgetRunCaKey(ca);

    // 7a. The tracer, as real root, filtering on the run's cgroup: loaded (first run) or pointed at
    // this cgroup before pid 1 exists, so the command's execve is the first thing it reports. Pid 1
    // closes the tracer's fds it inherits.
    startTracer(g_tracer, g_cgroup.v2Id, (plan.limits.test_mode & VIGIL_TEST_MODE_UNTRACED) != 0, engine);

    // 4-7. Scratch tmpfs for the overlay's upper dir, then the namespaces; pid 1 builds the file
    // system and starts the command once released.
    const int scratch = createScratch(plan);
    plan.idmapUsernsFd = createIdmapUserns(plan);
    SandboxPipes pipes;
    createPipes(pipes);
    g_sandbox = spawnSandbox(plan, g_cgroup, pipes, scratch);
    close(plan.idmapUsernsFd);  // only pid 1 needed it
    plan.idmapUsernsFd = -1;
    attachV1(g_cgroup, g_sandbox.initPid);
    // After the clone, so pid 1 never holds the channel's ends; before the release, so the
    // FIFO exists when pid 1 binds its directory.
    RuntimeChannel runtime = createRuntimeChannel(scratch);
    // First byte: pid 1 builds the file system while the network is set up here (each takes
    // ~20-40 ms); it starts the command only at the second byte.
    if (write(pipes.releaseWrite, "g", 1) != 1)
        die("write", "release the sandbox");
    // The sandbox's only link leads to the honeypot, and it listens before the command runs.
    connectToHoneypot(g_sandbox.initPid, g_honeypot.pid);
    // Every TCP port of every address answered (attached before the command can connect).
    attachAnyPortSteering(g_steering, g_honeypot.pid);
    awaitHoneypot(g_honeypot);
    // Second byte: start the command. If pid 1 already failed, the write fails too and the
    // supervision reports pid 1's own error, which says more than this write could.
    (void)!write(pipes.releaseWrite, "g", 1);
    close(pipes.releaseWrite);
    vigil_ready ready{};
    ready.init_pid = g_sandbox.initPid;
    ready.cgroup_v2_id = g_cgroup.v2Id;
    std::snprintf(ready.run_name, sizeof ready.run_name, "%s", plan.runName.c_str());
    sendReady(engine, ready);
    sendBait(engine, plan.bait.tokens);

    // 8. The run.
    const RunOutcome outcome =
        superviseRun(plan, g_sandbox, pipes, g_cgroup, engine, g_honeypot.events, g_tracer, runtime);
    if (outcome.engineGone) {
        cleanupRun();
        return false;
    }
    if (outcome.setupFailed) {
        const size_t nl = outcome.setupError.find('\n');
        dieWith(VIGIL_ERR_SETUP, outcome.setupError.substr(0, nl),
                nl == std::string::npos ? "" : outcome.setupError.substr(nl + 1));
    }

    // 9. Account, tear down, then read the upper dir: nothing can write to it any more.
    const CgroupStats stats = readCgroupStats(g_cgroup);
    // The honeypot's last records (connections still open at the end) precede the result.
    finishHoneypot(g_honeypot, engine);
    // Every process of the run is gone: the ring buffer holds the last records.
    const bool statsSent = finishTracer(g_tracer, outcome.execNs);
    cleanupRun();
    // Every writer is dead now: what is left in the FIFO is complete.
    if (!drainRuntimeChannel(runtime, engine))
        return false;
    bool changesTruncated = false;
    const std::vector<FileChange> changes = collectRunChanges(scratch, plan.packageFd, kMaxChanges, changesTruncated, servedBodies());
    close(scratch);
    if (plan.packageFd >= 0)
        close(plan.packageFd);

    vigil_result result{};
    result.limits_hit = outcome.limitsHit | (stats.oomKilled ? VIGIL_LIMIT_MEMORY : 0u) |
                        (stats.pidsLimitHit ? VIGIL_LIMIT_PIDS : 0u);
    if (outcome.exited && WIFEXITED(outcome.waitStatus)) {
        result.exit_code = WEXITSTATUS(outcome.waitStatus);
    } else {
        result.exit_code = -1;
        // Without a status from pid 1 the helper killed the run.
        result.signal = outcome.exited && WIFSIGNALED(outcome.waitStatus) ? WTERMSIG(outcome.waitStatus) : SIGKILL;
    }
    result.changes_count = static_cast<uint32_t>(changes.size());
    result.changes_truncated = changesTruncated ? 1u : 0u;
    result.setup_ns = outcome.execNs > startNs ? outcome.execNs - startNs : 0;
    result.run_ns = outcome.execNs > 0 && outcome.endNs > outcome.execNs ? outcome.endNs - outcome.execNs : 0;
    result.stdout_bytes = outcome.stdoutBytes;
    result.stderr_bytes = outcome.stderrBytes;
    result.memory_peak_bytes = stats.memoryPeak;
    result.cpu_ns = stats.cpuNs;
    return statsSent && sendChanges(engine, changes) && sendResult(engine, result);
}

}  // namespace

int main(int argc, char** argv) {
    const uint64_t helperStartNs = monotonicNs();
    if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("vigil-sandbox %s (protocol %u)\n", VIGIL_VERSION, VIGIL_SANDBOX_PROTOCOL_VERSION);
        return 0;
    }
    const int engine = parseFd(argc, argv);
    if (engine < 0) {
        std::fprintf(stderr, "usage: vigil-sandbox --fd N\n  started by vigil; not meant to be run by hand\n");
        return 2;
    }
    rememberArgv(argc, argv);
    // Only stdio and the engine socket survive from whoever started us.
    syscall(SYS_close_range, 3u, static_cast<unsigned>(engine - 1), 0u);
    syscall(SYS_close_range, static_cast<unsigned>(engine + 1), ~0u, 0u);
    signal(SIGPIPE, SIG_IGN);
    setEngineFd(engine);

    // 0. Privileges: before reading anything, so a misinstalled helper says so plainly.
    requirePrivileges();
    setCleanup(cleanupRun);

    // 1. The session: one request at a time, each fully checked; the engine closing the socket
    // between runs ends it.
    for (uint32_t runIndex = 0;; ++runIndex) {
        std::vector<uint8_t> packet;
        bool truncated = false;
        if (!receivePacket(engine, packet, truncated)) {
            if (runIndex == 0)
                dieWith(VIGIL_ERR_REQUEST, "the engine closed the connection before sending a request");
            break;
        }
        // The first run counts from the helper's own start; later ones from their request.
        const uint64_t startNs = runIndex == 0 ? helperStartNs : monotonicNs();
        if (truncated)
            dieWith(VIGIL_ERR_REQUEST, "request larger than the protocol maximum");
        // What a SIGKILLed helper left behind goes first: its cgroups would otherwise stay forever.
        // Before every run, not only at start, as a session may outlive the helper that was killed.
        sweepStaleRuns();
        if (!serveRun(engine, packet, startNs, runIndex)) {
            endSession();
            return 1;
        }
    }
    endSession();
    return 0;
}
