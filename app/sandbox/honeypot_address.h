// @brief The honeypot's view of addresses: one endpoint type for IPv4 and IPv6, and the packet-info plumbing of its datagram sockets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <netinet/in.h>
#include <span>
#include <sys/socket.h>

#include "app/sandbox/honeypot_dns.h"
#include "app/sandbox/protocol.h"

namespace vigil::sandbox {

/// One end of a connection or datagram, in the wire protocol's terms (vigil_net_event).
struct Endpoint {
    uint8_t family = VIGIL_NET_INET;
    std::array<uint8_t, 16> addr{};  ///< network order; IPv4 in the first 4 bytes
    uint16_t port = 0;

    /// The address alone: 4 bytes for IPv4, 16 for IPv6.
    [[nodiscard]] std::span<const uint8_t> bytes() const {
        return {addr.data(), family == VIGIL_NET_INET6 ? size_t{16} : size_t{4}};
    }
};

Endpoint fromSockaddr(const sockaddr_storage& s);
Endpoint ipv4Endpoint(uint32_t networkOrder, uint16_t port);
Endpoint ipv6Endpoint(const in6_addr& a, uint16_t port);

/// What every name resolves to (VIGIL_HONEYPOT_ANSWER_IPV4 / _IPV6).
DnsAnswerAddresses honeypotAnswers();

/// The destination of a received datagram, from its IP_PKTINFO / IPV6_PKTINFO control message
/// (the socket must have asked for it); 0.0.0.0 when there is none.
Endpoint datagramDestination(msghdr& m, uint16_t port);

/// Fills `reply`'s control area (at least CMSG_SPACE(sizeof(in6_pktinfo)) bytes, msg_controllen
/// set to its size) so the datagram leaves from `source`, and trims msg_controllen to what it used.
void setReplySource(msghdr& reply, const Endpoint& source);

/// Parses an inbound IPv4 packet from a raw socket (IP header included): the two ports after
/// the IP header, and where the payload starts past `headerMin` transport bytes. False when the
/// packet is shorter than that.
bool parseIpv4Transport(const uint8_t* p, size_t n, size_t headerMin, Endpoint& src, Endpoint& dst, size_t& payload);

}  // namespace vigil::sandbox
