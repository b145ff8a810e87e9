// Dependency specifiers read the way npm-package-arg reads them, plus the link:/workspace:
// protocols of pnpm and yarn that npm itself rejects.
#include "engine/resolve/package_spec.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "engine/resolve/semver.h"
#include "engine/resolve/semver_syntax.h"

namespace vigil::engine::resolve {

namespace {

using semver_syntax::isSpace;
using semver_syntax::trim;

std::string toLower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && toLower(text.substr(0, prefix.size())) == prefix;
}

bool endsWithNoCase(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && toLower(text.substr(text.size() - suffix.size())) == suffix;
}

/// Characters encodeURIComponent leaves alone — npm's notion of URL-friendly.
bool isUriUnreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '!' || c == '~' || c == '*' || c == '\'' || c == '(' || c == ')';
}

bool isUriSafe(std::string_view text) { return std::all_of(text.begin(), text.end(), isUriUnreserved); }

/// What is wrong with `name` as a package name, or nullopt when npm would accept it.
std::optional<std::string> packageNameProblem(std::string_view name) {
    if (name.empty()) return "a package name cannot be empty";
    if (name.size() > 214) return "a package name cannot be longer than 214 characters";
    if (name.front() == '.') return "a package name cannot start with a period";
    if (name.front() == '-') return "a package name cannot start with a hyphen";
    if (name.front() == '_') return "a package name cannot start with an underscore";
    if (trim(name) != name) return "a package name cannot have leading or trailing spaces";
    const std::string lower = toLower(name);
    if (lower == "node_modules" || lower == "favicon.ico") return "\"" + lower + "\" is reserved";
    if (isUriSafe(name)) return std::nullopt;
    // Otherwise only "@scope/name" with both halves URL-friendly is allowed.
    const std::string_view problem = "a package name may only contain URL-friendly characters (or be @scope/name)";
    if (name.front() != '@') return std::string(problem);
    std::size_t slash = name.find('/');
    if (slash == std::string_view::npos || slash == 1 || slash + 1 == name.size()) return std::string(problem);
    std::string_view scope = name.substr(1, slash - 1);
    std::string_view bare = name.substr(slash + 1);
    if (bare.find('/') != std::string_view::npos) return std::string(problem);
    if (bare.front() == '.') return "a package name cannot start with a period";
    if (!isUriSafe(scope) || !isUriSafe(bare)) return std::string(problem);
    return std::nullopt;
}

/// "scheme:" with npm's pattern ^(git+)?[a-z]+: (case-insensitive).
bool looksLikeUrl(std::string_view spec) {
    std::size_t pos = startsWithNoCase(spec, "git+") ? 4 : 0;
    std::size_t start = pos;
    while (pos < spec.size() && std::isalpha(static_cast<unsigned char>(spec[pos]))) ++pos;
    return pos > start && pos < spec.size() && spec[pos] == ':';
}

/// scp-style git remotes "user@host.tld:path" (npm's isGit pattern).
bool looksLikeScpGit(std::string_view spec) {
    std::size_t at = spec.find('@');
    if (at == 0 || at == std::string_view::npos) return false;
    std::size_t colon = spec.find(':', at + 1);
    if (colon == std::string_view::npos || colon + 1 == spec.size()) return false;
    std::string_view host = spec.substr(at + 1, colon - at - 1);
    std::size_t dot = host.find('.');
    return dot != std::string_view::npos && dot > 0 && dot + 1 < host.size() &&
           spec.substr(0, at).find(':') == std::string_view::npos;
}

bool isTarballName(std::string_view spec) {
    return endsWithNoCase(spec, ".tgz") || endsWithNoCase(spec, ".tar.gz") || endsWithNoCase(spec, ".tar");
}

/// npm's posix file-spec test: "file:", ".", "~/", "/" or a drive letter.
bool looksLikeFile(std::string_view spec) {
    if (startsWithNoCase(spec, "file:")) return true;
    if (spec.empty()) return false;
    if (spec.front() == '.' || spec.front() == '/' || spec.substr(0, 2) == "~/") return true;
    return spec.size() >= 2 && std::isalpha(static_cast<unsigned char>(spec[0])) && spec[1] == ':';
}

/// "user/repo" and "user/repo#ref" mean GitHub (hosted-git-info's shorthand rules).
bool isGitHubShorthand(std::string_view spec) {
    const std::size_t hash = spec.find('#');
    const std::string_view head = spec.substr(0, hash);
    const std::size_t slash = head.find('/');
    if (slash == std::string_view::npos || slash == 0) return false;
    if (head.find('/', slash + 1) != std::string_view::npos) return false;
    if (head.back() == '/' || head.front() == '.') return false;
    return std::none_of(head.begin(), head.end(), [](char c) { return isSpace(c) || c == '@' || c == ':'; });
}

/// Splits "repo#committish".
std::pair<std::string, std::string> splitCommittish(std::string_view spec) {
    std::size_t hash = spec.find('#');
    if (hash == std::string_view::npos) return {std::string(spec), {}};
    return {std::string(spec.substr(0, hash)), std::string(spec.substr(hash + 1))};
}

std::vector<std::string_view> pathSegments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < path.size()) {
        std::size_t slash = path.find('/', pos);
        if (slash == std::string_view::npos) slash = path.size();
        if (slash > pos) out.push_back(path.substr(pos, slash - pos));
        pos = slash + 1;
    }
    return out;
}

/// An http(s) URL that names a repository on a known git host rather than a tarball there.
bool isHostedRepositoryUrl(std::string_view url) {
    const std::string lower = toLower(url);
    const bool https = lower.starts_with("https://");
    if (!https && !lower.starts_with("http://")) return false;
    std::string_view rest = std::string_view(url).substr(https ? 8 : 7);
    rest = rest.substr(0, rest.find('#'));
    std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return false;
    std::string host = toLower(rest.substr(0, slash));
    if (std::size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
    if (host.starts_with("www.")) host = host.substr(4);
    std::string_view path = rest.substr(slash);
    auto segments = pathSegments(path);
    if (host == "github.com")
        return segments.size() == 2 || (segments.size() >= 3 && segments[2] == "tree");
    if (!https) return false;  // only GitHub is recognised over plain http
    if (host == "bitbucket.org") return segments.size() == 2 || (segments.size() >= 3 && segments[2] != "get");
    if (host == "gitlab.com")
        return segments.size() >= 2 && path.find("/-/") == std::string_view::npos &&
               path.find("/archive.tar.gz") == std::string_view::npos;
    if (host == "gist.github.com") return !segments.empty() && (segments.size() < 3 || segments[2] != "raw");
    return false;
}

class SpecParser {
public:
    explicit SpecParser(ErrorCode code) : code_(code) {}

    Result<PackageSpec> resolve(std::string name, std::string_view rawSpec) {
        PackageSpec out;
        out.name = std::move(name);
        out.raw = std::string(rawSpec);
        const std::string_view spec = trim(rawSpec);
        if (!out.name.empty()) {
            if (auto problem = packageNameProblem(out.name))
                return makeError(code_, "invalid package name \"" + out.name + "\"", *problem);
        }

        if (startsWithNoCase(spec, "workspace:")) return with(out, SpecKind::Workspace, spec.substr(10));
        // yarn's portal: is a link whose dependencies are installed too; both are symlinks.
        if (startsWithNoCase(spec, "link:")) return with(out, SpecKind::Link, spec.substr(5));
        if (startsWithNoCase(spec, "portal:")) return with(out, SpecKind::Link, spec.substr(7));
        if (looksLikeFile(spec)) return with(out, SpecKind::File, filePath(spec));
        if (startsWithNoCase(spec, "npm:")) return alias(std::move(out), spec.substr(4));
        if (auto hosted = hostedShortcut(spec)) {
            auto [repo, committish] = splitCommittish(*hosted);
            out.gitCommittish = committish;
            return with(out, SpecKind::Git, repo);
        }
        if (looksLikeUrl(spec)) return url(std::move(out), spec);
        if (looksLikeScpGit(spec)) {
            auto [repo, committish] = splitCommittish(spec);
            out.gitCommittish = committish;
            return with(out, SpecKind::Git, repo);
        }
        if (spec.find('/') != std::string_view::npos || isTarballName(spec))
            return with(out, SpecKind::File, std::string(spec));
        return registry(std::move(out), spec);
    }

    Result<PackageSpec> parseArg(std::string_view arg) {
        arg = trim(arg);
        const std::size_t nameEnd = arg.find('@', 1);
        const std::string_view namePart = arg.substr(0, nameEnd);
        if (looksLikeUrl(arg)) return requireName(resolve({}, arg), arg);
        if (looksLikeScpGit(arg)) return requireName(resolve({}, arg), arg);
        if (!namePart.starts_with('@') && (namePart.find('/') != std::string_view::npos || isTarballName(namePart)))
            return requireName(resolve({}, arg), arg);
        if (nameEnd != std::string_view::npos) {
            std::string_view spec = arg.substr(nameEnd + 1);
            return resolve(std::string(namePart), spec.empty() ? std::string_view("*") : spec);
        }
        if (!packageNameProblem(arg)) return resolve(std::string(arg), "*");
        // Not a name: npm would try it as a bare specifier, which only makes sense for paths.
        auto parsed = resolve({}, arg);
        if (parsed && !parsed->isRegistry()) return parsed;
        auto problem = packageNameProblem(arg);
        return makeError(code_, "invalid package name \"" + std::string(arg) + "\"",
                         problem ? *problem : "expected name, name@spec or @scope/name@spec");
    }

private:
    ErrorCode code_;

    static Result<PackageSpec> with(PackageSpec& out, SpecKind kind, std::string_view fetchSpec) {
        out.kind = kind;
        out.fetchSpec = std::string(fetchSpec);
        return out;
    }

    Error specError(const PackageSpec& spec, std::string_view text, std::string why) const {
        std::string subject = spec.name.empty() ? std::string() : " for " + spec.name;
        return makeError(code_, "invalid dependency specifier" + subject + ": \"" + std::string(text) + "\"",
                         std::move(why));
    }

    /// A registry kind needs a name to look up; "_foo" on a command line has none.
    Result<PackageSpec> requireName(Result<PackageSpec> parsed, std::string_view arg) const {
        if (parsed && parsed->isRegistry() && parsed->registryName().empty()) {
            auto problem = packageNameProblem(arg);
            return makeError(code_, "invalid package name \"" + std::string(arg) + "\"",
                             problem ? *problem : "expected name, name@spec or @scope/name@spec");
        }
        return parsed;
    }

    /// The path of a file spec as written, without "file:" and with npm's file:// normalisation.
    static std::string filePath(std::string_view spec) {
        if (!startsWithNoCase(spec, "file:")) return std::string(spec);
        std::string_view path = spec.substr(5);
        if (!path.starts_with('/')) return std::string(path);
        std::size_t slashes = path.find_first_not_of('/');
        std::string_view rest = slashes == std::string_view::npos ? std::string_view() : path.substr(slashes);
        // file:/../x and file:///./x are relative in npm; file://host/p and file:///p are /p.
        if (slashes <= 3 && (rest == "." || rest == ".." || rest.starts_with("./") || rest.starts_with("../")))
            return std::string(rest);
        return "/" + std::string(rest);
    }

    static std::optional<std::string> hostedShortcut(std::string_view spec) {
        for (std::string_view prefix : {"github:", "gitlab:", "bitbucket:", "gist:"}) {
            if (startsWithNoCase(spec, prefix))
                return toLower(spec.substr(0, prefix.size())) + std::string(spec.substr(prefix.size()));
        }
        if (isGitHubShorthand(spec)) return "github:" + std::string(spec);
        return std::nullopt;
    }

    Result<PackageSpec> url(PackageSpec out, std::string_view spec) const {
        const std::string lower = toLower(spec);
        if (lower.starts_with("http://") || lower.starts_with("https://")) {
            if (isHostedRepositoryUrl(spec)) {
                auto [repo, committish] = splitCommittish(spec);
                std::size_t tree = repo.find("/tree/");
                if (tree != std::string::npos && toLower(repo).find("github.com") != std::string::npos) {
                    // https://github.com/u/r/tree/dev means branch dev of u/r.
                    committish = repo.substr(tree + 6);
                    repo.resize(tree);
                }
                out.gitCommittish = committish;
                return with(out, SpecKind::Git, repo);
            }
            return with(out, SpecKind::Remote, spec);
        }
        static constexpr std::array kGitSchemes = {"git:", "git+http:", "git+https:", "git+ssh:", "git+file:",
                                                   "git+rsync:", "git+ftp:", "ssh:"};
        const std::string scheme = lower.substr(0, lower.find(':') + 1);
        if (std::find(kGitSchemes.begin(), kGitSchemes.end(), scheme) == kGitSchemes.end())
            return specError(out, spec, "unsupported URL scheme \"" + scheme + "\"");
        auto [repo, committish] = splitCommittish(spec);
        if (startsWithNoCase(repo, "git+")) repo = repo.substr(4);
        // ssh://git@host:user/repo is scp syntax dressed as a URL; git wants it bare.
        if (startsWithNoCase(repo, "ssh://")) {
            std::string_view authority = std::string_view(repo).substr(6);
            std::size_t colon = authority.find(':');
            std::size_t slash = authority.find('/');
            bool port = colon != std::string_view::npos && colon + 1 < authority.size() &&
                        std::isdigit(static_cast<unsigned char>(authority[colon + 1]));
            if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash) && !port &&
                authority.find('@') < colon)
                repo = std::string(authority);
        }
        out.gitCommittish = committish;
        return with(out, SpecKind::Git, repo);
    }

    Result<PackageSpec> alias(PackageSpec out, std::string_view inner) const {
        SpecParser innerParser(code_);
        auto target = innerParser.parseArg(inner);
        if (!target) return specError(out, out.raw, target.error().describe());
        if (target->kind == SpecKind::Alias) return specError(out, out.raw, "nested aliases are not supported");
        if (!target->isRegistry()) return specError(out, out.raw, "an npm: alias can only point at a registry package");
        out.kind = SpecKind::Alias;
        out.aliasTarget = target->name;
        out.aliasKind = target->kind;
        out.fetchSpec = target->fetchSpec;
        return out;
    }

    Result<PackageSpec> registry(PackageSpec out, std::string_view spec) const {
        switch (classifyRegistrySpec(spec)) {
        case RegistrySpecKind::Version: return with(out, SpecKind::Version, spec);
        case RegistrySpecKind::Range: return with(out, SpecKind::Range, spec);
        case RegistrySpecKind::Tag: return with(out, SpecKind::Tag, spec);
        case RegistrySpecKind::Invalid: break;
        }
        return specError(out, spec,
                         "not a version, range, dist-tag (URL-safe characters only), URL, git repository or path");
    }
};

}  // namespace

Result<PackageSpec> parseDependencySpec(std::string_view name, std::string_view spec) {
    if (name.empty()) return makeError(ErrorCode::Input, "dependency with an empty name (spec \"" + std::string(spec) + "\")");
    return SpecParser(ErrorCode::Input).resolve(std::string(name), spec);
}

Result<PackageSpec> parsePackageArg(std::string_view arg) { return SpecParser(ErrorCode::Usage).parseArg(arg); }

bool isValidPackageName(std::string_view name) { return !packageNameProblem(name); }

}  // namespace vigil::engine::resolve
