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

Endpoint datagramDestination(msghdr& m, uint16_t port) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            return ipv4Endpoint(info.ipi_addr.s_addr, port);
        }
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            return ipv6Endpoint(info.ipi6_addr, port);
        }
    }
    return ipv4Endpoint(0, port);
}

void setReplySource(msghdr& reply, const Endpoint& source) {
    // CMSG_FIRSTHDR is null unless msg_controllen already has room for a header.
    cmsghdr* c = CMSG_FIRSTHDR(&reply);
    if (c == nullptr)
        return;
    if (source.family == VIGIL_NET_INET6) {
        reply.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
        c->cmsg_level = IPPROTO_IPV6;
        c->cmsg_type = IPV6_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
        in6_pktinfo info{};
        std::memcpy(&info.ipi6_addr, source.addr.data(), 16);
        std::memcpy(CMSG_DATA(c), &info, sizeof info);
    } else {
        reply.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo info{};
        std::memcpy(&info.ipi_spec_dst, source.addr.data(), 4);
        std::memcpy(CMSG_DATA(c), &info, sizeof info);
    }
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
