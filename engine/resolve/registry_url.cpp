#include "engine/resolve/registry_url.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace vigil::engine::resolve {
namespace {

struct CurlUrlDeleter {
    void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};
struct CurlFreeDeleter {
    void operator()(char* s) const noexcept { curl_free(s); }
};

std::optional<std::string> urlPart(CURLU* handle, CURLUPart part) {
    char* raw = nullptr;
    if (curl_url_get(handle, part, &raw, 0) != CURLUE_OK || raw == nullptr)
        return std::nullopt;
    std::unique_ptr<char, CurlFreeDeleter> owned(raw);
    return std::string(raw);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

std::optional<UrlParts> parseUrl(std::string_view url) {
    // curl's own parser, so what we key credentials on is exactly where curl will connect.
    std::unique_ptr<CURLU, CurlUrlDeleter> handle(curl_url());
    if (!handle)
        return std::nullopt;
    std::string text(url);
    if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK)
        return std::nullopt;
    UrlParts parts;
    auto scheme = urlPart(handle.get(), CURLUPART_SCHEME);
    auto host = urlPart(handle.get(), CURLUPART_HOST);
    if (!scheme || !host || host->empty())
        return std::nullopt;
    parts.scheme = lower(*scheme);
    if (parts.scheme != "http" && parts.scheme != "https")
        return std::nullopt;
    parts.host = lower(*host);
    if (auto port = urlPart(handle.get(), CURLUPART_PORT)) {
        bool isDefault = (parts.scheme == "https" && *port == "443") || (parts.scheme == "http" && *port == "80");
        if (!isDefault)
            parts.port = *port;
    }
    parts.path = urlPart(handle.get(), CURLUPART_PATH).value_or("/");
    if (parts.path.empty() || parts.path.front() != '/')
        parts.path.insert(parts.path.begin(), '/');
    return parts;
}

std::string nerfDart(std::string_view url) {
    auto parts = parseUrl(url);
    if (!parts)
        return {};
    // Like new URL('.', url): drop everything after the last '/'.
    std::string path = parts->path.substr(0, parts->path.rfind('/') + 1);
    return "//" + parts->hostPort() + path;
}

std::string redactUrl(std::string_view url) {
    auto schemeEnd = url.find("://");
    if (schemeEnd == std::string_view::npos)
        return std::string(url);
    auto authorityStart = schemeEnd + 3;
    auto authorityEnd = url.find_first_of("/?#", authorityStart);
    if (authorityEnd == std::string_view::npos)
        authorityEnd = url.size();
    auto at = url.substr(authorityStart, authorityEnd - authorityStart).rfind('@');
    if (at == std::string_view::npos)
        return std::string(url);
    return std::string(url.substr(0, authorityStart)) + "***@" + std::string(url.substr(authorityStart + at + 1));
}

std::string withTrailingSlash(std::string url) {
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    url.push_back('/');
    return url;
}

}  // namespace vigil::engine::resolve
