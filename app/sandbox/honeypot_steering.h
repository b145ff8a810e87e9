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

/// Helper, before the honeypot starts: loads the program and its sockmap. Dies on failure
/// (BPF_PROG_TYPE_SK_LOOKUP needs Linux 5.9).
AnyPortSteering loadAnyPortSteering();

/// Helper, once the honeypot exists: attaches the program to the honeypot's network namespace
/// (only there: the host's and the sandbox's lookups are untouched).
void attachAnyPortSteering(AnyPortSteering& steering, pid_t honeypotPid);

/// Any exit path: detaches and frees. The namespace's death detaches it anyway.
void destroyAnyPortSteering(AnyPortSteering& steering);

}  // namespace vigil::sandbox
