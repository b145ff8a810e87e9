// Stage 3: network. The namespaces are created empty by clone3(CLONE_NEWNET). The veth pair,
// addresses and routes are a handful of rtnetlink messages, written here directly rather than
// through libnl: the privileged helper stays small (STYLE §1) and every request is acknowledged
// and checked one by one, so a failure names the exact step.
#include "app/sandbox/network.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "app/sandbox/die.h"
#include "app/sandbox/protocol.h"

namespace vigil::sandbox {
namespace {

/// One rtnetlink request being built: header, family struct, then attributes (nests by offset).
class NetlinkRequest {
public:
    NetlinkRequest(uint16_t type, uint16_t flags, const void* family, size_t familyLen) {
        buffer_.resize(NLMSG_LENGTH(familyLen), 0);
        header()->nlmsg_type = type;
        header()->nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
        std::memcpy(NLMSG_DATA(header()), family, familyLen);
    }
    void attr(uint16_t type, const void* data, size_t len) {
        const size_t at = align(buffer_.size());
        buffer_.resize(at + RTA_LENGTH(len), 0);
        auto* rta = reinterpret_cast<rtattr*>(buffer_.data() + at);
        rta->rta_type = type;
        rta->rta_len = static_cast<unsigned short>(RTA_LENGTH(len));
        if (len > 0)
            std::memcpy(RTA_DATA(rta), data, len);
    }
    void attrString(uint16_t type, const char* s) { attr(type, s, std::strlen(s) + 1); }
    void attrU32(uint16_t type, uint32_t v) { attr(type, &v, sizeof v); }
    size_t begin(uint16_t type) {
        const size_t at = align(buffer_.size());
        attr(type, nullptr, 0);
        return at;
    }
    /// Raw bytes inside the current nest (veth's peer carries a whole ifinfomsg).
    void raw(const void* data, size_t len) {
        const size_t at = align(buffer_.size());
        buffer_.resize(at + NLMSG_ALIGN(len), 0);
        std::memcpy(buffer_.data() + at, data, len);
    }
    void end(size_t nest) {
        reinterpret_cast<rtattr*>(buffer_.data() + nest)->rta_len = static_cast<unsigned short>(align(buffer_.size()) - nest);
    }
    /// Sends and waits for the kernel's acknowledgement; dies naming `what` on refusal.
    void execute(int sock, const char* what) {
        buffer_.resize(align(buffer_.size()), 0);
        header()->nlmsg_len = static_cast<uint32_t>(buffer_.size());
        header()->nlmsg_seq = ++seq_;
        if (send(sock, buffer_.data(), buffer_.size(), 0) < 0)
            die("send rtnetlink", what);
        alignas(nlmsghdr) char reply[8192];
        for (;;) {
            const ssize_t n = recv(sock, reply, sizeof reply, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                die("recv rtnetlink", what);
            int left = static_cast<int>(n);
            for (auto* h = reinterpret_cast<nlmsghdr*>(reply); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
                if (h->nlmsg_seq != seq_ || h->nlmsg_type != NLMSG_ERROR)
                    continue;
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr)))
                    dieWith(VIGIL_ERR_SETUP, std::string("rtnetlink: ") + what + ": truncated acknowledgement");
                const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
                if (err->error == 0)
                    return;
                errno = -err->error;
                die("rtnetlink", what);
            }
        }
    }

private:
    static size_t align(size_t n) { return NLMSG_ALIGN(n); }
    nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(buffer_.data()); }
    std::vector<char> buffer_;
    static inline uint32_t seq_ = 0;
};

int openNetns(pid_t pid, const char* whose) {
    const std::string path = "/proc/" + std::to_string(pid) + "/ns/net";
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("open", std::string(whose) + " network namespace " + path);
    return fd;
}

void enterNetns(int fd, const char* whose) {
    if (setns(fd, CLONE_NEWNET) != 0)
        die("setns", std::string(whose) + " network namespace");
}

int rtnetlinkSocket() {
    const int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (s < 0)
        die("socket", "AF_NETLINK NETLINK_ROUTE");
    return s;
}

uint32_t ifIndex(const char* name) {
    const unsigned index = if_nametoindex(name);
    if (index == 0)
        die("if_nametoindex", name);
    return index;
}

/// An address in network byte order: 4 bytes for AF_INET, 16 for AF_INET6.
struct Address {
    uint8_t family = AF_INET;
    uint8_t bytes[16] = {};
    [[nodiscard]] size_t size() const { return family == AF_INET6 ? 16 : 4; }
};

Address address(const char* text) {
    Address a;
    a.family = std::strchr(text, ':') != nullptr ? AF_INET6 : AF_INET;
    if (inet_pton(a.family, text, a.bytes) != 1)
        dieWith(VIGIL_ERR_SETUP, std::string("network setup: bad address constant ") + text);
    return a;
}

void setUp(int sock, uint32_t index, const char* what) {
    ifinfomsg info{};
    info.ifi_family = AF_UNSPEC;
    info.ifi_index = static_cast<int>(index);
    info.ifi_flags = IFF_UP;
    info.ifi_change = IFF_UP;
    NetlinkRequest req(RTM_NEWLINK, 0, &info, sizeof info);
    req.execute(sock, what);
}

void addAddress(int sock, uint32_t index, const char* text, const char* what) {
    const Address local = address(text);
    ifaddrmsg a{};
    a.ifa_family = local.family;
    a.ifa_prefixlen = static_cast<uint8_t>(local.family == AF_INET6 ? kLanPrefix6 : kLanPrefix);
    a.ifa_index = index;
    a.ifa_scope = RT_SCOPE_UNIVERSE;
    // No duplicate address detection: the link has two ends, both ours, and an address still
    // "tentative" (about a second) could not be used by the run's first connection.
    if (local.family == AF_INET6)
        a.ifa_flags = IFA_F_NODAD;
    NetlinkRequest req(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &a, sizeof a);
    req.attr(IFA_LOCAL, local.bytes, local.size());
    req.attr(IFA_ADDRESS, local.bytes, local.size());
    req.execute(sock, what);
}

struct Route {
    uint8_t family = AF_INET;
    uint8_t table = RT_TABLE_MAIN;
    uint8_t type = RTN_UNICAST;
    uint8_t scope = RT_SCOPE_UNIVERSE;
    uint8_t prefix = 0;
    const char* dst = nullptr;      ///< null = 0.0.0.0 or ::
    const char* gateway = nullptr;
    uint32_t oif = 0;
};

void addRoute(int sock, const Route& r, const char* what) {
    rtmsg m{};
    m.rtm_family = r.family;
    m.rtm_dst_len = r.prefix;
    m.rtm_table = r.table;
    m.rtm_protocol = RTPROT_STATIC;
    m.rtm_scope = r.scope;
    m.rtm_type = r.type;
    NetlinkRequest req(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &m, sizeof m);
    if (r.dst != nullptr) {
        const Address dst = address(r.dst);
        req.attr(RTA_DST, dst.bytes, dst.size());
    }
    if (r.gateway != nullptr) {
        const Address gw = address(r.gateway);
        req.attr(RTA_GATEWAY, gw.bytes, gw.size());
    }
    req.attrU32(RTA_OIF, r.oif);
    req.execute(sock, what);
}

}  // namespace

bool ipv6Available() {
    // A kernel booted with ipv6.disable=1 has no AF_INET6 at all: the run is then IPv4 only.
    const int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return false;
    close(s);
    return true;
}

void bringUpLoopback() {
    const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        die("socket", "AF_INET for loopback setup");
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
        die("ioctl SIOCGIFFLAGS", "lo");
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
    if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
        die("ioctl SIOCSIFFLAGS", "lo up");
    close(s);
}

void connectToHoneypot(pid_t sandboxPid, pid_t honeypotPid) {
    const int hostNs = openNetns(getpid(), "the helper's own");
    const int sandboxNs = openNetns(sandboxPid, "the sandbox's");
    const int honeypotNs = openNetns(honeypotPid, "the honeypot's");

    // Honeypot side. Everything below runs with a socket of that namespace only.
    enterNetns(honeypotNs, "the honeypot's");
    int sock = rtnetlinkSocket();
    {
        ifinfomsg info{};
        info.ifi_family = AF_UNSPEC;
        NetlinkRequest req(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &info, sizeof info);
        req.attrString(IFLA_IFNAME, kHoneypotIfName);
        const size_t linkinfo = req.begin(IFLA_LINKINFO);
        req.attrString(IFLA_INFO_KIND, "veth");
        const size_t data = req.begin(IFLA_INFO_DATA);
        const size_t peer = req.begin(VETH_INFO_PEER);
        ifinfomsg peerInfo{};
        peerInfo.ifi_family = AF_UNSPEC;
        req.raw(&peerInfo, sizeof peerInfo);
        req.attrString(IFLA_IFNAME, kSandboxIfName);
        // The peer is born in the sandbox's namespace: the pair never exists in the host's.
        req.attrU32(IFLA_NET_NS_FD, static_cast<uint32_t>(sandboxNs));
        req.end(peer);
        req.end(data);
        req.end(linkinfo);
        req.execute(sock, "create the veth pair vh0/enp3s0");
    }
    const uint32_t lo = ifIndex("lo");
    const uint32_t vh0 = ifIndex(kHoneypotIfName);
    setUp(sock, lo, "honeypot lo up");
    addAddress(sock, vh0, kGatewayAddress, "honeypot address 192.168.1.1/24");
    setUp(sock, vh0, "honeypot vh0 up");
    // AnyIP: every IPv4 destination is local to the honeypot, so raw IPs and hard-coded
    // resolvers land on its sockets bound to 0.0.0.0.
    addRoute(sock, Route{AF_INET, RT_TABLE_LOCAL, RTN_LOCAL, RT_SCOPE_HOST, 0, nullptr, nullptr, lo},
             "honeypot route local 0.0.0.0/0 dev lo table local");
    // Without this, replies to the sandbox would match the AnyIP route and loop back locally.
    addRoute(sock, Route{AF_INET, RT_TABLE_LOCAL, RTN_UNICAST, RT_SCOPE_LINK, kLanPrefix, "192.168.1.0", nullptr, vh0},
             "honeypot route 192.168.1.0/24 dev vh0 table local");
    const bool v6 = ipv6Available();
    if (v6) {
        // The same for IPv6: every address is the honeypot's, except the LAN's.
        addAddress(sock, vh0, kGatewayAddress6, "honeypot address fd4e:2b91:7c3a:1::1/64");
        addRoute(sock, Route{AF_INET6, RT_TABLE_LOCAL, RTN_LOCAL, RT_SCOPE_UNIVERSE, 0, nullptr, nullptr, lo},
                 "honeypot route local ::/0 dev lo table local");
        addRoute(sock, Route{AF_INET6, RT_TABLE_LOCAL, RTN_UNICAST, RT_SCOPE_UNIVERSE, kLanPrefix6, kLanNetwork6, nullptr, vh0},
                 "honeypot route fd4e:2b91:7c3a:1::/64 dev vh0 table local");
    }
    close(sock);

    // Sandbox side: its only way out is the honeypot.
    enterNetns(sandboxNs, "the sandbox's");
    sock = rtnetlinkSocket();
    const uint32_t eth = ifIndex(kSandboxIfName);
    addAddress(sock, eth, kSandboxAddress, "sandbox address 192.168.1.23/24");
    setUp(sock, eth, "sandbox enp3s0 up");
    addRoute(sock, Route{AF_INET, RT_TABLE_MAIN, RTN_UNICAST, RT_SCOPE_UNIVERSE, 0, nullptr, kGatewayAddress, eth},
             "sandbox default route via 192.168.1.1");
    if (v6) {
        addAddress(sock, eth, kSandboxAddress6, "sandbox address fd4e:2b91:7c3a:1::23/64");
        addRoute(sock, Route{AF_INET6, RT_TABLE_MAIN, RTN_UNICAST, RT_SCOPE_UNIVERSE, 0, nullptr, kGatewayAddress6, eth},
                 "sandbox default route via fd4e:2b91:7c3a:1::1");
    }
    close(sock);

    enterNetns(hostNs, "the helper's own");
    close(hostNs);
    close(sandboxNs);
    close(honeypotNs);
}

}  // namespace vigil::sandbox
