// @brief Registry URL helpers: parse http(s) URLs, npm "nerf darts", and credential-free URLs for messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil::engine::resolve {

/// The parts of an http(s) URL that decide where a request goes.
struct UrlParts {
    std::string scheme;  ///< "http" or "https", lower case
    std::string host;    ///< lower case; IPv6 literals keep their brackets
    std::string port;    ///< empty when it is the scheme's default port
    std::string path;    ///< always starts with '/', still percent-encoded; no query or fragment

    /// "host" or "host:port", as npm's URL.host.
    [[nodiscard]] std::string hostPort() const { return port.empty() ? host : host + ":" + port; }
};

/// Parses an absolute http:// or https:// URL; anything else (other schemes, garbage) is nullopt.
std::optional<UrlParts> parseUrl(std::string_view url);

/// npm's "nerf dart" of a URL: "//host[:port]/path/" up to the last '/', no scheme, credentials,
/// query or fragment. The key under which .npmrc stores credentials for a registry.
/// Empty when the URL cannot be parsed.
std::string nerfDart(std::string_view url);

/// The URL without "user:password@", for error messages and logs (never print a credential).
std::string redactUrl(std::string_view url);

/// `url` with exactly one trailing '/'.
std::string withTrailingSlash(std::string url);

}  // namespace vigil::engine::resolve
