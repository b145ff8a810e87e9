// @brief The run's simulated internet: the honeypot process in its own network namespace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>
#include <sys/types.h>

#include "app/sandbox/honeypot_emulation.h"
#include "app/sandbox/honeypot_tls.h"
#include "app/sandbox/run_plan.h"

namespace vigil::sandbox {

/// A response body the honeypot served that a package may save as a file (HttpReply::served).
struct ServedBody {
    uint64_t size = 0;
    std::string sha256;  ///< lower-case hex
};

/// What this run's honeypot served, as its forwarded HTTP records said (forwardNetEvent keeps them).
const std::vector<ServedBody>& servedBodies();
/// Before a run's honeypot starts: nothing served to an earlier run of the session counts.
void forgetServedBodies();

/// The helper's handle on the honeypot process.
struct Honeypot {
    pid_t pid = -1;
    int pidfd = -1;
    int events = -1;  ///< SOCK_SEQPACKET: one vigil_net_event body per packet; EOF = finished
    int status = -1;  ///< pipe: a StatusRecord when the honeypot's own setup failed
};

/// clone3(CLONE_NEWNET): the honeypot starts in a namespace of its own (wired to the sandbox
/// later by connectToHoneypot), opens its sockets, drops every privilege, loads the seccomp
/// filter and serves until told to finish. Not in the run's cgroup: it must outlive pid 1 long
/// enough to report the last connections. It inherits the run's CA (key included) to sign the
/// leaf certificates of intercepted TLS sessions, and the any-port steering's sockmap
/// (`catchAllMap`) to register its catch-all listener in.
Honeypot startHoneypot(const RunPlan& plan, const RunCa& ca, int catchAllMap);

/// Waits until the honeypot listens (so the command's first connection is never refused);
/// dies with the honeypot's own error if it failed.
void awaitHoneypot(const Honeypot& honeypot);

/// Reads one event from the honeypot and forwards it to the engine as VIGIL_MSG_NET_EVENT after
/// checking it (the honeypot handled hostile bytes: the helper trusts none of its output).
/// False at EOF.
bool forwardNetEvent(int events, int engine);

/// After the run: asks the honeypot to record what is still open, forwards every remaining
/// event (bounded in time), then kills and reaps it.
void finishHoneypot(Honeypot& honeypot, int engine);

/// Any exit path: kills the honeypot now; its namespace and the veth pair go with it.
void killHoneypot(Honeypot& honeypot);

/// What the honeypot's emulations answer in this run: the bait home's identity, the requested
/// geo-IP country (or the default).
EmulationSettings emulationSettingsFor(const RunPlan& plan);

/// The honeypot process itself (honeypot_server.cpp). Never returns.
[[noreturn]] void serveHoneypot(int events, uid_t uid, gid_t gid, const RunCa& ca, int catchAllMap,
                                const EmulationSettings& settings);

}  // namespace vigil::sandbox
