// The honeypot's parsers see hostile bytes: DNS queries, HTTP heads, TLS ClientHellos. They must
// extract what the analysis needs and never read past what they were given (ASan in CI).
#include <arpa/inet.h>
#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "app/sandbox/honeypot_dns.h"
#include "app/sandbox/honeypot_stream.h"
#include "app/sandbox/protocol.h"
#include "engine/sandbox/protocol_codec.h"

namespace vigil::test {
namespace {

using namespace vigil::sandbox;
namespace sbx = vigil::engine::sandbox;

std::vector<uint8_t> dnsQuery(const std::string& name, uint16_t type) {
    std::vector<uint8_t> q = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    size_t start = 0;
    while (start <= name.size()) {
        const size_t dot = std::min(name.find('.', start), name.size());
        q.push_back(static_cast<uint8_t>(dot - start));
        q.insert(q.end(), name.begin() + static_cast<std::ptrdiff_t>(start), name.begin() + static_cast<std::ptrdiff_t>(dot));
        start = dot + 1;
    }
    q.push_back(0);
    q.push_back(static_cast<uint8_t>(type >> 8));
    q.push_back(static_cast<uint8_t>(type));
    q.push_back(0);
    q.push_back(1);
    return q;
}

TEST(HoneypotDns, EveryNameGetsTheHoneypotAddress) {
    const auto q = dnsQuery("exfil-6a6b.attacker.example", 1);
    const auto parsed = parseDnsQuery(q.data(), q.size());
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->name, "exfil-6a6b.attacker.example");
    EXPECT_EQ(dnsTypeName(parsed->type), "A");
    DnsAnswerAddresses addrs;
    inet_pton(AF_INET, "104.18.32.7", addrs.ipv4.data());
    inet_pton(AF_INET6, "2606:4700::6812:2007", addrs.ipv6.data());
    const auto answer = buildDnsAnswer(q.data(), *parsed, addrs);
    ASSERT_EQ(answer.size(), q.size() + 16);
    EXPECT_EQ(answer[0], 0x12);  // same id
    EXPECT_EQ(answer[2] & 0x80, 0x80);  // a response
    EXPECT_EQ(answer[7], 1);  // one answer
    EXPECT_EQ(std::memcmp(answer.data() + answer.size() - 4, "\x68\x12\x20\x07", 4), 0);
    // AAAA: the honeypot's IPv6 address, so an IPv6-only client reaches it too.
    const auto q6 = dnsQuery("example.com", 28);
    const auto answer6 = buildDnsAnswer(q6.data(), *parseDnsQuery(q6.data(), q6.size()), addrs);
    ASSERT_EQ(answer6.size(), q6.size() + 28);
    EXPECT_EQ(answer6[7], 1);
    EXPECT_EQ(answer6[answer6.size() - 18], 0);  // RDLENGTH 16, type 28
    EXPECT_EQ(answer6[answer6.size() - 17], 16);
    EXPECT_EQ(std::memcmp(answer6.data() + answer6.size() - 16, addrs.ipv6.data(), 16), 0);
    // ANY: both; TXT: none.
    const auto qAny = dnsQuery("example.com", 255);
    EXPECT_EQ(buildDnsAnswer(qAny.data(), *parseDnsQuery(qAny.data(), qAny.size()), addrs)[7], 2);
    const auto qTxt = dnsQuery("example.com", 16);
    EXPECT_EQ(buildDnsAnswer(qTxt.data(), *parseDnsQuery(qTxt.data(), qTxt.size()), addrs).size(), qTxt.size());
}

TEST(HoneypotDns, ResponsesTruncationsAndPointersAreRefused) {
    auto q = dnsQuery("example.com", 1);
    for (size_t n = 0; n < q.size(); ++n)
        EXPECT_FALSE(parseDnsQuery(q.data(), n)) << n;
    q[2] |= 0x80;
    EXPECT_FALSE(parseDnsQuery(q.data(), q.size()));
    auto p = dnsQuery("example.com", 1);
    p[12] = 0xc0;  // a compression pointer in the question
    EXPECT_FALSE(parseDnsQuery(p.data(), p.size()));
}

TEST(HoneypotStream, HttpRequestsAreRecognisedAndParsed) {
    EXPECT_EQ(classifyStream("PO"), StreamKind::NeedMore);
    EXPECT_EQ(classifyStream("POST /"), StreamKind::Http);
    EXPECT_EQ(classifyStream("SSH-2.0-OpenSSH"), StreamKind::Other);
    EXPECT_EQ(classifyStream(std::string("\x16\x03\x01", 3)), StreamKind::Tls);
    const std::string req = "POST /collect?x=1 HTTP/1.1\r\nHost: c2.example\r\nContent-Length: 5\r\n\r\nhel";
    const auto head = parseHttpHead(req);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->method, "POST");
    EXPECT_EQ(head->target, "/collect?x=1");
    EXPECT_EQ(head->host, "c2.example");
    EXPECT_EQ(head->headers, "Host: c2.example\r\nContent-Length: 5");
    EXPECT_FALSE(httpBodyComplete(*head, req));
    EXPECT_TRUE(httpBodyComplete(*head, req + "lo"));
    EXPECT_FALSE(parseHttpHead("GET / HTTP/1.1\r\nHost: x\r\n"));
    EXPECT_NE(httpResponse().find("200 OK"), std::string::npos);
}

/// A minimal ClientHello carrying `sni` (or no extension when empty).
std::string clientHello(const std::string& sni) {
    std::string ext;
    if (!sni.empty()) {
        const size_t n = sni.size();
        ext = std::string{0, 0, static_cast<char>((n + 5) >> 8), static_cast<char>(n + 5), static_cast<char>((n + 3) >> 8),
                          static_cast<char>(n + 3), 0, static_cast<char>(n >> 8), static_cast<char>(n)} + sni;
    }
    std::string body = std::string{3, 3} + std::string(32, 'r') + std::string{0, 0, 2, 0x13, 0x01, 1, 0};
    body += std::string{static_cast<char>(ext.size() >> 8), static_cast<char>(ext.size())} + ext;
    std::string hs = std::string{1, 0, static_cast<char>(body.size() >> 8), static_cast<char>(body.size())} + body;
    return std::string{0x16, 3, 1, static_cast<char>(hs.size() >> 8), static_cast<char>(hs.size())} + hs;
}

TEST(HoneypotStream, TlsServerNameIsExtracted) {
    const std::string hello = clientHello("secure.example.test");
    for (size_t n = 0; n < hello.size(); ++n)
        EXPECT_EQ(parseClientHello(hello.substr(0, n)).status, n == 0 ? ClientHello::Malformed : ClientHello::NeedMore) << n;
    const ClientHello parsed = parseClientHello(hello);
    EXPECT_EQ(parsed.status, ClientHello::Done);
    EXPECT_EQ(parsed.serverName, "secure.example.test");
    EXPECT_EQ(parseClientHello(clientHello("")).serverName, "");
}

TEST(HoneypotStream, RandomBytesNeverCrashTheParsers) {
    std::mt19937 rng(7);
    for (int i = 0; i < 20000; ++i) {
        std::string b(rng() % 300, '\0');
        for (char& c : b)
            c = static_cast<char>(rng());
        if (i & 1) {
            b.insert(0, clientHello("x.example").substr(0, rng() % 60));
        }
        (void)parseClientHello(b);
        (void)parseHttpHead(b);
        (void)parseDnsQuery(reinterpret_cast<const uint8_t*>(b.data()), b.size());
    }
    SUCCEED();
}

// The layout both ends agree on (protocol version 5: 16-byte addresses with a family).
static_assert(sizeof(vigil_net_event) == 72);
static_assert(offsetof(vigil_net_event, family) == 32);
static_assert(offsetof(vigil_net_event, dst_addr) == 56);
static_assert(VIGIL_SANDBOX_PROTOCOL_VERSION == 7);

std::vector<uint8_t> netEventPacket(const std::vector<std::string>& texts, const std::string& data,
                                    const char* dst = "203.0.113.7") {
    vigil_net_event e{};
    e.kind = VIGIL_NET_HTTP;
    const bool v6 = std::strchr(dst, ':') != nullptr;
    e.family = v6 ? VIGIL_NET_INET6 : VIGIL_NET_INET;
    inet_pton(v6 ? AF_INET6 : AF_INET, dst, e.dst_addr);
    e.dst_port = 80;
    std::string area;
    for (const auto& t : texts)
        area += t + '\0';
    e.text_count = static_cast<uint32_t>(texts.size());
    e.text_bytes = static_cast<uint32_t>(area.size());
    e.data_len = static_cast<uint32_t>(data.size());
    std::vector<uint8_t> p(sizeof(vigil_msg_header) + sizeof e + area.size() + data.size());
    vigil_msg_header h{VIGIL_SANDBOX_MAGIC, VIGIL_SANDBOX_PROTOCOL_VERSION, VIGIL_MSG_NET_EVENT,
                       static_cast<uint32_t>(p.size() - sizeof h), 0};
    std::memcpy(p.data(), &h, sizeof h);
    std::memcpy(p.data() + sizeof h, &e, sizeof e);
    std::memcpy(p.data() + sizeof h + sizeof e, area.data(), area.size());
    std::memcpy(p.data() + sizeof h + sizeof e + area.size(), data.data(), data.size());
    return p;
}

TEST(HoneypotProtocol, NetEventsDecodeAndMalformedOnesAreRejected) {
    const auto p = netEventPacket({"POST", "c2.example", "/x", "Host: c2.example"}, std::string("bo\0dy", 5));
    auto m = sbx::decodeHelperMessage(p);
    ASSERT_TRUE(m.ok()) << m.error().describe();
    const auto& e = std::get<sbx::NetEvent>(*m);
    EXPECT_EQ(e.kind, sbx::NetEvent::Kind::Http);
    EXPECT_EQ(e.dstIp, "203.0.113.7");
    EXPECT_EQ(e.text(2), "/x");
    EXPECT_EQ(e.data, std::string("bo\0dy", 5));
    // Every truncation breaks the lengths; a count that does not match the strings is refused.
    for (size_t n = sizeof(vigil_msg_header); n < p.size(); ++n) {
        auto q = p;
        q.resize(n);
        vigil_msg_header h;
        std::memcpy(&h, q.data(), sizeof h);
        h.length = static_cast<uint32_t>(n - sizeof h);
        std::memcpy(q.data(), &h, sizeof h);
        EXPECT_FALSE(sbx::decodeHelperMessage(q).ok()) << n;
    }
    auto wrongCount = p;
    wrongCount[sizeof(vigil_msg_header) + offsetof(vigil_net_event, text_count)] = 3;
    EXPECT_FALSE(sbx::decodeHelperMessage(wrongCount).ok());
    auto badKind = p;
    badKind[sizeof(vigil_msg_header) + offsetof(vigil_net_event, kind)] = 99;
    EXPECT_FALSE(sbx::decodeHelperMessage(badKind).ok());
    auto badFamily = p;
    badFamily[sizeof(vigil_msg_header) + offsetof(vigil_net_event, family)] = 2;  // AF_INET is not a wire family
    EXPECT_FALSE(sbx::decodeHelperMessage(badFamily).ok());
}

TEST(HoneypotProtocol, Ipv6AddressesDecodeInFull) {
    auto m = sbx::decodeHelperMessage(netEventPacket({"GET", "[2001:db8::7]", "/", ""}, "", "2001:db8:1:2::7"));
    ASSERT_TRUE(m.ok()) << m.error().describe();
    EXPECT_EQ(std::get<sbx::NetEvent>(*m).dstIp, "2001:db8:1:2::7");
}

}  // namespace
}  // namespace vigil::test
