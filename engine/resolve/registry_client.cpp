#include "engine/resolve/registry_client.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <map>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/resolve/registry_url.h"

namespace vigil::engine::resolve {
namespace {

using Json = nlohmann::ordered_json;

// What npm sends for installs: the small "corgi" document, with full JSON as a fallback.
constexpr const char* kAbbreviatedAccept = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";
constexpr const char* kFullAccept = "application/json";

std::string describe(std::string_view name, const std::string& registry) {
    return "package '" + std::string(name) + "' from " + redactUrl(registry);
}

/// Rejects names that could escape the cache directory or the registry path; the registry
/// itself decides what else is a valid name.
Status checkName(std::string_view name) {
    auto bad = [&](const char* why) {
        return makeError(ErrorCode::Usage, "'" + std::string(name) + "' is not a package name: " + why);
    };
    if (name.empty() || name.size() > 214)
        return bad("it must have 1 to 214 characters");
    auto slash = name.find('/');
    if (name.front() == '@' ? (slash == std::string_view::npos || slash < 2 || slash + 1 == name.size() ||
                               name.find('/', slash + 1) != std::string_view::npos)
                            : slash != std::string_view::npos)
        return bad("only a scope may contain one '/'");
    if (name.front() == '.' || name.find("..") != std::string_view::npos)
        return bad("it may not start with '.' or contain '..'");
    for (unsigned char c : name)
        if (c <= 0x20 || c >= 0x7f || c == '%' || c == '?' || c == '#' || c == '\\')
            return bad("it contains a character that is not allowed");
    return {};
}

std::string percentEncode(std::string_view text, std::string_view keep) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || keep.find(static_cast<char>(c)) != std::string_view::npos) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
    return out;
}

/// Writes `text` to `file` through a temporary file in the same directory and a rename, so a
/// reader never sees half a file and a crash never leaves one.
Status writeAtomically(const std::filesystem::path& file, const std::string& text) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec)
        return makeError(ErrorCode::Io, file.parent_path().string() + ": cannot create the cache directory", ec.message());
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    auto temp = file;
    temp += ".tmp-" + std::to_string(rng());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) {
            std::filesystem::remove(temp, ec);
            return makeError(ErrorCode::Io, temp.string() + ": cannot write the cache file");
        }
    }
    std::filesystem::rename(temp, file, ec);
    if (ec) {
        std::filesystem::remove(temp, ec);
        return makeError(ErrorCode::Io, file.string() + ": cannot replace the cache file", ec.message());
    }
    return {};
}

/// The freshness lifetime a response grants a cache like ours (RFC 9111 §5.2.2): max-age, unless
/// no-store or no-cache say to revalidate every time; 0 when the header says nothing (the test
/// registry, Verdaccio, sends none), so such entries are always revalidated.
std::int64_t maxAgeSeconds(const std::map<std::string, std::string>& headers) {
    auto it = headers.find("cache-control");
    if (it == headers.end())
        return 0;
    std::string value;
    for (char c : it->second)
        value += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (value.find("no-store") != std::string::npos || value.find("no-cache") != std::string::npos)
        return 0;
    auto at = value.find("max-age=");
    if (at == std::string::npos)
        return 0;
    std::int64_t seconds = 0;
    for (std::size_t i = at + 8; i < value.size() && std::isdigit(static_cast<unsigned char>(value[i])); ++i) {
        seconds = seconds * 10 + (value[i] - '0');
        if (seconds > 86400)
            return 86400;  // a day at most: metadata older than that is revalidated whatever the server says
    }
    return seconds;
}

/// A hint for 401/403 that names the exact .npmrc key to check.
std::string authHint(const RegistryConfig& config, const std::string& url, const std::string& registry) {
    std::string key = nerfDart(registry);
    if (config.authorizationFor(url))
        return "the registry refused the credentials configured for " + key +
               ": check " + key + ":_authToken in your .npmrc (it may be expired or lack access)";
    return "no credentials are configured for " + key + ": add " + key + ":_authToken=… to your .npmrc";
}

}  // namespace

struct RegistryClient::CachedPackument {
    std::string etag;
    std::int64_t maxAge = 0;  ///< seconds the registry said the entry stays fresh after a validation
    bool fresh = false;       ///< within maxAge of its last validation: no request needed
    Json packument;
};

RegistryClient::RegistryClient(RegistryConfig config, std::filesystem::path cacheDir, Options options)
    : config_(std::move(config)),
      cacheDir_(std::move(cacheDir)),
      options_(std::move(options)),
      http_(HttpClientOptions{
          .retries = options_.retries,
          .backoffBase = options_.backoffBase,
          .timeoutSeconds = options_.timeoutSeconds,
          .strictSsl = config_.strictSsl,
          .caFile = config_.cafile,
          .caPem = config_.ca,
          .proxy = config_.proxy,
          .httpsProxy = config_.httpsProxy,
          .noProxy = config_.noProxy,
          .stop = options_.stop,
      }) {}

std::string RegistryClient::escapeName(std::string_view name) {
    // npm-package-arg's escapedName: the scope's '/' becomes "%2f", nothing else changes for valid names.
    return percentEncode(name, "-._~@!*'()");
}

std::filesystem::path RegistryClient::cacheFile(std::string_view name, bool full) const {
    // One flat file per package: "/" and anything unusual is percent-encoded, so a name never
    // becomes a path (checkName already refused "..").
    return cacheDir_ / "packuments" / (full ? "full" : "abbrev") / (percentEncode(name, "-_~@!()") + ".json");
}

std::optional<RegistryClient::CachedPackument> RegistryClient::readCache(const std::filesystem::path& file,
                                                                           const std::string& url) const {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    Json doc = Json::parse(text.str(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("packument")) {
        spdlog::warn("{}: corrupt packument cache entry; fetching again", file.string());
        return std::nullopt;
    }
    // A packument cached from another registry (the user switched) is not this one's.
    if (!doc.contains("url") || doc["url"] != url)
        return std::nullopt;
    CachedPackument cached;
    if (doc.contains("etag") && doc["etag"].is_string())
        cached.etag = doc["etag"].get<std::string>();
    // The file's modification time is when the registry last vouched for it (written on a 200,
    // touched on a 304), so freshness needs no rewrite of a multi-megabyte document.
    if (auto maxAge = doc.find("max_age"); maxAge != doc.end() && maxAge->is_number_integer()) {
        cached.maxAge = maxAge->get<std::int64_t>();
        std::error_code ec;
        auto validated = std::filesystem::last_write_time(file, ec);
        auto age = std::filesystem::file_time_type::clock::now() - validated;
        cached.fresh = !ec && age >= std::chrono::seconds(0) && age < std::chrono::seconds(cached.maxAge);
    }
    cached.packument = std::move(doc["packument"]);
    return cached;
}

HttpRequest RegistryClient::packumentRequest(const std::string& url, bool full, const std::string& etag) const {
    HttpRequest request{.url = url, .etag = etag};
    request.headers.emplace_back("Accept", full ? kFullAccept : kAbbreviatedAccept);
    if (auto auth = config_.authorizationFor(url))
        request.headers.emplace_back("Authorization", *auth);
    return request;
}

Result<Packument> RegistryClient::finish(const std::string& name, bool full, const std::string& url,
                                         std::optional<CachedPackument> cached, Result<HttpResponse> response) const {
    std::string registry = config_.registryFor(name);
    std::string what = describe(name, registry);
    if (!response)
        return std::move(response).error().withContext(what);
    HttpResponse& r = *response;
    if (r.status == 304 && cached) {
        auto packument = packumentFromJson(cached->packument, what);
        // A 304 re-validates the entry: restart its max-age by touching the file, or rewrite the
        // entry once when the registry's max-age changed (also an entry cached before max_age was kept).
        if (std::int64_t maxAge = maxAgeSeconds(r.headers); maxAge != cached->maxAge) {
            Json entry = {{"url", url}, {"etag", cached->etag}, {"max_age", maxAge}, {"packument", std::move(cached->packument)}};
            if (auto written = writeAtomically(cacheFile(name, full), entry.dump()); !written)
                spdlog::warn("{}", written.error().describe());
        } else {
            std::error_code ec;  // a failed touch only costs a revalidation next time
            std::filesystem::last_write_time(cacheFile(name, full), std::filesystem::file_time_type::clock::now(), ec);
        }
        return packument;
    }
    if (r.status == 404)
        return makeError(ErrorCode::NotFound, what + ": not found (HTTP 404)",
                         "check the name, or whether this package lives on another registry (@scope:registry in .npmrc)");
    if (r.status == 401 || r.status == 403)
        return makeError(ErrorCode::Network, what + ": access denied (HTTP " + std::to_string(r.status) + ")",
                         authHint(config_, url, registry));
    if (r.status != 200)
        return makeError(ErrorCode::Network, what + ": the registry answered HTTP " + std::to_string(r.status));

    Json doc = Json::parse(r.body, nullptr, false);
    if (doc.is_discarded())
        return makeError(ErrorCode::Network, what + ": the registry sent malformed JSON",
                         "the registry or a proxy in between returned something that is not a packument");
    auto packument = packumentFromJson(doc, what);
    if (!packument)
        return packument;

    // The readme can be most of a full packument and VIGIL never shows it: do not cache it.
    doc.erase("readme");
    if (auto versions = doc.find("versions"); versions != doc.end())
        for (auto& [version, v] : versions->items())
            if (v.is_object())
                v.erase("readme");
    Json entry = {{"url", url}, {"etag", r.etag}, {"max_age", maxAgeSeconds(r.headers)}, {"packument", std::move(doc)}};
    if (auto written = writeAtomically(cacheFile(name, full), entry.dump()); !written)
        spdlog::warn("{}", written.error().describe());  // the packument is still good; only caching failed
    return packument;
}

Result<Packument> RegistryClient::packument(std::string_view name, bool full) const {
    auto many = packuments({std::string(name)}, full);
    if (!many)
        return std::move(many).error();
    return std::move(many->front());
}

Result<std::vector<Result<Packument>>> RegistryClient::packuments(const std::vector<std::string>& names,
                                                                 bool full) const {
    std::vector<Result<Packument>> out(names.size(), Result<Packument>(makeError(ErrorCode::Internal, "not fetched")));
    std::vector<std::optional<CachedPackument>> cached(names.size());
    std::vector<std::string> urls(names.size());
    std::vector<HttpRequest> requests;
    std::vector<std::size_t> requestOf;  // requests[i] is for names[requestOf[i]]

    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string& name = names[i];
        if (auto valid = checkName(name); !valid) {
            out[i] = std::move(valid).error();
            continue;
        }
        urls[i] = config_.registryFor(name) + escapeName(name);
        cached[i] = readCache(cacheFile(name, full), urls[i]);
        if (options_.offline) {
            out[i] = cached[i] ? packumentFromJson(cached[i]->packument, describe(name, config_.registryFor(name)))
                               : Result<Packument>(makeError(
                                     ErrorCode::NotFound, describe(name, config_.registryFor(name)) +
                                                              ": not in the offline cache",
                                     "run once without --offline to fetch it"));
            continue;
        }
        if (cached[i] && cached[i]->fresh && !options_.preferOnline) {
            out[i] = packumentFromJson(cached[i]->packument, describe(name, config_.registryFor(name)));
            continue;
        }
        requests.push_back(packumentRequest(urls[i], full, cached[i] ? cached[i]->etag : std::string()));
        requestOf.push_back(i);
    }
    if (requests.empty())
        return out;

    auto responses = http_.getMany(requests, options_.maxParallel);
    if (options_.stop.stop_requested())
        return makeError(ErrorCode::Cancelled, "fetching " + std::to_string(requests.size()) + " packuments was cancelled");
    for (std::size_t k = 0; k < responses.size(); ++k) {
        std::size_t i = requestOf[k];
        out[i] = finish(names[i], full, urls[i], std::move(cached[i]), std::move(responses[k]));
    }
    return out;
}

Result<std::filesystem::path> RegistryClient::downloadTarball(const std::string& url,
                                                              const std::filesystem::path& dest) const {
    std::string shown = redactUrl(url);
    if (!parseUrl(url))
        return makeError(ErrorCode::Usage, "tarball URL '" + shown + "' is not an http(s) URL");
    if (options_.offline)
        return makeError(ErrorCode::NotFound, "tarball " + shown + " is not in the offline cache",
                         "run once without --offline to fetch it");
    std::error_code ec;
    std::filesystem::create_directories(dest.parent_path(), ec);
    if (ec)
        return makeError(ErrorCode::Io, dest.parent_path().string() + ": cannot create directory", ec.message());

    HttpRequest request{.url = url};
    request.headers.emplace_back("Accept", "*/*");
    if (auto auth = config_.authorizationFor(url))
        request.headers.emplace_back("Authorization", *auth);
    auto response = http_.download(request, dest);
    if (!response)
        return std::move(response).error();
    long status = response->status;
    if (status >= 200 && status < 300)
        return dest;
    if (status == 404)
        return makeError(ErrorCode::NotFound, "tarball " + shown + ": not found (HTTP 404)");
    if (status == 401 || status == 403)
        return makeError(ErrorCode::Network, "tarball " + shown + ": access denied (HTTP " + std::to_string(status) + ")",
                         authHint(config_, url, url));
    return makeError(ErrorCode::Network, "tarball " + shown + ": the server answered HTTP " + std::to_string(status));
}

}  // namespace vigil::engine::resolve
