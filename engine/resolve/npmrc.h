// @brief RegistryConfig: registry URLs, credentials and network settings read from .npmrc files as npm reads them.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"

namespace vigil::engine::resolve {

/// Credentials configured for one registry "nerf dart" (e.g. "//npm.example.com/team/").
struct RegistryCredentials {
    std::string token;     ///< :_authToken → "Bearer token"
    std::string auth;      ///< :_auth, already base64("user:password") → "Basic auth"
    std::string username;  ///< :username, used with password
    std::string password;  ///< :_password, stored decoded (npm writes it base64-encoded)

    /// True when these credentials produce an Authorization header (npm's hasAuth).
    [[nodiscard]] bool usable() const { return !token.empty() || !auth.empty() || (!username.empty() && !password.empty()); }
};

/// Everything VIGIL takes from npm's configuration. Defaults are npm's builtin defaults.
struct RegistryConfig {
    std::string registry = "https://registry.npmjs.org/";  ///< default registry, always ends in '/'
    std::map<std::string, std::string> scopeRegistries;    ///< "@scope" → registry URL ending in '/'
    std::map<std::string, RegistryCredentials> credentials;  ///< nerf dart → credentials
    /// Top-level _authToken/_auth/username/_password (pre-npm-9 style). They belong to the default
    /// registry only — whatever `registry` is at query time — as `npm config fix` would rewrite them.
    RegistryCredentials legacyCredentials;

    bool alwaysAuth = false;     ///< recorded; npm ≥7 ignores it and so do we (auth is always sent to its registry)
    bool strictSsl = true;       ///< verify TLS certificates and host names
    std::string cafile;          ///< PEM file of CAs to trust instead of the system store
    std::string ca;              ///< inline PEM CA (the `ca` key)
    std::string proxy;           ///< proxy for http:// URLs (falls back to env http_proxy)
    std::string httpsProxy;      ///< proxy for https:// URLs (falls back to https-proxy env, then proxy)
    std::string noProxy;         ///< comma-separated hosts that bypass the proxy
    int fetchRetries = 2;        ///< npm's fetch-retries
    long fetchTimeoutMs = 300000;  ///< npm's fetch-timeout

    std::vector<std::string> warnings;    ///< non-fatal oddities, each naming file:line
    std::vector<std::string> sources;     ///< the files and layers applied, in order

    /// The registry that serves `packageName`: its scope's registry or the default one, ending in '/'.
    [[nodiscard]] std::string registryFor(std::string_view packageName) const;

    /// The Authorization header value ("Bearer …" or "Basic …") for a request to `url`, or nullopt.
    /// Credentials are found by the longest nerf-dart prefix of the URL, or — as npm does for
    /// tarballs on another path — from a configured registry on the same host:port. A token is never
    /// sent to any other host, nor over plain http unless a registry on that host is http.
    [[nodiscard]] std::optional<std::string> authorizationFor(std::string_view url) const;

    /// The proxy to use for `url` ("" = direct). noProxy is applied by the HTTP client.
    [[nodiscard]] std::string proxyFor(std::string_view url) const;
};

/// Applies one .npmrc text on top of `config`. `fileName` names the file in errors and warnings.
/// `${VAR}` is replaced from `env`; an unset VAR is an Input error naming fileName:line, while
/// `${VAR?}` becomes empty. Unknown keys are ignored (npm has hundreds we do not need).
[[nodiscard]] Status applyNpmrc(RegistryConfig& config, std::string_view text, const std::string& fileName,
                                const std::map<std::string, std::string>& env);

/// Applies npm_config_* / NPM_CONFIG_* variables of `env` (npm's "environment" layer).
[[nodiscard]] Status applyNpmEnvironment(RegistryConfig& config, const std::map<std::string, std::string>& env);

/// npm's precedence: builtin < user (~/.npmrc or NPM_CONFIG_USERCONFIG) < project
/// (projectDir/.npmrc) < environment. Proxy settings fall back to the usual *_proxy variables.
/// Missing files are fine; unreadable or malformed ones are errors.
Result<RegistryConfig> loadRegistryConfig(const std::filesystem::path& projectDir,
                                          const std::map<std::string, std::string>& env);

}  // namespace vigil::engine::resolve
