// @brief Stage 3: the run's network — loopback, and the veth link into the honeypot's namespace.
#pragma once

#include <sys/types.h>

namespace vigil::sandbox {

/// The sandbox's LAN, as a developer laptop on a home network would see it. These addresses
/// exist only inside the two namespaces of the run; the host never routes them.
constexpr const char* kSandboxIfName = "enp3s0";
constexpr const char* kHoneypotIfName = "vh0";
constexpr const char* kSandboxAddress = "192.168.1.23";
constexpr const char* kGatewayAddress = "192.168.1.1";  ///< the honeypot; also resolv.conf's nameserver
constexpr unsigned kLanPrefix = 24;

/// Brings `lo` up in the current (new, empty) network namespace with ioctl(SIOCSIFFLAGS).
void bringUpLoopback();

/// Wires the sandbox's namespace (of `sandboxPid`) to the honeypot's (of `honeypotPid`) over
/// rtnetlink only, never touching the host's namespace:
///   honeypot ns: lo up; vh0 192.168.1.1/24 up; `local 0.0.0.0/0 dev lo table local` (AnyIP: every
///                destination is this host) and `192.168.1.0/24 dev vh0 table local` (so replies
///                to the sandbox still leave through vh0 instead of matching the AnyIP route);
///   sandbox ns:  enp3s0 192.168.1.23/24 up; default via 192.168.1.1.
/// The veth pair is created directly with its two ends in those namespaces, so it never exists
/// in the host's; it dies with the first of the two namespaces.
void connectToHoneypot(pid_t sandboxPid, pid_t honeypotPid);

}  // namespace vigil::sandbox
