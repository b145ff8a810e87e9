// Addresses of both families as the honeypot records them, and the packet-info control
// messages its datagram sockets need to learn (and answer from) the address a client asked.
#include "app/sandbox/honeypot_address.h"

#include <arpa/inet.h>
#include <cstring>
#include <netinet/ip.h>

namespace vigil::sandbox {

Endpoint fromSockaddr(const sockaddr_storage& s) {
    Endpoint e;
    if (s.ss_family == AF_INET6) {
        const auto& a = reinterpret_cast<const sockaddr_in6&>(s);
        e.family = VIGIL_NET_INET6;
        std::memcpy(e.addr.data(), &a.sin6_addr, 16);
        e.port = ntohs(a.sin6_port);
    } else {
        const auto& a = reinterpret_cast<const sockaddr_in&>(s);
        std::memcpy(e.addr.data(), &a.sin_addr, 4);
        e.port = ntohs(a.sin_port);
    }
    return e;
}

Endpoint ipv4Endpoint(uint32_t networkOrder, uint16_t port) {
    Endpoint e;
    std::memcpy(e.addr.data(), &networkOrder, 4);
    e.port = port;
    return e;
}

Endpoint ipv6Endpoint(const in6_addr& a, uint16_t port) {
    Endpoint e;
    e.family = VIGIL_NET_INET6;
    std::memcpy(e.addr.data(), &a, 16);
    e.port = port;
    return e;
}

DnsAnswerAddresses honeypotAnswers() {
    DnsAnswerAddresses a;
    inet_pton(AF_INET, VIGIL_HONEYPOT_ANSWER_IPV4, a.ipv4.data());
    inet_pton(AF_INET6, VIGIL_HONEYPOT_ANSWER_IPV6, a.ipv6.data());
    return a;
}

namespace {

/// Room for either family's packet info.
constexpr size_t kControlSpace = CMSG_SPACE(sizeof(in6_pktinfo));

Endpoint datagramDestination(msghdr& m) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            return ipv4Endpoint(info.ipi_addr.s_addr, 0);
        }
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            return ipv6Endpoint(info.ipi6_addr, 0);
        }
    }
    return ipv4Endpoint(0, 0);
}

/// Puts one control message holding `info` first in `m`'s control area and trims the area to it.
template <typename Info>
void putControl(msghdr& m, int level, int type, const Info& info) {
    cmsghdr* c = CMSG_FIRSTHDR(&m);  // non-null: the area has kControlSpace bytes
    m.msg_controllen = CMSG_SPACE(sizeof info);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(sizeof info);
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
}

}  // namespace

std::optional<Datagram> receiveDatagram(int sock, std::span<uint8_t> buf, int flags) {
    Datagram d;
    alignas(cmsghdr) char control[kControlSpace];
    iovec iov{buf.data(), buf.size()};
    msghdr m{};
    m.msg_name = &d.from;
    m.msg_namelen = sizeof d.from;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    const ssize_t n = recvmsg(sock, &m, MSG_DONTWAIT | flags);
    if (n < 0)
        return std::nullopt;
    d.length = static_cast<size_t>(n);
    d.fromLen = m.msg_namelen;
    d.to = datagramDestination(m);
    return d;
}

void replyDatagram(int sock, std::span<const uint8_t> data, const Datagram& to, const Endpoint& source) {
    alignas(cmsghdr) char control[kControlSpace] = {};
    sockaddr_storage peer = to.from;
    iovec iov{const_cast<uint8_t*>(data.data()), data.size()};
    msghdr m{};
    m.msg_name = &peer;
    m.msg_namelen = to.fromLen;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    if (source.family == VIGIL_NET_INET6) {
        in6_pktinfo info{};
        std::memcpy(&info.ipi6_addr, source.addr.data(), 16);
        putControl(m, IPPROTO_IPV6, IPV6_PKTINFO, info);
    } else {
        in_pktinfo info{};
        std::memcpy(&info.ipi_spec_dst, source.addr.data(), 4);
        putControl(m, IPPROTO_IP, IP_PKTINFO, info);
    }
    (void)sendmsg(sock, &m, MSG_DONTWAIT);
}

bool parseIpv4Transport(const uint8_t* p, size_t n, size_t headerMin, Endpoint& src, Endpoint& dst, size_t& payload) {
    if (n < sizeof(iphdr))
        return false;
    iphdr ip;
    std::memcpy(&ip, p, sizeof ip);
    const size_t ihl = ip.ihl * 4u;
    if (ihl < sizeof ip || n < ihl + headerMin)
        return false;
    uint16_t ports[2];
    std::memcpy(ports, p + ihl, sizeof ports);
    src = ipv4Endpoint(ip.saddr, ntohs(ports[0]));
    dst = ipv4Endpoint(ip.daddr, ntohs(ports[1]));
    payload = ihl + headerMin;
    return true;
}

}  // namespace vigil::sandbox
