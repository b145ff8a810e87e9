// DNS for the honeypot (RFC 1035 §4). Bounded by construction: the name can never exceed 255
// wire bytes and every read is checked against the message length.
#include "app/sandbox/honeypot_dns.h"

#include <cstdio>

namespace vigil::sandbox {
namespace {

constexpr size_t kHeader = 12;
constexpr uint32_t kTtl = 300;

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

void put16(std::vector<uint8_t>& v, uint16_t x) {
    v.push_back(static_cast<uint8_t>(x >> 8));
    v.push_back(static_cast<uint8_t>(x));
}

}  // namespace

std::optional<DnsQuery> parseDnsQuery(const uint8_t* msg, size_t len) {
    if (len < kHeader)
        return std::nullopt;
    const uint16_t flags = be16(msg + 2);
    if ((flags & 0x8000) != 0 || be16(msg + 4) == 0)  // a response, or no question
        return std::nullopt;
    DnsQuery q;
    q.id = be16(msg);
    size_t off = kHeader;
    size_t wire = 0;
    for (;;) {
        if (off >= len)
            return std::nullopt;
        const uint8_t label = msg[off++];
        if (label == 0)
            break;
        if ((label & 0xc0) != 0 || label > 63)  // compression pointer or reserved label type
            return std::nullopt;
        wire += label + 1u;
        if (wire > 255 || off + label > len)
            return std::nullopt;
        if (!q.name.empty())
            q.name.push_back('.');
        for (size_t i = 0; i < label; ++i) {
            const uint8_t c = msg[off + i];
            if (c > 0x20 && c < 0x7f && c != '\\') {
                q.name.push_back(static_cast<char>(c));
            } else {
                char esc[5];
                std::snprintf(esc, sizeof esc, "\\x%02x", c);
                q.name += esc;
            }
        }
        off += label;
    }
    if (off + 4 > len)
        return std::nullopt;
    q.type = be16(msg + off);
    q.questionEnd = off + 4;
    return q;
}

std::vector<uint8_t> buildDnsAnswer(const uint8_t* msg, const DnsQuery& query, const DnsAnswerAddresses& addresses) {
    std::vector<uint8_t> out(msg, msg + query.questionEnd);
    const uint16_t flags = be16(msg + 2);
    // QR, the query's opcode and RD, AA, RA; RCODE 0.
    const uint16_t reply = static_cast<uint16_t>(0x8000 | (flags & 0x7800) | 0x0400 | (flags & 0x0100) | 0x0080);
    out[2] = static_cast<uint8_t>(reply >> 8);
    out[3] = static_cast<uint8_t>(reply);
    const bool a = query.type == 1 || query.type == 255;
    const bool aaaa = query.type == 28 || query.type == 255;
    const uint8_t counts[8] = {0, 1, 0, static_cast<uint8_t>((a ? 1 : 0) + (aaaa ? 1 : 0)), 0, 0, 0, 0};
    for (size_t i = 0; i < 8; ++i)
        out[4 + i] = counts[i];
    const auto record = [&](uint16_t type, const uint8_t* data, uint16_t len) {
        put16(out, 0xc00c);  // the name of the question
        put16(out, type);
        put16(out, 1);       // IN
        put16(out, static_cast<uint16_t>(kTtl >> 16));
        put16(out, static_cast<uint16_t>(kTtl));
        put16(out, len);
        out.insert(out.end(), data, data + len);
    };
    if (a)
        record(1, addresses.ipv4.data(), 4);
    if (aaaa)
        record(28, addresses.ipv6.data(), 16);
    return out;
}

std::string dnsTypeName(uint16_t type) {
    switch (type) {
    case 1: return "A";
    case 2: return "NS";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 12: return "PTR";
    case 15: return "MX";
    case 16: return "TXT";
    case 28: return "AAAA";
    case 33: return "SRV";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 255: return "ANY";
    default: return "TYPE" + std::to_string(type);
    }
}

}  // namespace vigil::sandbox
