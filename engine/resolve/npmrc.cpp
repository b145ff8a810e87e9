#include "engine/resolve/npmrc.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "engine/resolve/registry_url.h"

namespace vigil::engine::resolve {
namespace {

std::string trim(std::string_view s) {
    auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos)
        return {};
    auto end = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(begin, end - begin + 1));
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string lookup(const std::map<std::string, std::string>& env, const std::string& key) {
    auto it = env.find(key);
    return it == env.end() ? std::string() : it->second;
}

std::string base64Encode(std::string_view data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
    std::string in = trim(text);
    if (in.size() % 4 != 0)
        return std::nullopt;
    std::string out(3 * in.size() / 4 + 1, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
    if (n < 0)
        return std::nullopt;
    // EVP_DecodeBlock counts the bytes that '=' padding stands for; drop them.
    std::size_t padding = static_cast<std::size_t>(std::count(in.end() - std::min<std::size_t>(2, in.size()), in.end(), '='));
    out.resize(static_cast<std::size_t>(n) - padding);
    return out;
}

/// The `ini` package's value rules as npm applies them: quoted values are taken literally
/// ('…' or JSON "…"), unquoted ones end at an unescaped ';' or '#'.
std::string iniValue(std::string_view raw) {
    std::string v = trim(raw);
    bool quoted = v.size() >= 2 && ((v.front() == '"' && v.back() == '"') || (v.front() == '\'' && v.back() == '\''));
    if (quoted) {
        std::string inner = v.substr(1, v.size() - 2);
        if (v.front() == '\'')
            return inner;
        std::string out;
        for (std::size_t i = 0; i < inner.size(); ++i) {
            if (inner[i] == '\\' && i + 1 < inner.size()) {
                char c = inner[++i];
                switch (c) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                default: out += c; break;  // \" \\ \/
                }
            } else {
                out += inner[i];
            }
        }
        return out;
    }
    std::string out;
    bool escaped = false;
    for (char c : v) {
        if (escaped) {
            if (c != '\\' && c != ';' && c != '#')
                out += '\\';
            out += c;
            escaped = false;
        } else if (c == ';' || c == '#') {
            break;
        } else if (c == '\\') {
            escaped = true;
        } else {
            out += c;
        }
    }
    if (escaped)
        out += '\\';
    return trim(out);
}

/// npm's ${VAR} replacement, with its backslash escaping: an odd number of backslashes before
/// "${" makes it literal. Unlike npm ≥7 (which leaves "${VAR}" in place and would send that text
/// as a token), an unset VAR is an error (the caller skips the setting); "${VAR?}" means "empty
/// when unset".
Result<std::string> expandEnv(std::string_view text, const std::map<std::string, std::string>& env,
                              const std::string& where) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        auto dollar = text.find("${", i);
        if (dollar == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        auto close = text.find('}', dollar + 2);
        std::string_view name = close == std::string_view::npos ? std::string_view() : text.substr(dollar + 2, close - dollar - 2);
        bool optional = !name.empty() && name.back() == '?';
        if (optional)
            name.remove_suffix(1);
        bool valid = !name.empty() && name.find_first_of("${}?") == std::string_view::npos;
        if (!valid) {
            out.append(text.substr(i, dollar + 2 - i));
            i = dollar + 2;
            continue;
        }
        std::size_t backslashes = 0;
        while (backslashes < dollar - i && text[dollar - 1 - backslashes] == '\\')
            ++backslashes;
        out.append(text.substr(i, dollar - i - backslashes));
        out.append(backslashes / 2, '\\');
        if (backslashes % 2 == 1) {
            out.append(text.substr(dollar, close + 1 - dollar));
        } else {
            auto it = env.find(std::string(name));
            if (it != env.end())
                out += it->second;
            else if (!optional)
                return makeError(ErrorCode::Input, where + ": environment variable " + std::string(name) + " is not set",
                                 "write ${" + std::string(name) + "?} to use an empty value when it is unset");
        }
        i = close + 1;
    }
    return out;
}

std::optional<bool> parseBool(const std::string& v) {
    if (v == "true")
        return true;
    if (v == "false")
        return false;
    return std::nullopt;
}

std::optional<long> parseLong(const std::string& v) {
    long out = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || end != v.data() + v.size() || out < 0)
        return std::nullopt;
    return out;
}

/// "//Host:Port/path/" with the host part lower-cased, so keys match parsed URLs.
std::string normaliseNerfDart(const std::string& key) {
    auto slash = key.find('/', 2);
    std::string host = key.substr(2, slash == std::string::npos ? std::string::npos : slash - 2);
    return "//" + lower(host) + (slash == std::string::npos ? std::string() : key.substr(slash));
}

void setCredential(RegistryCredentials& creds, const std::string& field, const std::string& value,
                   const std::string& where, std::vector<std::string>& warnings) {
    if (field == "_authToken") {
        creds.token = value;
    } else if (field == "_auth") {
        creds.auth = value;
    } else if (field == "username") {
        creds.username = value;
    } else if (field == "_password") {
        auto decoded = base64Decode(value);
        if (!decoded)
            warnings.push_back(where + ": _password is not base64 (npm stores it encoded); ignored");
        else
            creds.password = *decoded;
    }
    // email, certfile, keyfile, always-auth … are accepted and not used.
}

/// Applies one key=value (already unquoted and expanded) to the config.
void applyKey(RegistryConfig& config, const std::string& key, const std::string& value, const std::string& where) {
    auto warnBad = [&](const char* wants) {
        config.warnings.push_back(where + ": " + key + " wants " + wants + ", got '" + value + "'; ignored");
    };
    if (key.rfind("//", 0) == 0) {
        auto colon = key.rfind(':');
        if (colon == std::string::npos || colon < 3) {
            config.warnings.push_back(where + ": '" + key + "' has no ':field' after the registry; ignored");
            return;
        }
        setCredential(config.credentials[normaliseNerfDart(key.substr(0, colon))], key.substr(colon + 1), value,
                      where, config.warnings);
    } else if (key.front() == '@' && key.size() > 9 && key.compare(key.size() - 9, 9, ":registry") == 0) {
        if (!parseUrl(value))
            return warnBad("an http(s) URL");
        config.scopeRegistries[key.substr(0, key.size() - 9)] = withTrailingSlash(value);
    } else if (key == "registry") {
        if (!parseUrl(value))
            return warnBad("an http(s) URL");
        config.registry = withTrailingSlash(value);
    } else if (key == "_authToken" || key == "_auth" || key == "username" || key == "_password") {
        setCredential(config.legacyCredentials, key, value, where, config.warnings);
    } else if (key == "always-auth" || key == "strict-ssl") {
        auto b = parseBool(value);
        if (!b)
            return warnBad("true or false");
        (key == "always-auth" ? config.alwaysAuth : config.strictSsl) = *b;
    } else if (key == "cafile") {
        config.cafile = value;
    } else if (key == "ca") {
        config.ca = value == "null" ? std::string() : value;
    } else if (key == "proxy" || key == "https-proxy") {
        std::string v = (value == "false" || value == "null") ? std::string() : value;
        (key == "proxy" ? config.proxy : config.httpsProxy) = v;
    } else if (key == "noproxy") {
        config.noProxy = value;
    } else if (key == "fetch-retries") {
        auto n = parseLong(value);
        if (!n || *n > 100)
            return warnBad("a number from 0 to 100");
        config.fetchRetries = static_cast<int>(*n);
    } else if (key == "fetch-timeout") {
        auto n = parseLong(value);
        if (!n)
            return warnBad("a number of milliseconds");
        config.fetchTimeoutMs = *n;
    }
}

const RegistryCredentials* credentialsAt(const RegistryConfig& config, const std::string& key) {
    auto it = config.credentials.find(key);
    if (it != config.credentials.end() && it->second.usable())
        return &it->second;
    if (config.legacyCredentials.usable() && key == nerfDart(config.registry))
        return &config.legacyCredentials;
    return nullptr;
}

/// npm's regKeyFromURI: walk "//host/a/b/c" → "//host/a/b/" → "//host/a/b" → … → "//host".
const RegistryCredentials* longestMatch(const RegistryConfig& config, const UrlParts& url) {
    std::string key = "//" + url.hostPort() + url.path;
    while (key.size() > 2) {
        if (const auto* creds = credentialsAt(config, key))
            return creds;
        if (key.back() == '/')
            key.pop_back();
        else
            key.erase(key.rfind('/') + 1);
    }
    return nullptr;
}

std::string headerFor(const RegistryCredentials& creds) {
    // npm's order: token, then _auth, then username + _password.
    if (!creds.token.empty())
        return "Bearer " + creds.token;
    if (!creds.auth.empty())
        return "Basic " + creds.auth;
    return "Basic " + base64Encode(creds.username + ":" + creds.password);
}

Result<std::string> readFileIfExists(const std::filesystem::path& file, bool& exists) {
    std::error_code ec;
    exists = std::filesystem::is_regular_file(file, ec);
    if (!exists)
        return std::string();
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::Io, file.string() + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

std::string RegistryConfig::registryFor(std::string_view packageName) const {
    if (!packageName.empty() && packageName.front() == '@') {
        auto slash = packageName.find('/');
        auto it = scopeRegistries.find(std::string(packageName.substr(0, slash)));
        if (it != scopeRegistries.end())
            return it->second;
    }
    return withTrailingSlash(registry);
}

std::optional<std::string> RegistryConfig::authorizationFor(std::string_view url) const {
    auto parts = parseUrl(url);
    if (!parts)
        return std::nullopt;

    std::vector<std::string> registries{registry};
    for (const auto& [scope, reg] : scopeRegistries)
        registries.push_back(reg);
    std::vector<UrlParts> sameHost;
    for (const auto& reg : registries) {
        auto r = parseUrl(reg);
        if (r && r->hostPort() == parts->hostPort())
            sameHost.push_back(*r);
    }
    // Nerf darts ignore the scheme, so a token for //host/ would also go to http://host/ in clear
    // text. Only allow that when the user configured that host as an http registry.
    if (parts->scheme == "http" &&
        std::none_of(sameHost.begin(), sameHost.end(), [](const UrlParts& r) { return r.scheme == "http"; }))
        return std::nullopt;

    if (const auto* creds = longestMatch(*this, *parts))
        return headerFor(*creds);
    // npm's sameHost fallback: a tarball on the registry's host but outside its path (e.g.
    // registry //host/api/npm/ serving //host/files/x.tgz) gets that registry's credentials.
    for (const auto& reg : sameHost)
        if (const auto* creds = longestMatch(*this, reg))
            return headerFor(*creds);
    return std::nullopt;
}

std::string RegistryConfig::proxyFor(std::string_view url) const {
    auto parts = parseUrl(url);
    if (parts && parts->scheme == "https")
        return httpsProxy.empty() ? proxy : httpsProxy;
    return proxy;
}

Status applyNpmrc(RegistryConfig& config, std::string_view text, const std::string& fileName,
                  const std::map<std::string, std::string>& env) {
    std::size_t lineNo = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto eol = text.find('\n', pos);
        std::string_view rawLine = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        pos = eol == std::string_view::npos ? text.size() + 1 : eol + 1;
        ++lineNo;
        std::string line = trim(rawLine);
        if (line.empty() || line.front() == ';' || line.front() == '#')
            continue;
        std::string where = fileName + ":" + std::to_string(lineNo);
        if (line.front() == '[') {
            config.warnings.push_back(where + ": ini section " + line + " is not used by npm; its keys are ignored");
            // npm nests the following keys under the section, so none of them reach the config.
            while (pos <= text.size()) {
                auto next = text.find('\n', pos);
                std::string peek = trim(text.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
                if (!peek.empty() && peek.front() == '[')
                    break;
                pos = next == std::string_view::npos ? text.size() + 1 : next + 1;
                ++lineNo;
            }
            continue;
        }
        auto eq = line.find('=');
        std::string key = iniValue(line.substr(0, eq));
        std::string value = eq == std::string::npos ? std::string("true") : iniValue(line.substr(eq + 1));
        if (key.empty()) {
            config.warnings.push_back(where + ": line has no key; ignored");
            continue;
        }
        if (key.size() > 2 && key.compare(key.size() - 2, 2, "[]") == 0) {
            config.warnings.push_back(where + ": array setting " + key + " is not supported; ignored");
            continue;
        }
        // An unset ${VAR} (typically `_authToken=${NPM_TOKEN}` in a project's .npmrc, set only in
        // CI) skips that one setting with a warning: npm ≥ 7 would send the literal text as a
        // token, and failing the whole resolve would punish public packages for a private one.
        auto expandedKey = expandEnv(key, env, where);
        auto expandedValue = expandedKey ? expandEnv(value, env, where) : Result<std::string>(expandedKey.error());
        if (!expandedKey || !expandedValue) {
            const Error& e = expandedKey ? expandedValue.error() : expandedKey.error();
            config.warnings.push_back(e.primary + "; setting " + key + " ignored");
            continue;
        }
        applyKey(config, *expandedKey, *expandedValue, where);
    }
    config.sources.push_back(fileName);
    return {};
}

Status applyNpmEnvironment(RegistryConfig& config, const std::map<std::string, std::string>& env) {
    static constexpr std::string_view prefix = "npm_config_";
    bool any = false;
    for (const auto& [name, rawValue] : env) {
        if (name.size() <= prefix.size() || lower(name.substr(0, prefix.size())) != prefix || rawValue.empty())
            continue;
        std::string key = name.substr(prefix.size());
        if (key.rfind("//", 0) != 0) {
            // npm: "fetch_retries" → "fetch-retries", but a leading '_' stays ("_auth").
            for (std::size_t i = 1; i < key.size(); ++i)
                if (key[i] == '_')
                    key[i] = '-';
            key = lower(key);
        }
        std::string where = "environment variable " + name;
        auto value = expandEnv(rawValue, env, where);
        if (!value)
            return std::move(value).error();
        applyKey(config, key, *value, where);
        any = true;
    }
    if (any)
        config.sources.push_back("environment");
    return {};
}

Result<RegistryConfig> loadRegistryConfig(const std::filesystem::path& projectDir,
                                          const std::map<std::string, std::string>& env) {
    RegistryConfig config;
    // NPM_CONFIG_USERCONFIG is matched case-insensitively like every npm_config_ variable.
    std::filesystem::path userConfig;
    for (const auto& [name, value] : env)
        if (lower(name) == "npm_config_userconfig" && !value.empty())
            userConfig = value;
    if (userConfig.empty() && !lookup(env, "HOME").empty())
        userConfig = std::filesystem::path(lookup(env, "HOME")) / ".npmrc";

    std::vector<std::filesystem::path> files;
    if (!userConfig.empty())
        files.push_back(userConfig);
    if (!projectDir.empty())
        files.push_back(projectDir / ".npmrc");
    for (const auto& file : files) {
        bool exists = false;
        auto text = readFileIfExists(file, exists);
        if (!text)
            return std::move(text).error();
        if (exists)
            VIGIL_TRY(applyNpmrc(config, *text, file.string(), env));
    }
    VIGIL_TRY(applyNpmEnvironment(config, env));

    // As npm's HTTP agent does: the conventional proxy variables apply when npm config sets none.
    auto envAny = [&](std::initializer_list<const char*> names) {
        for (const char* n : names)
            if (auto v = lookup(env, n); !v.empty())
                return v;
        return std::string();
    };
    if (config.httpsProxy.empty())
        config.httpsProxy = envAny({"https_proxy", "HTTPS_PROXY"});
    if (config.proxy.empty())
        config.proxy = envAny({"http_proxy", "HTTP_PROXY", "proxy"});
    if (config.noProxy.empty())
        config.noProxy = envAny({"no_proxy", "NO_PROXY"});
    return config;
}

}  // namespace vigil::engine::resolve
