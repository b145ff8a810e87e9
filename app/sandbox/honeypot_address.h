// @brief The honeypot's view of addresses: one endpoint type for IPv4 and IPv6, and the packet-info plumbing of its datagram sockets.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <netinet/in.h>
#include <optional>
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

/// One datagram received into the caller's buffer.
struct Datagram {
    size_t length = 0;         ///< its full length: more than the buffer held when it was cut (MSG_TRUNC)
    sockaddr_storage from{};   ///< the sender, as the socket API gives it
    socklen_t fromLen = 0;
    Endpoint to;               ///< where it was sent, from IP_PKTINFO / IPV6_PKTINFO (the socket must
                               ///< have asked for it; 0.0.0.0 when absent); port 0: the caller knows it
};

/// recvmsg(MSG_DONTWAIT | `flags`) with room for packet info; nullopt when nothing is waiting.
std::optional<Datagram> receiveDatagram(int sock, std::span<uint8_t> buf, int flags = 0);

/// Sends `data` back to the sender of `to`, leaving from `source` (IP_PKTINFO / IPV6_PKTINFO: the
/// AnyIP route makes any address local). Best effort, never blocks.
void replyDatagram(int sock, std::span<const uint8_t> data, const Datagram& to, const Endpoint& source);

/// Parses an inbound IPv4 packet from a raw socket (IP header included): the two ports after
/// the IP header, and where the payload starts past `headerMin` transport bytes. False when the
/// packet is shorter than that.
bool parseIpv4Transport(const uint8_t* p, size_t n, size_t headerMin, Endpoint& src, Endpoint& dst, size_t& payload);

}  // namespace vigil::sandbox
