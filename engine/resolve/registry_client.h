// @brief RegistryClient: packuments and tarballs from npm registries, with an ETag-revalidated disk cache.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"
#include "engine/resolve/http_client.h"
#include "engine/resolve/npmrc.h"
#include "engine/resolve/packument.h"

namespace vigil::engine::resolve {

struct RegistryClientOptions {
    bool offline = false;        ///< serve packuments only from the cache; never touch the network
    /// Revalidate every cached packument, even one the registry said is still fresh
    /// (Cache-Control max-age, 300 s on registry.npmjs.org), as npm's --prefer-online does.
    bool preferOnline = false;
    int retries = 2;             ///< see HttpClientOptions::retries
    long timeoutSeconds = 60;    ///< per request, whole transfer
    std::size_t maxParallel = 8; ///< concurrent requests in packuments()
    std::chrono::milliseconds backoffBase{1000};
    std::stop_token stop;        ///< cancels requests and retry waits
};

/// Talks to the registries that a RegistryConfig names. Credentials only ever go to the registry
/// they are configured for (RegistryConfig::authorizationFor). Safe to use from several threads
/// as long as they ask for different packages (cache files are replaced atomically).
class RegistryClient {
public:
    using Options = RegistryClientOptions;

    RegistryClient(RegistryConfig config, std::filesystem::path cacheDir, Options options);

    /// The packument of `name`: abbreviated (the install-v1 document npm installs from) unless
    /// `full`. A cached copy within the max-age the registry sent with it (Cache-Control) is used
    /// as it is, like npm's cache does; an older one is revalidated with If-None-Match (a 304
    /// restarts its max-age); offline mode uses only the cache.
    [[nodiscard]] Result<Packument> packument(std::string_view name, bool full = false) const;

    /// Many packuments, fetched in parallel; one Result per name, in order. The outer Result fails
    /// only when the whole batch cannot run (cancelled).
    [[nodiscard]] Result<std::vector<Result<Packument>>> packuments(const std::vector<std::string>& names,
                                                                   bool full = false) const;

    /// Downloads a tarball to `dest` (parent directories are created), with the credentials of the
    /// registry that URL belongs to, and none for any other host.
    [[nodiscard]] Result<std::filesystem::path> downloadTarball(const std::string& url,
                                                                const std::filesystem::path& dest) const;

    [[nodiscard]] const RegistryConfig& config() const { return config_; }

    /// The registry path segment for a name, as npm escapes it: "@scope/name" → "@scope%2fname".
    static std::string escapeName(std::string_view name);
    /// Where the packument of `name` is cached.
    [[nodiscard]] std::filesystem::path cacheFile(std::string_view name, bool full) const;

private:
    struct CachedPackument;
    [[nodiscard]] std::optional<CachedPackument> readCache(const std::filesystem::path& file, const std::string& url) const;
    [[nodiscard]] Result<Packument> finish(const std::string& name, bool full, const std::string& url,
                                           std::optional<CachedPackument> cached, Result<HttpResponse> response) const;
    [[nodiscard]] HttpRequest packumentRequest(const std::string& url, bool full, const std::string& etag) const;

    RegistryConfig config_;
    std::filesystem::path cacheDir_;
    Options options_;
    HttpClient http_;
};

}  // namespace vigil::engine::resolve
