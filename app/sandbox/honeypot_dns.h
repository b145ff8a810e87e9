// @brief The honeypot's DNS: parse one query, build the answer that sends every name to the honeypot.
#pragma once

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

/// The answer to `query` (whose bytes are `msg`): NOERROR, authoritative, the first question
/// echoed, and for A/ANY one A record of `ipv4` (network byte order). Other types get an empty
/// answer, so clients fall back to IPv4, the only family the run can reach.
std::vector<uint8_t> buildDnsAnswer(const uint8_t* msg, const DnsQuery& query, uint32_t ipv4);

/// "A", "AAAA", "TXT", ... or "TYPE<n>".
std::string dnsTypeName(uint16_t type);

}  // namespace vigil::sandbox
