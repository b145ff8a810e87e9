// @brief TCP on every port: the honeypot namespace's sk_lookup program that hands every connection to one listener.
#pragma once

#include <sys/types.h>

struct vigil_honeypot_bpf;
struct bpf_link;

namespace vigil::sandbox {

struct AnyPortSteering {
    vigil_honeypot_bpf* skel = nullptr;
    bpf_link* link = nullptr;
    int mapFd = -1;  ///< the sockmap; the honeypot inherits it and inserts its catch-all listener
};

/// Helper, before the first honeypot of its session starts: loads the program and its sockmap.
/// Dies on failure (BPF_PROG_TYPE_SK_LOOKUP needs Linux 5.9). Each run attaches it to its own
/// honeypot and detaches it after; the load (~20 ms) is paid once.
AnyPortSteering loadAnyPortSteering();

/// Helper, once the honeypot exists: attaches the program to the honeypot's network namespace
/// (only there: the host's and the sandbox's lookups are untouched).
void attachAnyPortSteering(AnyPortSteering& steering, pid_t honeypotPid);

/// End of a run: detaches from its honeypot and empties the sockmap, so nothing of this run's
/// honeypot can receive the next run's connections. The namespace's death detaches it anyway.
void detachAnyPortSteering(AnyPortSteering& steering);

/// End of the session: detaches and frees.
void destroyAnyPortSteering(AnyPortSteering& steering);

}  // namespace vigil::sandbox
