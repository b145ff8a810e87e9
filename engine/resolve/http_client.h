// @brief HttpClient: libcurl GETs with retries, size caps, cancellation and parallel transfers.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/result.h"

namespace vigil::engine::resolve {

/// One GET.
struct HttpRequest {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers ("Accept", "Authorization", …)
    std::string etag;          ///< sent as If-None-Match when not empty
    std::size_t maxBytes = 0;  ///< body size cap (decoded bytes); 0 = the client's default
    long timeoutSeconds = 0;   ///< whole transfer; 0 = the client's default
};

/// What came back. Any HTTP status is a response; only transport failures are errors.
struct HttpResponse {
    long status = 0;
    std::string body;  ///< for download(): the body only when the status is not 2xx (then capped at 64 KiB)
    std::string etag;
    std::map<std::string, std::string> headers;  ///< of the final response, names lower-cased
    std::string effectiveUrl;                    ///< after redirects
};

struct HttpClientOptions {
    int retries = 2;  ///< extra attempts after a connection error, timeout, 429 or 5xx
    std::chrono::milliseconds backoffBase{1000};  ///< first retry delay; doubles each time, with jitter
    std::chrono::milliseconds backoffMax{30000};
    std::chrono::seconds maxRetryAfter{60};  ///< a server's Retry-After is honoured up to this
    long timeoutSeconds = 60;
    long connectTimeoutSeconds = 15;
    long maxRedirects = 5;
    std::size_t maxBytes = std::size_t{512} << 20;  ///< default body cap
    bool strictSsl = true;
    std::string caFile;      ///< PEM bundle replacing the system CAs
    std::string caPem;       ///< inline PEM CA
    std::string proxy;       ///< for http:// URLs; "" = direct (environment *_proxy variables are NOT read)
    std::string httpsProxy;  ///< for https:// URLs; "" = proxy
    std::string noProxy;     ///< curl/npm "host,host" list bypassing the proxy
    std::stop_token stop;    ///< cancels every transfer and backoff wait of this client
};

/// A small libcurl client. Only http and https, also on redirects; a bounded number of
/// redirects; gzip accepted; User-Agent "vigil/VERSION". Thread-safe: every call uses its own handles.
class HttpClient {
public:
    explicit HttpClient(HttpClientOptions options = {});

    /// GET into memory.
    [[nodiscard]] Result<HttpResponse> get(const HttpRequest& request) const;

    /// GET streamed to `dest` (written to a temporary file beside it and renamed on a 2xx
    /// response, so `dest` is never half-written). For other statuses `dest` is left alone.
    [[nodiscard]] Result<HttpResponse> download(const HttpRequest& request, const std::filesystem::path& dest) const;

    /// Many GETs into memory, at most `maxParallel` at once (curl multi); results in request order.
    [[nodiscard]] std::vector<Result<HttpResponse>> getMany(const std::vector<HttpRequest>& requests,
                                                           std::size_t maxParallel) const;

    [[nodiscard]] const HttpClientOptions& options() const { return options_; }

private:
    HttpClientOptions options_;
};

}  // namespace vigil::engine::resolve
