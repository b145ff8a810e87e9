#include "engine/resolve/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>

#include "engine/resolve/registry_url.h"
#include "vigil_version.h"

namespace vigil::engine::resolve {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kErrorBodyCap = 64 * 1024;

void ensureCurlGlobalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
    void operator()(CURL* easy) const noexcept { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
struct MultiDeleter {
    void operator()(CURLM* multi) const noexcept { curl_multi_cleanup(multi); }
};
struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

std::string trim(std::string_view s) {
    auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos)
        return {};
    auto end = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(begin, end - begin + 1));
}

/// Everything about one request across its attempts. Its address is handed to curl callbacks,
/// so it never moves while a transfer runs.
struct Transfer {
    const HttpRequest* request = nullptr;
    std::optional<std::filesystem::path> dest;  ///< download() target
    std::size_t maxBytes = 0;
    const std::stop_token* stop = nullptr;

    int attempt = 0;
    Clock::time_point notBefore{};
    bool active = false;
    std::optional<Result<HttpResponse>> result;

    // Per attempt.
    std::unique_ptr<CURL, EasyDeleter> easy;
    std::unique_ptr<curl_slist, SlistDeleter> headerList;
    std::array<char, CURL_ERROR_SIZE> errorBuffer{};
    HttpResponse response;
    std::size_t received = 0;
    bool tooLarge = false;
    bool writeFailed = false;
    std::filesystem::path partPath;
    std::unique_ptr<std::FILE, FileCloser> file;

    [[nodiscard]] bool finished() const { return result.has_value(); }
    [[nodiscard]] bool successStatus() const { return response.status >= 200 && response.status < 300; }
};

size_t onHeader(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) {
        // A new response (after a redirect or 100-continue): forget the previous one's headers.
        t->response.headers.clear();
        auto space = line.find(' ');
        long status = 0;
        if (space != std::string_view::npos)
            std::from_chars(line.data() + space + 1, line.data() + line.size(), status);
        t->response.status = status;
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
        std::string name = trim(line.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        t->response.headers[name] = trim(line.substr(colon + 1));
    }
    return size * count;
}

size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::size_t n = size * count;
    if (t->received + n > t->maxBytes) {
        t->tooLarge = true;
        return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
    }
    t->received += n;
    if (t->dest && t->successStatus()) {
        if (!t->file) {
            t->file.reset(std::fopen(t->partPath.c_str(), "wb"));
            if (!t->file) {
                t->writeFailed = true;
                return 0;
            }
        }
        if (std::fwrite(data, 1, n, t->file.get()) != n) {
            t->writeFailed = true;
            return 0;
        }
    } else if (!t->dest || t->response.body.size() < kErrorBodyCap) {
        t->response.body.append(data, t->dest ? std::min(n, kErrorBodyCap - t->response.body.size()) : n);
    }
    return n;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    return t->stop->stop_requested() ? 1 : 0;  // non-zero aborts with CURLE_ABORTED_BY_CALLBACK
}

std::string partPathFor(const std::filesystem::path& dest) {
    static std::mutex mutex;
    static std::mt19937_64 rng{std::random_device{}()};
    std::lock_guard lock(mutex);
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, ".part-%016llx", static_cast<unsigned long long>(rng()));
    return dest.string() + suffix;
}

/// Builds the easy handle for the next attempt of `t`.
bool prepare(Transfer& t, const HttpClientOptions& o) {
    const HttpRequest& req = *t.request;
    t.easy.reset(curl_easy_init());
    if (!t.easy)
        return false;
    t.response = HttpResponse{};
    t.received = 0;
    t.tooLarge = t.writeFailed = false;
    t.errorBuffer.fill('\0');
    t.file.reset();
    if (t.dest)
        t.partPath = partPathFor(*t.dest);

    curl_slist* list = nullptr;
    for (const auto& [name, value] : req.headers)
        list = curl_slist_append(list, (name + ": " + value).c_str());
    if (!req.etag.empty())
        list = curl_slist_append(list, ("If-None-Match: " + req.etag).c_str());
    t.headerList.reset(list);

    CURL* e = t.easy.get();
    long timeout = req.timeoutSeconds > 0 ? req.timeoutSeconds : o.timeoutSeconds;
    auto parsedUrl = parseUrl(req.url);
    std::string proxy = (parsedUrl && parsedUrl->scheme == "https" && !o.httpsProxy.empty()) ? o.httpsProxy : o.proxy;

    curl_easy_setopt(e, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    // Only the web: no file://, scp://, … even if a registry or redirect names one.
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, o.maxRedirects);
    // Never carry our Authorization header to another host on a redirect (curl's default; said aloud).
    curl_easy_setopt(e, CURLOPT_UNRESTRICTED_AUTH, 0L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "vigil/" VIGIL_VERSION);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headerList.get());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, std::min(timeout, o.connectTimeoutSeconds));
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(t.maxBytes));
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errorBuffer.data());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    // An explicit proxy ("" = none) so the host's *_proxy variables never apply behind our back.
    curl_easy_setopt(e, CURLOPT_PROXY, proxy.c_str());
    curl_easy_setopt(e, CURLOPT_NOPROXY, o.noProxy.c_str());
    if (!o.strictSsl) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!o.caFile.empty())
        curl_easy_setopt(e, CURLOPT_CAINFO, o.caFile.c_str());
    if (!o.caPem.empty()) {
        curl_blob blob{const_cast<char*>(o.caPem.data()), o.caPem.size(), CURL_BLOB_COPY};
        curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
    }
    return true;
}

bool retryableCurlError(CURLcode code) {
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

/// Seconds the server asked us to wait (Retry-After: delta-seconds or HTTP-date), if any.
std::optional<std::chrono::seconds> retryAfter(const HttpResponse& response) {
    auto it = response.headers.find("retry-after");
    if (it == response.headers.end())
        return std::nullopt;
    long seconds = 0;
    const std::string& v = it->second;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (ec == std::errc() && end == v.data() + v.size())
        return std::chrono::seconds(std::max(0L, seconds));
    std::time_t when = curl_getdate(v.c_str(), nullptr);
    if (when < 0)
        return std::nullopt;
    return std::chrono::seconds(std::max<std::time_t>(0, when - std::time(nullptr)));
}

Clock::duration backoff(const HttpClientOptions& o, int attempt) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    auto delay = o.backoffBase * (1LL << std::min(attempt - 1, 20));
    delay = std::min<std::chrono::milliseconds>(delay, o.backoffMax);
    // "Equal jitter": half fixed, half random, so parallel clients do not retry in lock-step.
    std::uniform_int_distribution<long long> jitter(0, std::max<long long>(0, delay.count() / 2));
    return std::chrono::milliseconds(delay.count() / 2 + jitter(rng));
}

Error transportError(const Transfer& t, CURLcode code) {
    std::string url = redactUrl(t.request->url);
    std::string detail = t.errorBuffer[0] != '\0' ? std::string(t.errorBuffer.data()) : curl_easy_strerror(code);
    std::string attempts = t.attempt > 1 ? " (after " + std::to_string(t.attempt) + " attempts)" : "";
    if (code == CURLE_OPERATION_TIMEDOUT)
        return makeError(ErrorCode::Network, "GET " + url + " timed out" + attempts, detail);
    return makeError(ErrorCode::Network, "GET " + url + " failed" + attempts + ": " + detail);
}

void discardPart(Transfer& t) {
    t.file.reset();
    if (!t.partPath.empty()) {
        std::error_code ec;
        std::filesystem::remove(t.partPath, ec);
    }
}

/// Decides what an attempt's outcome means: a final result, or a retry at t.notBefore.
void complete(Transfer& t, CURLcode code, const HttpClientOptions& o) {
    t.active = false;
    std::string url = redactUrl(t.request->url);
    bool canRetry = t.attempt <= o.retries;
    std::optional<Clock::duration> retryIn;

    if (code == CURLE_OK) {
        char* effective = nullptr;
        curl_easy_getinfo(t.easy.get(), CURLINFO_EFFECTIVE_URL, &effective);
        long status = 0;
        curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
        t.response.status = status;
        t.response.effectiveUrl = effective ? effective : "";
        if (auto it = t.response.headers.find("etag"); it != t.response.headers.end())
            t.response.etag = it->second;
        if ((status == 429 || status >= 500) && canRetry) {
            retryIn = backoff(o, t.attempt);
            if (auto after = retryAfter(t.response))
                retryIn = std::max<Clock::duration>(*retryIn, std::min<Clock::duration>(*after, o.maxRetryAfter));
        } else if (t.dest && t.successStatus()) {
            std::error_code ec;
            if (!t.file)  // an empty body never opened the file
                t.file.reset(std::fopen(t.partPath.c_str(), "wb"));
            bool flushed = t.file && std::fflush(t.file.get()) == 0;
            t.file.reset();
            if (flushed)
                std::filesystem::rename(t.partPath, *t.dest, ec);
            if (!flushed || ec) {
                discardPart(t);
                t.result = makeError(ErrorCode::Io, t.dest->string() + ": cannot write the download of " + url,
                                     ec ? ec.message() : std::string("write failed"));
                return;
            }
            t.result = std::move(t.response);
            return;
        } else {
            t.result = std::move(t.response);
            return;
        }
    } else if (t.stop->stop_requested()) {
        t.result = makeError(ErrorCode::Cancelled, "GET " + url + " was cancelled");
    } else if (t.tooLarge || code == CURLE_FILESIZE_EXCEEDED) {
        t.result = makeError(ErrorCode::Network,
                             "GET " + url + ": response is larger than the " + std::to_string(t.maxBytes) + "-byte limit",
                             "a registry document or tarball this large is refused as unsafe to process");
    } else if (t.writeFailed) {
        t.result = makeError(ErrorCode::Io, (t.dest ? t.dest->string() : std::string("download")) +
                                                ": cannot write the download of " + url);
    } else if (retryableCurlError(code) && canRetry) {
        retryIn = backoff(o, t.attempt);
    } else {
        t.result = transportError(t, code);
    }
    discardPart(t);
    if (retryIn)
        t.notBefore = Clock::now() + *retryIn;
}

/// Runs every transfer to completion with at most maxParallel in flight, retrying as decided by complete().
void runAll(std::vector<Transfer>& transfers, std::size_t maxParallel, const HttpClientOptions& o) {
    ensureCurlGlobalInit();
    maxParallel = std::max<std::size_t>(1, maxParallel);
    std::unique_ptr<CURLM, MultiDeleter> multi(curl_multi_init());
    if (!multi) {
        for (auto& t : transfers)
            t.result = makeError(ErrorCode::Internal, "GET " + redactUrl(t.request->url) + ": curl_multi_init failed");
        return;
    }
    std::size_t active = 0;
    for (;;) {
        auto now = Clock::now();
        bool cancelled = o.stop.stop_requested();
        std::optional<Clock::time_point> nextStart;
        for (auto& t : transfers) {
            if (cancelled && t.active) {
                // Do not wait for the progress callback: drop running transfers now.
                curl_multi_remove_handle(multi.get(), t.easy.get());
                t.active = false;
                --active;
                discardPart(t);
                t.easy.reset();
            }
            if (t.finished() || t.active)
                continue;
            if (cancelled) {
                t.result = makeError(ErrorCode::Cancelled, "GET " + redactUrl(t.request->url) + " was cancelled");
                continue;
            }
            if (t.notBefore > now) {
                nextStart = std::min(nextStart.value_or(t.notBefore), t.notBefore);
                continue;
            }
            if (active >= maxParallel)
                continue;
            ++t.attempt;
            if (!prepare(t, o)) {
                t.result = makeError(ErrorCode::Internal, "GET " + redactUrl(t.request->url) + ": curl_easy_init failed");
                continue;
            }
            curl_multi_add_handle(multi.get(), t.easy.get());
            t.active = true;
            ++active;
        }
        if (active == 0 && !std::any_of(transfers.begin(), transfers.end(), [](const Transfer& t) { return !t.finished(); }))
            break;

        int running = 0;
        curl_multi_perform(multi.get(), &running);
        int queued = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi.get(), &queued)) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            auto it = std::find_if(transfers.begin(), transfers.end(),
                                   [&](const Transfer& t) { return t.active && t.easy.get() == msg->easy_handle; });
            CURLcode code = msg->data.result;
            curl_multi_remove_handle(multi.get(), msg->easy_handle);
            --active;
            if (it != transfers.end()) {
                complete(*it, code, o);
                it->easy.reset();
                it->headerList.reset();
            }
        }
        if (active == 0 && std::all_of(transfers.begin(), transfers.end(), [](const Transfer& t) { return t.finished(); }))
            break;
        // Wake at least every 100 ms to notice cancellation and due retries.
        auto wait = std::chrono::milliseconds(100);
        if (nextStart && active < maxParallel)
            wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*nextStart - Clock::now()),
                              std::chrono::milliseconds(0), wait);
        curl_multi_poll(multi.get(), nullptr, 0, static_cast<int>(wait.count()), nullptr);
    }
}

Transfer makeTransfer(const HttpRequest& request, const HttpClientOptions& o) {
    Transfer t;
    t.request = &request;
    t.maxBytes = request.maxBytes > 0 ? request.maxBytes : o.maxBytes;
    t.stop = &o.stop;
    return t;
}

}  // namespace

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
    ensureCurlGlobalInit();
}

Result<HttpResponse> HttpClient::get(const HttpRequest& request) const {
    std::vector<Transfer> transfers;
    transfers.push_back(makeTransfer(request, options_));
    runAll(transfers, 1, options_);
    return std::move(*transfers.front().result);
}

Result<HttpResponse> HttpClient::download(const HttpRequest& request, const std::filesystem::path& dest) const {
    std::vector<Transfer> transfers;
    transfers.push_back(makeTransfer(request, options_));
    transfers.front().dest = dest;
    runAll(transfers, 1, options_);
    return std::move(*transfers.front().result);
}

std::vector<Result<HttpResponse>> HttpClient::getMany(const std::vector<HttpRequest>& requests,
                                                     std::size_t maxParallel) const {
    std::vector<Transfer> transfers;
    transfers.reserve(requests.size());
    for (const auto& r : requests)
        transfers.push_back(makeTransfer(r, options_));
    runAll(transfers, maxParallel, options_);
    std::vector<Result<HttpResponse>> out;
    out.reserve(transfers.size());
    for (auto& t : transfers)
        out.push_back(std::move(*t.result));
    return out;
}

}  // namespace vigil::engine::resolve
