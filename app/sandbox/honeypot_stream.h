// @brief The honeypot's TCP stream parsers: what protocol a client speaks, HTTP requests, TLS SNI.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::sandbox {

enum class StreamKind { NeedMore, Http, Tls, Other };

/// Decides from the first bytes a client sent; NeedMore while they are a prefix of an HTTP method.
StreamKind classifyStream(std::string_view first);

struct HttpRequest {
    std::string method, target, host;
    std::string headers;         ///< the header lines as sent, CRLF-separated, without the request line
    size_t headEnd = 0;          ///< offset of the body
    size_t contentLength = 0;
    bool chunked = false;
};

/// Parses the request head once it is complete ("\r\n\r\n" seen); nullopt before that.
std::optional<HttpRequest> parseHttpHead(std::string_view buf);

/// True when the body of `req` has fully arrived in `buf` (chunked: the last chunk seen).
bool httpBodyComplete(const HttpRequest& req, std::string_view buf);

/// The honeypot's reply: 200 with a small page, as a typical nginx-fronted site would send.
std::string httpResponse();

struct ClientHello {
    enum Status { NeedMore, Done, Malformed } status = NeedMore;
    std::string serverName;  ///< empty when the hello carries no SNI
};

/// Parses the first TLS record (a ClientHello) for the server_name extension (RFC 6066 §3).
ClientHello parseClientHello(std::string_view buf);

}  // namespace vigil::sandbox
