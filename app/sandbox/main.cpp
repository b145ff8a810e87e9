// vigil-sandbox: the privileged helper that runs untrusted package code (ARCHITECTURE §4).
// main reads top to bottom in setup order; each stage lives in its own file; every failure goes
// through die(), which reports to the engine and removes the run. No exceptions, no threads.
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
// Host ids of the sandbox user start here: far above any real account, one per helper pid, so
// two runs never share an identity.
constexpr uid_t kHostIdBase = 1600000000u;

RunCgroup g_cgroup;
Sandbox g_sandbox;
Honeypot g_honeypot;
AnyPortSteering g_steering;
Tracer g_tracer;

/// die()'s cleanup: every exit path after the cgroups exist kills and removes them.
void cleanupRun() {
    killRun(g_sandbox, g_cgroup);
    killHoneypot(g_honeypot);
    destroyAnyPortSteering(g_steering);
    if (g_sandbox.initPid > 0)
        waitpid(g_sandbox.initPid, nullptr, 0);
    destroyRunCgroup(g_cgroup);
    // The tracer is left attached: its programs see nothing once the cgroup is gone, and detaching
    // uprobes waits for RCU grace periods (~0.1 s each). Process exit closes its fds after the
    // engine has its result.
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

}  // namespace

int main(int argc, char** argv) {
    const uint64_t startNs = monotonicNs();
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
    // What a SIGKILLed helper left behind goes first: its cgroups would otherwise stay forever.
    sweepStaleRuns();

    // 1. The request: exactly one, fully checked.
    std::vector<uint8_t> packet;
    bool truncated = false;
    if (!receivePacket(engine, packet, truncated))
        dieWith(VIGIL_ERR_REQUEST, "the engine closed the connection before sending a request");
    if (truncated)
        dieWith(VIGIL_ERR_REQUEST, "request larger than the protocol maximum");
    RunPlan plan;
    if (const char* reason = decodeRunRequest(packet.data(), packet.size(), plan))
        dieWith(VIGIL_ERR_REQUEST, std::string("malformed run request: ") + reason);
    ucred peer{};
    socklen_t peerLen = sizeof peer;
    if (getsockopt(engine, SOL_SOCKET, SO_PEERCRED, &peer, &peerLen) != 0)
        die("getsockopt", "SO_PEERCRED of the engine socket");
    plan.startNs = startNs;
    plan.runName = makeRunName();
    plan.hostUid = kHostIdBase + static_cast<uid_t>(getpid());
    plan.hostGid = kHostIdBase + static_cast<gid_t>(getpid());
    validateRunPlan(plan, peer.uid);
    plan.runtimeDir = locateRuntimeDir();
    plan.nodeLauncher = locateNodeLauncher();
    // 6 (prepared here, planted by pid 1): the token list must outlive the sandbox.
    plan.bait = makeBaitHome(kHomeDir, plan.hostname);
    yieldEnvToEngine(plan.bait, plan.env);

    // 2. cgroups. From here on, die() removes them.
    setCleanup(cleanupRun);
    createRunCgroup(plan, g_cgroup);

    // 3. The simulated internet: the honeypot opens its sockets while the sandbox is built. A
    // fresh CA per run lets it decrypt HTTPS; only the honeypot keeps the key (in memory), the
    // sandbox trusts the certificate.
    RunCa ca = makeRunCa();
    g_steering = loadAnyPortSteering();
    g_honeypot = startHoneypot(plan, ca, g_steering.mapFd);
    plan.trustedCaPem = ca.certPem;
    forgetRunCaKey(ca);

    // 4-7. Scratch tmpfs for the overlay's upper dir, then the namespaces; pid 1 builds the file
    // system and starts the command once released.
    const int scratch = createScratch(plan);
    plan.idmapUsernsFd = createIdmapUserns(plan);
    SandboxPipes pipes;
    createPipes(pipes);
    g_sandbox = spawnSandbox(plan, g_cgroup, pipes, scratch);
    attachV1(g_cgroup, g_sandbox.initPid);
    // The sandbox's only link leads to the honeypot, and it listens before the command runs.
    connectToHoneypot(g_sandbox.initPid, g_honeypot.pid);
    // Every TCP port of every address answered (attached before the command can connect).
    attachAnyPortSteering(g_steering, g_honeypot.pid);
    awaitHoneypot(g_honeypot);
    // 7a. The tracer, as real root, filtering on the run's cgroup: attached before pid 1 is
    // released, so the command's execve is the first thing it reports.
    startTracer(g_tracer, g_cgroup.v2Id, (plan.limits.test_mode & VIGIL_TEST_MODE_UNTRACED) != 0, engine);
    // After the clone, so pid 1 never holds the channel's ends; before the release, so the
    // FIFO exists when pid 1 binds its directory.
    RuntimeChannel runtime = createRuntimeChannel(scratch);
    if (write(pipes.releaseWrite, "g", 1) != 1)
        die("write", "release the sandbox");
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
        return 1;
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
        return 1;
    bool changesTruncated = false;
    const std::vector<FileChange> changes = collectRunChanges(scratch, plan.packageFd, kMaxChanges, changesTruncated, servedBodies());
    close(scratch);

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
    if (!statsSent || !sendChanges(engine, changes) || !sendResult(engine, result))
        return 1;
    stopTracer(g_tracer);
    return 0;
}
