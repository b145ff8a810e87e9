// Stream parsers for the honeypot. They see attacker-controlled bytes: every offset is checked
// against the buffer, and nothing here allocates more than the input's size.
#include "app/sandbox/honeypot_stream.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace vigil::sandbox {
namespace {

constexpr std::string_view kMethods[] = {"GET ",   "POST ",    "PUT ",     "HEAD ",  "DELETE ",
                                         "PATCH ", "OPTIONS ", "CONNECT ", "TRACE "};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

/// Big-endian reader that turns every overrun into a flag instead of a read.
struct Cursor {
    std::string_view b;
    size_t off = 0;
    bool overrun = false;
    uint32_t take(size_t n) {
        if (off + n > b.size()) {
            overrun = true;
            off = b.size();
            return 0;
        }
        uint32_t v = 0;
        for (size_t i = 0; i < n; ++i)
            v = v << 8 | static_cast<uint8_t>(b[off + i]);
        off += n;
        return v;
    }
    void skip(size_t n) {
        if (off + n > b.size()) {
            overrun = true;
            off = b.size();
        } else {
            off += n;
        }
    }
};

}  // namespace

StreamKind classifyStream(std::string_view first) {
    if (first.empty())
        return StreamKind::NeedMore;
    // A TLS handshake record: content type 22, then major version 3.
    if (static_cast<uint8_t>(first[0]) == 0x16)
        return first.size() < 2 ? StreamKind::NeedMore
               : first[1] == 0x03 ? StreamKind::Tls
                                  : StreamKind::Other;
    bool prefix = false;
    for (std::string_view m : kMethods) {
        if (first.size() >= m.size() && first.substr(0, m.size()) == m)
            return StreamKind::Http;
        if (first.size() < m.size() && m.substr(0, first.size()) == first)
            prefix = true;
    }
    return prefix ? StreamKind::NeedMore : StreamKind::Other;
}

std::optional<HttpRequest> parseHttpHead(std::string_view buf) {
    const size_t end = buf.find("\r\n\r\n");
    if (end == std::string_view::npos)
        return std::nullopt;
    HttpRequest r;
    r.headEnd = end + 4;
    const size_t lineEnd = buf.find("\r\n");
    const std::string_view line = buf.substr(0, lineEnd);
    const size_t sp1 = line.find(' ');
    const size_t sp2 = line.find(' ', sp1 + 1);
    r.method = std::string(line.substr(0, sp1));
    if (sp1 != std::string_view::npos)
        r.target = std::string(line.substr(sp1 + 1, sp2 == std::string_view::npos ? std::string_view::npos : sp2 - sp1 - 1));
    r.headers = lineEnd + 2 <= end ? std::string(buf.substr(lineEnd + 2, end - lineEnd - 2)) : std::string();
    std::string_view rest = r.headers;
    while (!rest.empty()) {
        const size_t nl = rest.find("\r\n");
        const std::string_view h = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 2);
        const size_t colon = h.find(':');
        if (colon == std::string_view::npos)
            continue;
        const std::string name = lower(trim(h.substr(0, colon)));
        const std::string_view value = trim(h.substr(colon + 1));
        if (name == "host") {
            r.host = std::string(value);
        } else if (name == "content-length") {
            size_t n = 0;
            for (char c : value) {
                if (c < '0' || c > '9' || n > (1ull << 40))
                    break;
                n = n * 10 + static_cast<size_t>(c - '0');
            }
            r.contentLength = n;
        } else if (name == "transfer-encoding" && lower(value).find("chunked") != std::string::npos) {
            r.chunked = true;
        }
    }
    return r;
}

bool httpBodyComplete(const HttpRequest& req, std::string_view buf) {
    const size_t have = buf.size() > req.headEnd ? buf.size() - req.headEnd : 0;
    if (req.chunked)
        return buf.substr(req.headEnd).find("0\r\n\r\n") != std::string_view::npos;
    return have >= req.contentLength;
}

std::string httpResponse() {
    const std::string body = "<!DOCTYPE html>\n<html><head><title>Welcome</title></head>\n"
                             "<body><h1>Welcome</h1><p>It works.</p></body></html>\n";
    return "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

ClientHello parseClientHello(std::string_view buf) {
    ClientHello out;
    Cursor c{buf};
    if (c.take(1) != 0x16)
        return {ClientHello::Malformed, {}};
    c.skip(2);  // record version
    const uint32_t recordLen = c.take(2);
    if (c.overrun)
        return out;
    if (buf.size() < 5 + recordLen)
        return out;  // NeedMore: a ClientHello fits in one record in practice (≤ 16 KiB)
    Cursor h{buf.substr(5, recordLen)};
    if (h.take(1) != 0x01)
        return {ClientHello::Malformed, {}};
    h.skip(3 + 2 + 32);        // handshake length, client version, random
    h.skip(h.take(1));         // session id
    h.skip(h.take(2));         // cipher suites
    h.skip(h.take(1));         // compression methods
    if (h.overrun)
        return {ClientHello::Malformed, {}};
    if (h.off == h.b.size())
        return {ClientHello::Done, {}};  // no extensions at all
    const size_t extEnd = std::min(h.b.size(), h.off + 2 + h.take(2));
    while (!h.overrun && h.off + 4 <= extEnd) {
        const uint32_t type = h.take(2);
        const uint32_t len = h.take(2);
        if (type != 0) {
            h.skip(len);
            continue;
        }
        Cursor s{h.b.substr(h.off, std::min<size_t>(len, h.b.size() - h.off))};
        s.skip(2);  // server name list length
        while (!s.overrun && s.off < s.b.size()) {
            const uint32_t nameType = s.take(1);
            const uint32_t nameLen = s.take(2);
            if (s.overrun || s.off + nameLen > s.b.size())
                break;
            if (nameType == 0)
                return {ClientHello::Done, std::string(s.b.substr(s.off, nameLen))};
            s.skip(nameLen);
        }
        return {ClientHello::Malformed, {}};
    }
    return {h.overrun ? ClientHello::Malformed : ClientHello::Done, {}};
}

}  // namespace vigil::sandbox
