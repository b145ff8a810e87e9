#include "engine/resolve/locator.h"

#include <array>

#include <fnmatch.h>

namespace vigil::engine::resolve {

namespace {

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool isTarballPath(std::string_view path) {
    return endsWith(path, ".tgz") || endsWith(path, ".tar.gz") || endsWith(path, ".tar");
}

}  // namespace

std::pair<std::string, std::string> splitSelector(std::string_view selector) {
    const auto at = selector.find('@', 1);
    if (at == std::string_view::npos)
        return {std::string(selector), {}};
    return {std::string(selector.substr(0, at)), std::string(selector.substr(at + 1))};
}

std::pair<std::string, std::string> splitNpmAlias(std::string_view spec) {
    if (!startsWith(spec, "npm:"))
        return {};
    auto [name, range] = splitSelector(spec.substr(4));
    return {name, range};
}

SourceKind classifySource(std::string_view resolved) {
    if (resolved.empty())
        return SourceKind::Registry;
    static constexpr std::array<std::string_view, 8> gitPrefixes{
        "git+", "git://", "git@", "github:", "gitlab:", "bitbucket:", "gist:", "ssh://"};
    for (auto prefix : gitPrefixes)
        if (startsWith(resolved, prefix))
            return SourceKind::Git;
    if (startsWith(resolved, "link:") || startsWith(resolved, "portal:"))
        return SourceKind::Link;
    if (startsWith(resolved, "workspace:"))
        return SourceKind::Workspace;
    if (startsWith(resolved, "file:")) {
        std::string_view path = resolved.substr(5);
        path = path.substr(0, path.find_first_of("#?"));  // yarn appends "#sha1" to tarball paths
        return isTarballPath(path) ? SourceKind::LocalTarball : SourceKind::Directory;
    }
    if (startsWith(resolved, "http://") || startsWith(resolved, "https://")) {
        std::string_view url = resolved;
        if (auto cut = url.find_first_of("#?"); cut != std::string_view::npos) {
            // A git commit in the fragment (berry "#commit=", npm "#<sha>" on a .git URL) is git.
            if (url.substr(cut).find("commit=") != std::string_view::npos || endsWith(url.substr(0, cut), ".git"))
                return SourceKind::Git;
            url = url.substr(0, cut);
        }
        if (endsWith(url, ".git"))
            return SourceKind::Git;
        // GitHub's tarball service serves a commit: yarn v1 and pnpm record github: deps this way.
        if (url.find("://codeload.github.com/") != std::string_view::npos)
            return SourceKind::Git;
        if (url.find("/-/") != std::string_view::npos && isTarballPath(url))
            return SourceKind::Registry;
        return SourceKind::RemoteTarball;
    }
    // npm "resolved" of a link entry is a bare path relative to the project ("packages/a").
    return isTarballPath(resolved) ? SourceKind::LocalTarball : SourceKind::Directory;
}


bool matchesWorkspace(std::string_view path, const std::vector<std::string>& globs) {
    auto normalise = [](std::string_view p) {
        while (p.substr(0, 2) == "./")
            p.remove_prefix(2);
        while (!p.empty() && p.back() == '/')
            p.remove_suffix(1);
        return std::string(p);
    };
    const std::string target = normalise(path);
    for (const auto& glob : globs) {
        const std::string pattern = normalise(glob);
        if (fnmatch(pattern.c_str(), target.c_str(), FNM_PATHNAME) == 0)
            return true;
    }
    return false;
}

Status reportUnlockedDependency(PackageGraph& graph, const std::string& where, const DeclaredDependency& d,
                                std::string_view why, std::string_view tool, bool tolerate) {
    const std::string what = "package.json declares \"" + d.name + "@" + d.spec + "\" (" +
                             dependencyTypeName(d.type) + ") but " + std::string(why);
    if (tolerate || d.type == DependencyType::Optional || d.type == DependencyType::Peer) {
        graph.warnings.push_back(where + ": " + what + "; skipped");
        return {};
    }
    return makeError(ErrorCode::Input, where + ": " + what,
                     "the lockfile is out of date; run " + std::string(tool) + " install to update it");
}

}  // namespace vigil::engine::resolve
