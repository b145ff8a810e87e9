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
/// The LAN's IPv6 side: a unique local prefix, as home routers hand out next to IPv4. A ULA
/// source keeps glibc's address sorting (RFC 6724) preferring IPv4 for dual-stack names, as on
/// most such networks; IPv6 literals and IPv6-only lookups still go out over IPv6.
constexpr const char* kSandboxAddress6 = "fd4e:2b91:7c3a:1::23";
constexpr const char* kGatewayAddress6 = "fd4e:2b91:7c3a:1::1";
constexpr const char* kLanNetwork6 = "fd4e:2b91:7c3a:1::";
constexpr unsigned kLanPrefix6 = 64;

/// False when the kernel has no IPv6 (booted with ipv6.disable=1): the run is IPv4 only then.
bool ipv6Available();

/// Brings `lo` up in the current (new, empty) network namespace with ioctl(SIOCSIFFLAGS).
void bringUpLoopback();

/// Wires the sandbox's namespace (of `sandboxPid`) to the honeypot's (of `honeypotPid`) over
/// rtnetlink only, never touching the host's namespace:
///   honeypot ns: lo up; vh0 192.168.1.1/24 up; `local 0.0.0.0/0 dev lo table local` (AnyIP: every
///                destination is this host) and `192.168.1.0/24 dev vh0 table local` (so replies
///                to the sandbox still leave through vh0 instead of matching the AnyIP route);
///   sandbox ns:  enp3s0 192.168.1.23/24 up; default via 192.168.1.1.
/// And the same for IPv6 when the kernel has it: honeypot vh0 fd4e:2b91:7c3a:1::1/64,
/// `local ::/0 dev lo table local`, `fd4e:2b91:7c3a:1::/64 dev vh0 table local`; sandbox enp3s0
/// fd4e:2b91:7c3a:1::23/64, default via fd4e:2b91:7c3a:1::1 (addresses without DAD).
/// The veth pair is created directly with its two ends in those namespaces, so it never exists
/// in the host's; it dies with the first of the two namespaces.
void connectToHoneypot(pid_t sandboxPid, pid_t honeypotPid);

}  // namespace vigil::sandbox
