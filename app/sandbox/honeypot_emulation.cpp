// The honeypot's emulations. Every input is attacker-controlled: fields are read with bounded
// string scans (the helper has no exceptions and request bodies may be cut at the record cap),
// and everything echoed back or recorded is JSON-escaped to printable ASCII.
#include "app/sandbox/honeypot_emulation.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <elf.h>
#include <iterator>
#include <optional>
#include <vector>

#include "app/sandbox/honeypot_tarball.h"

namespace vigil::sandbox {
namespace {

constexpr size_t kMaxEcho = 256;  // longest value taken from a request into a reply or record

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

/// JSON string contents: printable ASCII kept, the rest escaped or replaced, at most kMaxEcho bytes.
std::string esc(std::string_view s) {
    std::string out;
    for (char ch : s.substr(0, kMaxEcho)) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c >= 0x20 && c < 0x7f) {
            out += ch;
        } else {
            out += '?';  // control bytes and non-ASCII: nothing of it matters to the analysis
        }
    }
    return out;
}

std::string quote(std::string_view s) { return "\"" + esc(s) + "\""; }

/// {"k":"v",...} from pairs: the detail record the engine turns into the event's `emulated`.
std::string flatJson(std::initializer_list<std::pair<const char*, std::string>> fields) {
    std::string out = "{";
    for (const auto& [k, v] : fields) {
        if (out.size() > 1)
            out += ",";
        out += quote(k) + ":" + quote(v);
    }
    return out + "}";
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/// %XX decoding of a path segment (npm sends "@scope%2fname"); a stray '%' stays as it is.
std::string urlDecode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        const int hi = s[i] == '%' && i + 2 < s.size() ? hexDigit(s[i + 1]) : -1;
        const int lo = hi >= 0 ? hexDigit(s[i + 2]) : -1;
        if (lo >= 0) {
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

/// The value of the first `"key": "value"` in a JSON text, without parsing the whole (which may
/// be cut short); nullopt when absent. Escapes other than \" and \\ are kept as written.
std::optional<std::string> jsonField(std::string_view text, std::string_view key) {
    const std::string needle = "\"" + std::string(key) + "\"";
    size_t at = 0;
    while ((at = text.find(needle, at)) != std::string_view::npos) {
        size_t i = at + needle.size();
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
            ++i;
        if (i >= text.size() || text[i] != ':') {
            at += needle.size();
            continue;
        }
        ++i;
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
            ++i;
        if (i >= text.size() || text[i] != '"') {
            at += needle.size();
            continue;
        }
        std::string value;
        for (++i; i < text.size() && value.size() < kMaxEcho; ++i) {
            if (text[i] == '"')
                return value;
            if (text[i] == '\\' && i + 1 < text.size())
                ++i;
            value += text[i];
        }
        return value;  // cut short: what there is
    }
    return std::nullopt;
}

/// A header's value (case-insensitive name) from the raw header block.
std::string header(std::string_view headers, std::string_view name) {
    const std::string want = lower(name);
    while (!headers.empty()) {
        const size_t nl = headers.find("\r\n");
        const std::string_view line = headers.substr(0, nl);
        headers = nl == std::string_view::npos ? std::string_view() : headers.substr(nl + 2);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || lower(line.substr(0, colon)) != want)
            continue;
        std::string_view v = line.substr(colon + 1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
            v.remove_prefix(1);
        return std::string(v);
    }
    return {};
}

std::string reasonFor(int status) {
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 404: return "Not Found";
    default: return "OK";
    }
}

std::string respond(int status, std::string_view type, std::string_view body, std::string_view extra = {}) {
    std::string r = "HTTP/1.1 " + std::to_string(status) + " " + reasonFor(status) + "\r\n";
    r += "Content-Type: " + std::string(type) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    r += extra;
    r += "Connection: close\r\n\r\n";
    r += body;
    return r;
}

std::string json(int status, std::string_view body, std::string_view extra = {}) {
    return respond(status, "application/json; charset=utf-8", body, extra);
}

/// Stable digits from text: ids and hashes in replies look real and repeat within a run.
uint64_t digest(std::string_view s) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (char c : s)
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return h;
}

std::string hex(uint64_t v, size_t digits) {
    static const char* const kHex = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < digits; ++i) {
        out += kHex[v & 15];
        v = v >> 4 | (v & 15) << 60;
        if (i % 16 == 15)
            v = digest(out);
    }
    return out;
}

// --- GitHub REST API --------------------------------------------------------------------------

constexpr const char* kGithubHeaders = "Server: GitHub.com\r\nX-GitHub-Media-Type: github.v3; format=json\r\n";

std::optional<HttpReply> github(const HttpRequest& req, std::string_view path, std::string_view body,
                                const EmulationSettings& s) {
    const std::string id = std::to_string(10000000 + digest(s.login) % 90000000);
    if (req.method == "GET" && (path == "/user" || path == "/user/")) {
        const std::string user = "{\"login\":" + quote(s.login) + ",\"id\":" + id + ",\"node_id\":\"MDQ6VXNlcj" + hex(digest(id), 8) +
                                 "\",\"avatar_url\":\"https://avatars.githubusercontent.com/u/" + id +
                                 "?v=4\",\"html_url\":\"https://github.com/" + esc(s.login) +
                                 "\",\"type\":\"User\",\"site_admin\":false,\"name\":" + quote(s.fullName) +
                                 ",\"company\":null,\"blog\":\"\",\"location\":null,\"email\":" + quote(s.email) +
                                 ",\"public_repos\":14,\"followers\":9,\"following\":21,\"created_at\":\"2016-03-11T09:42:17Z\"}";
        // Worms read the token's scopes before they try to push workflows.
        return HttpReply{json(200, user, std::string(kGithubHeaders) + "X-OAuth-Scopes: gist, read:org, repo, workflow\r\n"),
                         "github.user", flatJson({{"login", s.login}})};
    }
    const bool userRepos = path == "/user/repos";
    const bool orgRepos = startsWith(path, "/orgs/") && endsWith(path, "/repos");
    if (req.method == "POST" && (userRepos || orgRepos)) {
        const std::string owner = userRepos ? s.login : urlDecode(path.substr(6, path.size() - 6 - 6));
        const std::string name = jsonField(body, "name").value_or("repository");
        const std::string full = esc(owner) + "/" + esc(name);
        const std::string repo = "{\"id\":" + std::to_string(600000000 + digest(name) % 100000000) + ",\"name\":" + quote(name) +
                                 ",\"full_name\":\"" + full + "\",\"private\":" +
                                 (body.find("\"private\":true") != std::string_view::npos ? "true" : "false") +
                                 ",\"owner\":{\"login\":" + quote(owner) + ",\"id\":" + id +
                                 ",\"type\":\"User\"},\"html_url\":\"https://github.com/" + full +
                                 "\",\"clone_url\":\"https://github.com/" + full + ".git\",\"default_branch\":\"main\"," +
                                 "\"created_at\":\"2025-01-01T00:00:00Z\",\"permissions\":{\"admin\":true,\"push\":true,\"pull\":true}}";
        return HttpReply{json(201, repo, kGithubHeaders), "github.repo_create", flatJson({{"owner", owner}, {"name", name}})};
    }
    if (req.method == "PUT" && startsWith(path, "/repos/")) {
        // /repos/{owner}/{repo}/contents/{path...}
        const std::string_view rest = path.substr(7);
        const size_t a = rest.find('/');
        const size_t b = a == std::string_view::npos ? a : rest.find('/', a + 1);
        if (b != std::string_view::npos && startsWith(rest.substr(b), "/contents/")) {
            const std::string owner = urlDecode(rest.substr(0, a)), repo = urlDecode(rest.substr(a + 1, b - a - 1));
            const std::string file = urlDecode(rest.substr(b + 10));
            const std::string base = file.substr(file.rfind('/') == std::string::npos ? 0 : file.rfind('/') + 1);
            const std::string sha = hex(digest(body), 40), commit = hex(digest(file + std::string(body)), 40);
            const std::string reply = "{\"content\":{\"name\":" + quote(base) + ",\"path\":" + quote(file) + ",\"sha\":\"" + sha +
                                      "\",\"type\":\"file\",\"html_url\":\"https://github.com/" + esc(owner) + "/" + esc(repo) +
                                      "/blob/main/" + esc(file) + "\"},\"commit\":{\"sha\":\"" + commit +
                                      "\",\"message\":" + quote(jsonField(body, "message").value_or("")) + "}}";
            return HttpReply{json(201, reply, kGithubHeaders), "github.contents_put",
                             flatJson({{"owner", owner}, {"repo", repo}, {"path", file}})};
        }
    }
    return std::nullopt;
}

// --- npm registry -----------------------------------------------------------------------------

/// "/name", "/@scope%2fname" or "/@scope/name" -> the package name; "" when the path is not one.
std::string packageFromPath(std::string_view path) {
    if (path.size() < 2 || path[0] != '/')
        return {};
    const std::string name = urlDecode(path.substr(1));
    const size_t slash = name.find('/');
    const bool scoped = !name.empty() && name[0] == '@';
    if ((scoped && (slash == std::string::npos || name.find('/', slash + 1) != std::string::npos)) ||
        (!scoped && slash != std::string::npos) || name.size() > 214)
        return {};
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '@' || c == '/'))
            return {};
    return name;
}

/// The versions every packument offers, oldest first: one per major, so the ranges packages
/// really ask for (^1, ~1.4, ^2, 3, *, >=1) all resolve instead of failing with ETARGET, which
/// would end an install script's chain before its interesting part. The newest is "latest",
/// as on the real registry.
constexpr const char* kNpmVersions[] = {"1.4.2", "2.1.0", "3.0.1"};
constexpr const char* kNpmLatest = "3.0.1";
/// When each was "published" (same order): a plausible history, not one timestamp for all.
constexpr const char* kNpmPublished[] = {"2021-03-02T17:40:11.093Z", "2022-06-21T08:12:57.310Z", "2023-09-14T10:21:44.512Z"};

/// "/<name>/-/<base>-<version>.tgz" (name possibly "@scope/base", or "@scope%2fbase") -> {name, version}.
std::optional<std::pair<std::string, std::string>> tarballFromPath(std::string_view path) {
    const size_t dash = path.find("/-/");
    if (dash == std::string_view::npos || !endsWith(path, ".tgz"))
        return std::nullopt;
    const std::string name = packageFromPath(path.substr(0, dash));
    const std::string_view file = path.substr(dash + 3, path.size() - dash - 3 - 4);
    const std::string base = name.substr(name.find('/') == std::string::npos ? 0 : name.find('/') + 1);
    if (name.empty() || file.size() <= base.size() + 1 || file.substr(0, base.size()) != base || file[base.size()] != '-')
        return std::nullopt;
    const std::string_view version = file.substr(base.size() + 1);
    if (version.size() > 64 || !std::isdigit(static_cast<unsigned char>(version[0])))
        return std::nullopt;
    for (char c : version)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+'))
            return std::nullopt;
    return std::pair{name, std::string(version)};
}

std::optional<HttpReply> npm(const HttpRequest& req, std::string_view host, std::string_view path, std::string_view body,
                             bool https, const EmulationSettings& s) {
    const std::string ua = header(req.headers, "user-agent"), accept = header(req.headers, "accept");
    const std::string command = header(req.headers, "npm-command");
    const bool npmClient = startsWith(ua, "npm/") || startsWith(ua, "pnpm/") || startsWith(ua, "yarn/") || !command.empty() ||
                           accept.find("application/vnd.npm.install-v1+json") != std::string::npos;
    const bool registryHost = host == "registry.npmjs.org" || host == "registry.npmjs.com" || host == "registry.yarnpkg.com";
    if (req.method == "GET" && path == "/-/whoami")
        return HttpReply{json(200, "{\"username\":" + quote(s.login) + "}"), "npm.whoami", flatJson({{"username", s.login}})};
    if (req.method == "GET" && path == "/-/v1/search" && (npmClient || registryHost)) {
        // The packages "maintained" by the run's user: what a worm republishes next.
        std::string text;
        if (const size_t q = req.target.find("text="); q != std::string::npos)
            text = urlDecode(req.target.substr(q + 5, req.target.find('&', q) - q - 5));
        std::string objects;
        for (const std::string& name : {s.login + "-utils", "eslint-config-" + s.login}) {
            if (!objects.empty())
                objects += ",";
            objects += "{\"package\":{\"name\":" + quote(name) + ",\"version\":\"" + kNpmLatest + "\",\"description\":\"\",\"publisher\":"
                       "{\"username\":" + quote(s.login) + "},\"maintainers\":[{\"username\":" + quote(s.login) +
                       ",\"email\":" + quote(s.email) + "}]},\"score\":{\"final\":0.41}}";
        }
        return HttpReply{json(200, "{\"objects\":[" + objects + "],\"total\":2,\"time\":\"Mon, 01 Jan 2024 00:00:00 GMT\"}"),
                         "npm.search", flatJson({{"text", text}})};
    }
    const std::string pkg = packageFromPath(path);
    if (req.method == "PUT" && !pkg.empty() &&
        (command == "publish" || body.find("\"_attachments\"") != std::string_view::npos)) {
        const std::string name = jsonField(body, "name").value_or(pkg);
        // The first "version" is the manifest's inside "versions"; dist-tags names it too.
        const std::string version = jsonField(body, "version").value_or(jsonField(body, "latest").value_or(""));
        std::string tarball;
        const size_t attachments = body.find("\"_attachments\"");
        const size_t brace = attachments == std::string_view::npos ? attachments : body.find('{', attachments);
        if (brace != std::string_view::npos) {  // {"<name>-<version>.tgz": {...}}
            const size_t open = body.find('"', brace + 1);
            const size_t close = open == std::string_view::npos ? open : body.find('"', open + 1);
            if (close != std::string_view::npos)
                tarball = std::string(body.substr(open + 1, std::min(close - open - 1, kMaxEcho)));
        }
        return HttpReply{json(200, "{\"success\":true,\"ok\":true,\"id\":" + quote(name) + ",\"rev\":\"1-" + hex(digest(name + version), 32) + "\"}"),
                         "npm.publish", flatJson({{"package", name}, {"version", version}, {"tarball", tarball}})};
    }
    if (req.method == "GET" && !pkg.empty() && command == "publish") {
        // npm reads the packument before publishing (to pick the tag): "not found", as for a
        // new package, lets any version through.
        return HttpReply{json(404, "{\"error\":\"Not found\"}"), "npm.metadata", flatJson({{"package", pkg}})};
    }
    if (req.method == "GET" && (npmClient || registryHost)) {
        if (const auto tarball = tarballFromPath(path)) {
            // What `npm install` fetches second, checking it against the packument's integrity.
            const auto t = npmTarball(tarball->first, tarball->second);
            if (!t)
                return HttpReply{json(404, "{\"error\":\"Not found\"}"), "npm.tarball",
                                 flatJson({{"package", tarball->first}, {"version", tarball->second}})};
            return HttpReply{respond(200, "application/octet-stream", t->bytes, "Accept-Ranges: bytes\r\n"), "npm.tarball",
                             flatJson({{"package", tarball->first}, {"version", tarball->second}})};
        }
    }
    if (req.method == "GET" && !pkg.empty() && (npmClient || registryHost)) {
        const std::string base = pkg.substr(pkg.find('/') == std::string::npos ? 0 : pkg.find('/') + 1);
        std::string versions, times;
        for (size_t i = 0; i < std::size(kNpmVersions); ++i) {
            const std::string version = kNpmVersions[i];
            const std::string url = std::string(https ? "https://" : "http://") + esc(req.host) + "/" + pkg + "/-/" + base +
                                    "-" + version + ".tgz";
            const auto t = npmTarball(pkg, version);
            const std::string dist = t ? "\"dist\":{\"tarball\":" + quote(url) + ",\"shasum\":\"" + t->shasum +
                                             "\",\"integrity\":\"" + t->integrity + "\"}"
                                       : "\"dist\":{\"tarball\":" + quote(url) + "}";
            versions += std::string(i == 0 ? "" : ",") + "\"" + version + "\":{\"name\":" + quote(pkg) + ",\"version\":\"" +
                        version + "\",\"main\":\"index.js\",\"license\":\"MIT\",\"dependencies\":{}," + dist + "}";
            times += ",\"" + version + "\":\"" + kNpmPublished[i] + "\"";
        }
        const std::string doc = "{\"_id\":" + quote(pkg) + ",\"name\":" + quote(pkg) + ",\"dist-tags\":{\"latest\":\"" +
                                kNpmLatest + "\"},\"versions\":{" + versions + "},\"modified\":\"" + kNpmPublished[2] +
                                "\",\"time\":{\"created\":\"" + kNpmPublished[0] + "\",\"modified\":\"" + kNpmPublished[2] + "\"" +
                                times + "},\"maintainers\":[{\"name\":" + quote(s.login) + "}]}";
        return HttpReply{json(200, doc), "npm.metadata", flatJson({{"package", pkg}})};
    }
    return std::nullopt;
}

// --- geo-IP lookups ---------------------------------------------------------------------------

struct Country {
    const char* code;
    const char* name;
    const char* region;
    const char* city;
    const char* lat;
    const char* lon;
    const char* tz;
    const char* ip;   ///< an address of a large consumer ISP of the country
    const char* isp;
};

constexpr Country kCountries[] = {
    {"US", "United States", "California", "San Jose", "37.3394", "-121.895", "America/Los_Angeles", "73.158.64.21", "Comcast Cable Communications, LLC"},
    {"RU", "Russia", "Moscow", "Moscow", "55.7522", "37.6156", "Europe/Moscow", "95.24.117.83", "PJSC VimpelCom"},
    {"BY", "Belarus", "Minsk City", "Minsk", "53.9", "27.5667", "Europe/Minsk", "178.120.33.9", "Republican Unitary Telecommunication Enterprise Beltelecom"},
    {"UA", "Ukraine", "Kyiv City", "Kyiv", "50.4547", "30.5238", "Europe/Kyiv", "93.72.101.14", "Kyivstar PJSC"},
    {"CN", "China", "Beijing", "Beijing", "39.9075", "116.397", "Asia/Shanghai", "123.115.40.77", "China Unicom Beijing Province Network"},
    {"DE", "Germany", "Berlin", "Berlin", "52.5244", "13.4105", "Europe/Berlin", "91.64.188.12", "Vodafone GmbH"},
    {"GB", "United Kingdom", "England", "London", "51.5085", "-0.12574", "Europe/London", "86.128.59.201", "British Telecommunications PLC"},
    {"FR", "France", "Ile-de-France", "Paris", "48.8534", "2.3488", "Europe/Paris", "90.45.112.8", "Orange S.A."},
    {"IN", "India", "Karnataka", "Bengaluru", "12.9719", "77.5937", "Asia/Kolkata", "49.207.53.140", "Atria Convergence Technologies Ltd."},
    {"JP", "Japan", "Tokyo", "Tokyo", "35.6895", "139.692", "Asia/Tokyo", "126.15.88.33", "SoftBank Corp."},
    {"BR", "Brazil", "Sao Paulo", "Sao Paulo", "-23.5475", "-46.6361", "America/Sao_Paulo", "177.68.12.190", "Claro NXT Telecomunicacoes Ltda"},
    {"IR", "Iran", "Tehran", "Tehran", "35.6944", "51.4215", "Asia/Tehran", "5.120.44.17", "Iran Cell Service and Communication Company"},
    {"IL", "Israel", "Tel Aviv", "Tel Aviv", "32.0809", "34.7806", "Asia/Jerusalem", "79.177.130.4", "Bezeq International"},
    {"KP", "North Korea", "Pyongyang", "Pyongyang", "39.0339", "125.755", "Asia/Pyongyang", "175.45.176.3", "Star Joint Venture Co. Ltd."},
    {"NL", "Netherlands", "North Holland", "Amsterdam", "52.374", "4.88969", "Europe/Amsterdam", "84.85.20.61", "KPN B.V."},
    {"CA", "Canada", "Ontario", "Toronto", "43.7064", "-79.3986", "America/Toronto", "99.228.17.45", "Rogers Communications Canada Inc."},
};

Country countryFor(const std::string& code) {
    for (const Country& c : kCountries)
        if (code == c.code)
            return c;
    // A code outside the table: still the code the run asked for, without invented details.
    Country c = kCountries[0];
    c.code = nullptr;
    return c;
}

std::optional<HttpReply> geoIp(std::string_view host, std::string_view path, const EmulationSettings& s) {
    Country c = countryFor(s.country);
    const std::string code = s.country;
    const std::string name = c.code ? c.name : code;
    auto n = [](const char* v) { return std::string(v); };
    auto detail = [&] { return flatJson({{"service", std::string(host)}, {"country", code}}); };
    auto text = [&](const std::string& v) {
        return HttpReply{respond(200, "text/plain; charset=utf-8", v + "\n"), "geoip", detail()};
    };
    auto reply = [&](const std::string& body) { return HttpReply{json(200, body), "geoip", detail()}; };
    const std::string lowerPath = lower(path);
    if (host == "ip-api.com" || host == "pro.ip-api.com") {
        if (startsWith(lowerPath, "/line"))
            return text("success\n" + name + "\n" + code + "\n" + n(c.region) + "\n" + n(c.city) + "\n" + n(c.tz));
        return reply("{\"status\":\"success\",\"country\":" + quote(name) + ",\"countryCode\":\"" + code +
                     "\",\"regionName\":" + quote(c.region) + ",\"city\":" + quote(c.city) + ",\"lat\":" + c.lat +
                     ",\"lon\":" + c.lon + ",\"timezone\":" + quote(c.tz) + ",\"isp\":" + quote(c.isp) + ",\"org\":" +
                     quote(c.isp) + ",\"query\":\"" + c.ip + "\"}");
    }
    if (host == "ipinfo.io" || host == "api.ipinfo.io") {
        if (endsWith(lowerPath, "/country"))
            return text(code);
        return reply("{\"ip\":\"" + n(c.ip) + "\",\"city\":" + quote(c.city) + ",\"region\":" + quote(c.region) + ",\"country\":\"" +
                     code + "\",\"loc\":\"" + c.lat + "," + c.lon + "\",\"org\":" + quote(c.isp) + ",\"timezone\":" + quote(c.tz) + "}");
    }
    if (host == "ipapi.co") {
        if (endsWith(lowerPath, "/country/") || endsWith(lowerPath, "/country") || endsWith(lowerPath, "/country_code/"))
            return text(code);
        if (endsWith(lowerPath, "/country_name/") || endsWith(lowerPath, "/country_name"))
            return text(name);
        return reply("{\"ip\":\"" + n(c.ip) + "\",\"city\":" + quote(c.city) + ",\"region\":" + quote(c.region) +
                     ",\"country\":\"" + code + "\",\"country_code\":\"" + code + "\",\"country_name\":" + quote(name) +
                     ",\"latitude\":" + c.lat + ",\"longitude\":" + c.lon + ",\"timezone\":" + quote(c.tz) + ",\"org\":" +
                     quote(c.isp) + "}");
    }
    if (host == "ifconfig.co" || host == "ifconfig.io") {
        if (endsWith(lowerPath, "/country-iso") || endsWith(lowerPath, "/country_code"))
            return text(code);
        if (endsWith(lowerPath, "/country"))
            return text(name);
    }
    const bool geoHost = host == "ipwho.is" || host == "ipwhois.app" || host == "api.country.is" ||
                         host == "geolocation-db.com" || host == "get.geojs.io" || host == "freeipapi.com" ||
                         host == "extreme-ip-lookup.com" || host == "ifconfig.co" || host == "ifconfig.io" ||
                         host == "api.ipgeolocation.io" || host == "ipgeolocation.io" || host == "api.db-ip.com" ||
                         host == "geoip-db.com" || host == "freegeoip.app" || host == "api.iplocation.net" ||
                         host.find("geoip") != std::string_view::npos || host.find("geolocation") != std::string_view::npos;
    if (!geoHost)
        return std::nullopt;
    // One body carrying every common spelling of the fields: each client reads the ones it knows.
    return reply("{\"ip\":\"" + n(c.ip) + "\",\"success\":true,\"country\":\"" + (host == "api.country.is" ? code : name) +
                 "\",\"country_code\":\"" + code + "\",\"countryCode\":\"" + code + "\",\"country_name\":" + quote(name) +
                 ",\"countryName\":" + quote(name) + ",\"country_iso\":\"" + code + "\",\"city\":" + quote(c.city) +
                 ",\"region\":" + quote(c.region) + ",\"latitude\":" + c.lat + ",\"longitude\":" + c.lon +
                 ",\"timezone\":" + quote(c.tz) + "}");
}

// --- file downloads ---------------------------------------------------------------------------

/// "elf", "script" or "" (not a download) from the request's path and Accept header.
std::string downloadFormat(const HttpRequest& req, std::string_view path) {
    if (req.method != "GET")
        return {};
    const std::string file = lower(path.substr(path.rfind('/') + 1));
    for (const char* ext : {".sh", ".bash"})
        if (endsWith(file, ext))
            return "script";
    for (const char* ext : {".exe", ".bin", ".elf", ".run", ".out", ".so", ".dll", ".appimage", ".x86_64", ".amd64", ".arm64"})
        if (endsWith(file, ext))
            return "elf";
    // A release asset without an extension: "agent-linux-amd64", "miner_linux_x64".
    if (file.find('.') == std::string::npos && file.find("linux") != std::string::npos &&
        (file.find("amd64") != std::string::npos || file.find("x64") != std::string::npos ||
         file.find("x86_64") != std::string::npos || file.find("arm64") != std::string::npos))
        return "elf";
    if (lower(header(req.headers, "accept")) == "application/octet-stream")
        return "elf";
    return {};
}

}  // namespace

std::string stubExecutable(std::string_view format) {
#if defined(__x86_64__)
    constexpr uint16_t kMachine = EM_X86_64;
    // mov eax, 60 (exit); xor edi, edi; syscall
    constexpr uint8_t kCode[] = {0xb8, 0x3c, 0x00, 0x00, 0x00, 0x31, 0xff, 0x0f, 0x05};
#elif defined(__aarch64__)
    constexpr uint16_t kMachine = EM_AARCH64;
    // mov x0, #0; mov x8, #93 (exit); svc #0
    constexpr uint8_t kCode[] = {0x00, 0x00, 0x80, 0xd2, 0xa8, 0x0b, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4};
#else
    format = "script";  // no ELF stub for this architecture: the script runs anywhere
#endif
    if (format == "script")
        return "#!/bin/sh\nexit 0\n";
#if defined(__x86_64__) || defined(__aarch64__)
    // One PT_LOAD segment mapping the whole file; the code follows the headers.
    constexpr uint64_t kBase = 0x400000;
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
    eh.e_type = ET_EXEC;
    eh.e_machine = kMachine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = kBase + sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = 1;
    Elf64_Phdr ph{};
    ph.p_type = PT_LOAD;
    ph.p_flags = PF_R | PF_X;
    ph.p_offset = 0;
    ph.p_vaddr = ph.p_paddr = kBase;
    ph.p_filesz = ph.p_memsz = sizeof eh + sizeof ph + sizeof kCode;
    ph.p_align = 0x1000;
    std::string out(reinterpret_cast<const char*>(&eh), sizeof eh);
    out.append(reinterpret_cast<const char*>(&ph), sizeof ph);
    out.append(reinterpret_cast<const char*>(kCode), sizeof kCode);
    return out;
#else
    return "#!/bin/sh\nexit 0\n";
#endif
}

HttpReply emulateHttp(const HttpRequest& req, std::string_view body, bool https, const EmulationSettings& settings) {
    std::string host = lower(req.host);
    if (const size_t colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos)
        host.resize(colon);
    std::string_view target = req.target;
    if (const size_t scheme = target.find("://"); scheme != std::string_view::npos && target[0] != '/') {
        const size_t slash = target.find('/', scheme + 3);  // absolute form, as sent to a proxy
        target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    const std::string_view path = target.substr(0, target.find_first_of("?#"));

    if (host == "api.github.com")
        if (auto r = github(req, path, body, settings))
            return *r;
    if (auto r = geoIp(host, path, settings))
        return *r;
    if (auto r = npm(req, host, path, body, https, settings))
        return *r;
    if (const std::string format = downloadFormat(req, path); !format.empty()) {
        const std::string stub = stubExecutable(format);
        const std::string file = std::string(path.substr(path.rfind('/') + 1));
        return HttpReply{respond(200, format == "script" ? "text/x-shellscript" : "application/octet-stream", stub,
                                 "Accept-Ranges: bytes\r\n"),
                         "download", flatJson({{"name", file}, {"format", format}, {"bytes", std::to_string(stub.size())}}),
                         stub};
    }
    // The generic page is served too: a dropper that saves whatever came back from a name-less
    // URL ("/p") is told apart by the bytes on disk, not by the name it asked for.
    std::string page = httpResponse();
    std::string pageBody = page.substr(std::min(page.size(), page.find("\r\n\r\n") + 4));
    return HttpReply{std::move(page), "", "", std::move(pageBody)};
}

}  // namespace vigil::sandbox
