// The honeypot process: one poll loop in the honeypot's network namespace, where the AnyIP routes
// make every IPv4 and IPv6 address local. Every socket below exists once per family. What it serves:
//   - DNS on UDP and TCP port 53 of any address: every name resolves to the honeypot's answer (A
//     and AAAA); UDP replies leave from the address the client asked (IP_PKTINFO /
//     IPV6_PKTINFO), as a real resolver's do;
//   - TCP on every port of every address: one catch-all listener that the namespace's sk_lookup
//     program (honeypot_steering.cpp) hands each connection to; DNS over TCP keeps port 53's own;
//   - on each TCP connection: HTTP (method, host, path, headers, body; answered by an emulation
//     that reveals intent — npm registry, GitHub API, geo-IP, downloads — or a generic 200
//     page, honeypot_emulation.cpp); TLS: the
//     ClientHello's SNI is recorded at once, then the session is terminated with a leaf
//     certificate signed by the run's CA (honeypot_tls.cpp) and what the client sends inside is
//     recorded exactly like plain HTTP (or as first bytes); anything else: the first bytes;
//   - a raw UDP socket records the first bytes of datagrams to ports other than 53.
// IPv4 and IPv6 sockets are separate (IPV6_V6ONLY), so an IPv4 client is never seen as a mapped
// IPv6 address.
// Every record is bounded; after kMaxEvents they are counted, not sent.
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <bpf/bpf.h>
#include <grp.h>
#include <memory>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <string>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "app/sandbox/die.h"
#include "app/sandbox/honeypot.h"
#include "app/sandbox/honeypot_address.h"
#include "app/sandbox/honeypot_dns.h"
#include "app/sandbox/honeypot_emulation.h"
#include "app/sandbox/honeypot_stream.h"
#include "app/sandbox/honeypot_tarball.h"
#include "app/sandbox/honeypot_tls.h"
#include "app/sandbox/network.h"
#include "app/sandbox/protocol.h"
#include "app/sandbox/run_plan.h"
#include "app/sandbox/seccomp_filter.h"

namespace vigil::sandbox {
namespace {

constexpr size_t kMaxConnections = 256;
constexpr size_t kMaxEvents = 10000;
constexpr size_t kConnCap = 8192 + VIGIL_NET_MAX_DATA;  // an HTTP head plus a body's worth
constexpr size_t kFirstBytes = 4096;                     // kept of a stream we do not understand
constexpr size_t kTextCap = 8192;
constexpr uint64_t kIdleNs = 1000000000ull;              // quiet after data: record what came
constexpr uint64_t kSilentNs = 3000000000ull;            // never spoke (waits for a banner)
// A request body past the record cap is read and discarded up to this much, so a large upload
// (an npm publish of a bundled worm) completes and gets its answer instead of a reset.
constexpr size_t kDrainCap = 64u << 20;

struct Conn {
    int fd = -1;
    Endpoint src, dst;
    std::string buf;                 ///< bytes received; for a TLS connection, only until the hello is parsed
    size_t seen = 0;                 ///< bytes received in clear, including those past the cap
    std::unique_ptr<TlsStream> tls;  ///< set once the ClientHello is in: the decrypted bytes live there
    std::string out;                 ///< ciphertext the socket did not take yet
    bool spoke = false;              ///< the client sent anything at all
    bool sniRecorded = false;
    bool truncated = false;
    uint64_t opened = 0, last = 0;
};

class Server {
public:
    Server(int events, TlsInterceptor& tls, const EmulationSettings& settings)
        : events_(events), tls_(tls), settings_(settings) {}

    /// Opens every socket; `catchAllMap` is the steering program's sockmap (closed here).
    void open(int catchAllMap) {
        const int on = 1;
        // Slot 0 of the steering map holds the IPv4 catch-all, slot 1 the IPv6 one (any_port.bpf.c).
        for (const int family : {AF_INET, AF_INET6}) {
            if (family == AF_INET6 && !ipv6Available())
                continue;  // the run has no IPv6 at all (network.cpp sets none up either)
            const char* const fam = family == AF_INET ? "IPv4" : "IPv6";
            // Port 53 for DNS over TCP; port 0 (any free one) for the catch-all, which the steering
            // program hands every other connection to, whatever port it was sent to.
            for (uint16_t port : {uint16_t{53}, uint16_t{0}}) {
                const int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                if (fd < 0)
                    die("socket", std::string("honeypot ") + fam + " TCP listener");
                bindAny(fd, family, port, "honeypot TCP listener");
                if (listen(fd, 128) != 0)
                    die("listen", std::string("honeypot ") + fam + " TCP port " + std::to_string(port));
                listeners_.push_back(fd);
            }
            const uint32_t slot = family == AF_INET ? 0 : 1;
            const uint64_t catchAll = static_cast<uint64_t>(listeners_.back());
            if (bpf_map_update_elem(catchAllMap, &slot, &catchAll, BPF_ANY) != 0)
                die("bpf", std::string("insert the ") + fam + " catch-all listener into the steering map");

            const int dns = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (dns < 0)
                die("socket", std::string("honeypot ") + fam + " DNS");
            // The destination each query was sent to: the reply must come from it.
            const bool pktinfo = family == AF_INET ? setsockopt(dns, IPPROTO_IP, IP_PKTINFO, &on, sizeof on) == 0
                                                   : setsockopt(dns, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on) == 0;
            if (!pktinfo)
                die("setsockopt", std::string("packet info on the honeypot ") + fam + " DNS socket");
            // IPv6 checks a reply's source address against the interfaces' addresses, not the
            // AnyIP route: without freebind, answering from the resolver asked is refused (EINVAL).
            if (family == AF_INET6 && setsockopt(dns, IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof on) != 0)
                die("setsockopt", "IPV6_FREEBIND on the honeypot IPv6 DNS socket", "needs Linux 4.15 or later");
            bindAny(dns, family, 53, "honeypot DNS");
            dns_.push_back(dns);

            const int raw = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
            if (raw < 0)
                die("socket", std::string("honeypot ") + fam + " raw UDP recorder");
            // An IPv6 raw socket gets no IP header: the destination comes as packet info.
            if (family == AF_INET6 && setsockopt(raw, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on) != 0)
                die("setsockopt", "IPV6_RECVPKTINFO on the honeypot IPv6 raw UDP recorder");
            rawUdp_.push_back(raw);
        }
        close(catchAllMap);
    }

    /// Serves until the helper closes its end; then records what is still open and exits.
    [[noreturn]] void run() {
        for (;;) {
            const int n = pollOnce(200);
            if (stopping_) {
                // Drain what the run sent before it ended: pending accepts, datagrams, bytes.
                for (int i = 0; i < 50 && n >= 0 && pollOnce(0) > 0; ++i) {
                }
                for (Conn& c : conns_)
                    finish(c);
                if (dropped_ > 0)
                    emit(VIGIL_NET_DROPPED, {}, {}, {std::to_string(dropped_)}, {}, false, true);
                _exit(0);
            }
            expire();
        }
    }

private:
    static void bindAny(int fd, int family, uint16_t port, const char* what) {
        const int on = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (family == AF_INET6) {
            // IPv6 only: IPv4 has sockets of its own, and a mapped ::ffff:a.b.c.d would hide
            // which family the package used.
            if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0)
                die("setsockopt", std::string("IPV6_V6ONLY on the ") + what);
            sockaddr_in6 a{};
            a.sin6_family = AF_INET6;
            a.sin6_port = htons(port);
            a.sin6_addr = in6addr_any;
            if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
                die("bind", std::string(what) + " [::]:" + std::to_string(port));
            return;
        }
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_ANY);
        if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
            die("bind", std::string(what) + " 0.0.0.0:" + std::to_string(port));
    }

    static uint64_t now() { return monotonicNs(); }

    void emit(uint32_t kind, Endpoint src, Endpoint dst, const std::vector<std::string>& texts, std::string_view data,
              bool truncated, bool force = false) {
        if (sent_ >= kMaxEvents && !force) {
            ++dropped_;
            return;
        }
        ++sent_;
        vigil_net_event e{};
        timespec ts{};
        clock_gettime(CLOCK_REALTIME, &ts);
        e.time_ns = static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
        e.kind = kind;
        e.family = dst.family;
        std::memcpy(e.src_addr, src.addr.data(), sizeof e.src_addr);
        std::memcpy(e.dst_addr, dst.addr.data(), sizeof e.dst_addr);
        e.src_port = src.port;
        e.dst_port = dst.port;
        std::string area;
        for (const std::string& t : texts) {
            std::string s = t.substr(0, kTextCap);
            for (char& ch : s)
                if (ch == '\0')
                    ch = '?';  // the wire format separates texts by NUL
            area += s;
            area.push_back('\0');
        }
        e.text_count = static_cast<uint32_t>(texts.size());
        e.text_bytes = static_cast<uint32_t>(area.size());
        const size_t keep = std::min<size_t>(data.size(), VIGIL_NET_MAX_DATA);
        e.data_len = static_cast<uint32_t>(keep);
        e.data_truncated = truncated || keep < data.size() ? 1u : 0u;
        std::string packet(reinterpret_cast<const char*>(&e), sizeof e);
        packet += area;
        packet.append(data.data(), keep);
        if (send(events_, packet.data(), packet.size(), MSG_NOSIGNAL) < 0)
            _exit(0);  // the helper is gone: nothing left to report to
    }

    int pollOnce(int timeoutMs) {
        std::vector<pollfd> fds = {{events_, POLLIN, 0}};
        for (int d : dns_)
            fds.push_back({d, POLLIN, 0});
        for (int r : rawUdp_)
            fds.push_back({r, POLLIN, 0});
        const size_t listenerBase = fds.size();
        for (int l : listeners_)
            fds.push_back({l, POLLIN, 0});
        const size_t connBase = fds.size();
        for (const Conn& c : conns_)
            fds.push_back({c.fd, POLLIN, 0});
        const int n = poll(fds.data(), fds.size(), timeoutMs);
        if (n <= 0)
            return n;
        if (fds[0].revents != 0) {
            char b;
            if (recv(events_, &b, 1, MSG_DONTWAIT) == 0 || (fds[0].revents & (POLLHUP | POLLERR)))
                stopping_ = true;
        }
        for (size_t i = 0; i < dns_.size(); ++i)
            if (fds[1 + i].revents & POLLIN)
                serveDns(dns_[i]);
        for (size_t i = 0; i < rawUdp_.size(); ++i)
            if (fds[1 + dns_.size() + i].revents & POLLIN)
                recordDatagram(rawUdp_[i]);
        for (size_t i = 0; i < listeners_.size(); ++i)
            if (fds[listenerBase + i].revents & POLLIN)
                acceptFrom(listeners_[i]);
        // Conns accepted above are not in fds; iterate only over those polled.
        const size_t polled = fds.size() - connBase;
        std::vector<int> done;
        for (size_t i = 0; i < polled; ++i)
            if (fds[connBase + i].revents != 0 && readConn(conns_[i]))
                done.push_back(conns_[i].fd);
        removeConns(done);
        return n;
    }

    void serveDns(int sock) {
        const DnsAnswerAddresses answers = honeypotAnswers();
        uint8_t buf[1500];
        while (auto d = receiveDatagram(sock, buf)) {
            const size_t n = std::min(d->length, sizeof buf);
            const Endpoint src = fromSockaddr(d->from);
            Endpoint to = d->to;
            to.port = 53;
            const auto q = parseDnsQuery(buf, n);
            if (!q) {
                emit(VIGIL_NET_UDP, src, to, {}, std::string_view(reinterpret_cast<char*>(buf), n), false);
                continue;
            }
            emit(VIGIL_NET_DNS, src, to, {q->name, dnsTypeName(q->type)}, {}, false);
            replyDatagram(sock, buildDnsAnswer(buf, *q, answers), *d, to);  // from the address that was asked
        }
    }

    void recordDatagram(int sock) {
        uint8_t buf[2048];
        while (auto d = receiveDatagram(sock, buf, MSG_TRUNC)) {
            const sockaddr_storage& from = d->from;
            const size_t n = d->length;
            const size_t got = std::min(n, sizeof buf);
            Endpoint src, dst;
            size_t payload = 0;
            if (from.ss_family == AF_INET6) {
                // IPv6 raw sockets start at the UDP header; addresses come from the socket API.
                if (got < sizeof(udphdr))
                    continue;
                uint16_t ports[2];
                std::memcpy(ports, buf, sizeof ports);
                src = fromSockaddr(from);
                src.port = ntohs(ports[0]);
                dst = d->to;
                dst.port = ntohs(ports[1]);
                payload = sizeof(udphdr);
            } else if (!parseIpv4Transport(buf, got, sizeof(udphdr), src, dst, payload)) {
                continue;
            }
            if (dst.port == 53)
                continue;  // port 53 is the DNS socket's
            emit(VIGIL_NET_UDP, src, dst, {}, std::string_view(reinterpret_cast<char*>(buf) + payload, got - payload),
                 n > got);
        }
    }

    void acceptFrom(int listener) {
        for (;;) {
            sockaddr_storage peer{}, local{};
            socklen_t len = sizeof peer;
            const int fd = accept4(listener, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
                return;
            len = sizeof local;
            getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);  // the address the client dialled
            if (conns_.size() >= kMaxConnections) {
                emit(VIGIL_NET_TCP, fromSockaddr(peer), fromSockaddr(local), {}, {}, false);
                close(fd);
                continue;
            }
            Conn c;
            c.fd = fd;
            c.src = fromSockaddr(peer);
            c.dst = fromSockaddr(local);
            c.opened = c.last = now();
            conns_.push_back(std::move(c));
        }
    }

    /// Reads what is there and advances the connection; true when it is finished.
    bool readConn(Conn& c) {
        char chunk[8192];
        for (;;) {
            const ssize_t n = recv(c.fd, chunk, sizeof chunk, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                return finish(c), true;
            if (n < 0)
                break;
            c.spoke = true;
            c.last = now();
            if (c.tls) {
                // Ciphertext is never cut: the session decrypts it and keeps what fits of the plain.
                c.buf.append(chunk, static_cast<size_t>(n));
                if (c.buf.size() >= kConnCap)
                    break;  // fed to the session now; the rest is read on the next poll
                continue;
            }
            const size_t room = kConnCap - std::min(kConnCap, c.buf.size());
            c.buf.append(chunk, std::min(room, static_cast<size_t>(n)));
            c.seen += static_cast<size_t>(n);
            if (static_cast<size_t>(n) > room) {
                c.truncated = true;
                // Only an HTTP request whose head is in keeps being read (and discarded).
                const bool http = classifyStream(c.buf) == StreamKind::Http && parseHttpHead(c.buf);
                if (!http || c.seen > kDrainCap)
                    return finish(c), true;
            }
        }
        return advance(c);
    }

    /// Acts once a message is complete; true when the connection is finished.
    bool advance(Conn& c) {
        if (c.dst.port == 53)
            return serveDnsStream(c);
        if (c.tls)  // past the ClientHello, every byte is a TLS record for the session
            return advanceTls(c);
        switch (classifyStream(c.buf)) {
        case StreamKind::NeedMore:
            return false;
        case StreamKind::Http:
            return requestComplete(c.buf, c.seen, c.truncated) ? (finish(c), true) : false;
        case StreamKind::Tls: {
            const ClientHello hello = parseClientHello(c.buf);
            if (hello.status == ClientHello::NeedMore)
                return false;
            // Recorded now: a client that refuses our certificate sends nothing more.
            recordSni(c, hello.serverName);
            if (hello.status == ClientHello::Malformed || !(c.tls = tls_.accept(hello.serverName, c.dst.bytes())))
                return finish(c), true;
            return advanceTls(c);
        }
        case StreamKind::Other:
            if (c.buf.size() < kFirstBytes)
                return false;
            c.truncated = true;
            return finish(c), true;
        }
        return false;
    }

    void recordSni(Conn& c, const std::string& serverName) {
        emit(VIGIL_NET_TLS_SNI, c.src, c.dst, {serverName}, std::string_view(c.buf).substr(0, 512), c.buf.size() > 512);
        c.sniRecorded = true;
    }

    /// Inside an intercepted TLS session: hands the received ciphertext to OpenSSL, sends what it
    /// answers, and finishes once the decrypted request is complete (as for plain HTTP).
    bool advanceTls(Conn& c) {
        const bool alive = c.tls->feed(c.buf, kConnCap);
        c.buf.clear();
        flush(c);
        if (!alive)
            return finish(c), true;  // refused (pinned or unknown CA): the SNI record stands alone
        const std::string& plain = c.tls->plain;
        c.truncated = c.truncated || c.tls->plainTruncated;
        const StreamKind kind = classifyStream(plain);
        if (c.tls->plainTruncated && (kind != StreamKind::Http || c.tls->plainSeen > kDrainCap))
            return finish(c), true;
        switch (kind) {
        case StreamKind::NeedMore:
            return false;
        case StreamKind::Http:
            return requestComplete(plain, c.tls->plainSeen, c.tls->plainTruncated) ? (finish(c), true) : false;
        case StreamKind::Tls:
        case StreamKind::Other:
            return plain.size() >= kFirstBytes ? (finish(c), true) : false;
        }
        return false;
    }

    /// True once the request in `app` (of which `seen` bytes arrived, the kept part cut short when
    /// `truncated`) has fully arrived: its head, and its body by Content-Length or final chunk.
    static bool requestComplete(std::string_view app, size_t seen, bool truncated) {
        const auto head = parseHttpHead(app);
        if (!head)
            return truncated;  // a head longer than the cap: give up on it
        if (!truncated)
            return httpBodyComplete(*head, app);
        // Past the cap the body is counted, not kept; a chunked one ends when the client goes quiet.
        return !head->chunked && seen >= head->headEnd + head->contentLength;
    }

    /// Sends pending ciphertext. The replies are a few KiB against a socket buffer of hundreds:
    /// what does not fit now goes on the next event or is dropped at close.
    void flush(Conn& c) {
        if (c.tls)
            c.out += c.tls->takeOutput();
        while (!c.out.empty()) {
            const ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n <= 0)
                break;
            c.out.erase(0, static_cast<size_t>(n));
        }
    }

    /// DNS over TCP: two-byte length, then a query; any number per connection.
    bool serveDnsStream(Conn& c) {
        while (c.buf.size() >= 2) {
            const size_t len = static_cast<uint8_t>(c.buf[0]) << 8 | static_cast<uint8_t>(c.buf[1]);
            if (c.buf.size() < 2 + len)
                return false;
            const auto* msg = reinterpret_cast<const uint8_t*>(c.buf.data() + 2);
            const auto q = parseDnsQuery(msg, len);
            if (!q)
                return finish(c), true;
            emit(VIGIL_NET_DNS, c.src, c.dst, {q->name, dnsTypeName(q->type)}, {}, false);
            const std::vector<uint8_t> answer = buildDnsAnswer(msg, *q, honeypotAnswers());
            std::string out(2, '\0');
            out[0] = static_cast<char>(answer.size() >> 8);
            out[1] = static_cast<char>(answer.size());
            out.append(reinterpret_cast<const char*>(answer.data()), answer.size());
            (void)send(c.fd, out.data(), out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            c.buf.erase(0, 2 + len);
        }
        return false;
    }

    /// Records the connection as far as it got, answers HTTP, and marks it for closing.
    void finish(Conn& c) {
        if (c.fd < 0)
            return;
        // What the client said: in clear, or decrypted from its TLS session.
        const std::string_view app = c.tls ? std::string_view(c.tls->plain) : std::string_view(c.buf);
        const StreamKind kind = classifyStream(app);
        const auto head = kind == StreamKind::Http ? parseHttpHead(app) : std::nullopt;
        if (c.dst.port == 53 && c.buf.empty() && !c.tls) {
            // A DNS stream that ended cleanly: its queries are recorded already.
        } else if (head) {
            const std::string_view body = app.substr(head->headEnd);
            const HttpReply reply = emulateHttp(*head, body, c.tls != nullptr, settings_);
            if (c.tls) {
                c.tls->write(reply.response);
                c.tls->close();
            } else {
                c.out += reply.response;
            }
            flush(c);
            const bool cut = c.truncated || (!head->chunked && body.size() < head->contentLength);
            std::vector<std::string> texts = {head->method, head->host,          head->target, head->headers,
                                              c.tls ? "https" : "http", reply.emulation, reply.detail,
                                              reply.served.empty() ? std::string()
                                                                   : sha256Hex(reply.served) + " " + std::to_string(reply.served.size())};
            emit(VIGIL_NET_HTTP, c.src, c.dst, texts, body, cut);
        } else if (c.tls) {
            // A session that carried something other than HTTP: its first decrypted bytes.
            if (!app.empty())
                emit(VIGIL_NET_TCP, c.src, c.dst, {"tls"}, app.substr(0, kFirstBytes),
                     c.truncated || app.size() > kFirstBytes);
        } else if (kind == StreamKind::Tls) {
            if (!c.sniRecorded)
                recordSni(c, parseClientHello(c.buf).serverName);
        } else {
            emit(VIGIL_NET_TCP, c.src, c.dst, {}, app.substr(0, kFirstBytes), c.truncated || app.size() > kFirstBytes);
        }
        close(c.fd);
        c.fd = -1;
    }

    void expire() {
        const uint64_t t = now();
        std::vector<int> done;
        for (Conn& c : conns_) {
            const bool idle = c.spoke && t - c.last > kIdleNs;
            const bool silent = !c.spoke && t - c.opened > kSilentNs;
            if (idle || silent) {
                done.push_back(c.fd);
                finish(c);
            }
        }
        removeConns(done);
    }

    void removeConns(const std::vector<int>& fds) {
        if (fds.empty())
            return;
        std::vector<Conn> keep;
        for (Conn& c : conns_) {
            bool gone = c.fd < 0;
            for (int fd : fds)
                gone = gone || c.fd == fd;
            if (!gone)
                keep.push_back(std::move(c));
        }
        conns_ = std::move(keep);
    }

    int events_;
    TlsInterceptor& tls_;
    const EmulationSettings& settings_;
    std::vector<int> dns_, rawUdp_;  // one per family: IPv4, IPv6
    std::vector<int> listeners_;
    std::vector<Conn> conns_;
    size_t sent_ = 0, dropped_ = 0;
    bool stopping_ = false;
};

}  // namespace

void serveHoneypot(int events, uid_t uid, gid_t gid, const RunCa& ca, int catchAllMap, const EmulationSettings& settings) {
    // OpenSSL reads its configuration on first use: while the files are still reachable.
    TlsInterceptor tls(ca);
    Server server(events, tls, settings);
    server.open(catchAllMap);
    // Everything privileged is done: the sockets exist. From here the process handles hostile
    // bytes, so it keeps nothing: an unprivileged id of its own, no capabilities, no way back.
    if (chdir("/") != 0)
        die("chdir", "/");
    if (setgroups(0, nullptr) != 0)
        die("setgroups", "honeypot");
    if (setresgid(gid, gid, gid) != 0)
        die("setresgid", "honeypot " + std::to_string(gid));
    if (setresuid(uid, uid, uid) != 0)  // from root to non-root: the capability sets are cleared
        die("setresuid", "honeypot " + std::to_string(uid));
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        die("prctl", "PR_SET_NO_NEW_PRIVS in the honeypot");
    loadSeccompFilter(buildSeccompFilter());
    if (send(events, "R", 1, MSG_NOSIGNAL) != 1)
        _exit(0);
    server.run();
}

}  // namespace vigil::sandbox
