// @brief The honeypot's DNS: parse one query, build the answer that sends every name to the honeypot.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigil::sandbox {

struct DnsQuery {
    uint16_t id = 0;
    std::string name;        ///< dotted, non-printable bytes escaped as \xNN
    uint16_t type = 0;       ///< QTYPE (1 = A, 28 = AAAA, ...)
    size_t questionEnd = 0;  ///< offset just past the first question
};

/// Parses a DNS query message (no TCP length prefix). Nullopt for responses, truncated or
/// malformed messages and compressed names (a client never compresses its question).
std::optional<DnsQuery> parseDnsQuery(const uint8_t* msg, size_t len);

/// The honeypot's own addresses, network byte order: what every name resolves to.
struct DnsAnswerAddresses {
    std::array<uint8_t, 4> ipv4{};
    std::array<uint8_t, 16> ipv6{};
};

/// The answer to `query` (whose bytes are `msg`): NOERROR, authoritative, the first question
/// echoed, one A record for A, one AAAA record for AAAA, both for ANY. Other types get an empty
/// answer (NODATA), as a name without such records would.
std::vector<uint8_t> buildDnsAnswer(const uint8_t* msg, const DnsQuery& query, const DnsAnswerAddresses& addresses);

/// "A", "AAAA", "TXT", ... or "TYPE<n>".
std::string dnsTypeName(uint16_t type);

}  // namespace vigil::sandbox
