#include "engine/report/dependency_locator.h"

#include <fstream>

namespace vigil::engine::report {

namespace {

std::vector<std::string> readLines(const std::filesystem::path& file) {
    std::vector<std::string> lines;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(std::move(line));
    }
    return lines;
}

std::string_view trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos)
        return {};
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

std::size_t indentOf(const std::string& s) {
    const auto b = s.find_first_not_of(' ');
    return b == std::string::npos ? s.size() : b;
}

std::string unquote(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
        s = s.substr(1, s.size() - 2);
    return std::string(s);
}

/// npm: an object key `"…node_modules/name": {` or `"name": {` whose entry's "version" matches.
int npmLine(const std::vector<std::string>& lines, const std::string& name, const std::string& version) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view t = trim(lines[i]);
        if (!t.starts_with('"') || !t.ends_with("\": {"))
            continue;
        const std::string key(t.substr(1, t.size() - 5));
        if (key != name && !key.ends_with("node_modules/" + name))
            continue;
        for (std::size_t j = i + 1; j < lines.size() && j < i + 64; ++j) {
            const std::string_view v = trim(lines[j]);
            if (v.starts_with("\"version\":")) {
                std::string value = unquote(v.substr(10));
                if (!value.empty() && value.back() == ',')
                    value = unquote(std::string_view(value).substr(0, value.size() - 1));
                if (value == version)
                    return static_cast<int>(i + 1);
                break;
            }
            if (indentOf(lines[j]) <= indentOf(lines[i]))
                break;  // the entry ended without a version
        }
    }
    return 0;
}

/// yarn classic and berry: a header `a@^1, "a@npm:^1.2":` followed by `version "x"` / `version: x`.
int yarnLine(const std::vector<std::string>& lines, const std::string& name, const std::string& version) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& h = lines[i];
        if (h.empty() || h[0] == ' ' || h[0] == '#' || h.back() != ':')
            continue;
        bool named = false;
        std::string_view rest(h.data(), h.size() - 1);
        while (!rest.empty() && !named) {
            const auto comma = rest.find(',');
            const std::string selector = unquote(rest.substr(0, comma));
            named = selector.starts_with(name + "@");
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
        if (!named)
            continue;
        for (std::size_t j = i + 1; j < lines.size() && !lines[j].empty() && lines[j][0] == ' '; ++j) {
            const std::string_view v = trim(lines[j]);
            if (v.starts_with("version ") || v.starts_with("version:")) {
                if (unquote(v.substr(8)) == version)
                    return static_cast<int>(i + 1);
                break;
            }
        }
    }
    return 0;
}

/// pnpm: a package key `/name/1.0.0:` (v5), `/name@1.0.0:` (v6), `name@1.0.0:` (v9), maybe with a
/// peer suffix `(…)` or `_…`. The first match is the packages section (snapshots come later).
int pnpmLine(const std::vector<std::string>& lines, const std::string& name, const std::string& version) {
    const std::string prefixes[] = {"/" + name + "@" + version, "/" + name + "/" + version, name + "@" + version};
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (indentOf(lines[i]) != 2)
            continue;
        std::string_view t = trim(lines[i]);
        if (t.starts_with('\'') || t.starts_with('"'))
            t.remove_prefix(1);
        for (const auto& p : prefixes) {
            if (!t.starts_with(p) || t.size() == p.size())
                continue;
            const char next = t[p.size()];
            if (next == ':' || next == '(' || next == '_' || next == '\'' || next == '"')
                return static_cast<int>(i + 1);
        }
    }
    return 0;
}

}  // namespace

DependencyLocator DependencyLocator::load(const std::filesystem::path& projectDir,
                                          const std::filesystem::path& lockfile) {
    DependencyLocator l;
    if (!lockfile.empty()) {
        l.lockfile_ = lockfile.is_absolute() ? lockfile : projectDir / lockfile;
        const std::string base = l.lockfile_.filename().string();
        if (base == "package-lock.json" || base == "npm-shrinkwrap.json")
            l.format_ = Format::Npm;
        else if (base == "yarn.lock")
            l.format_ = Format::Yarn;
        else if (base == "pnpm-lock.yaml")
            l.format_ = Format::Pnpm;
        if (l.format_ != Format::None)
            l.lockLines_ = readLines(l.lockfile_);
        if (l.lockLines_.empty())
            l.format_ = Format::None;
    }
    std::error_code ec;
    if (std::filesystem::is_regular_file(projectDir / "package.json", ec)) {
        l.manifest_ = projectDir / "package.json";
        l.manifestLines_ = readLines(l.manifest_);
    }
    return l;
}

int DependencyLocator::lockfileLine(const std::string& name, const std::string& version) const {
    switch (format_) {
    case Format::Npm: return npmLine(lockLines_, name, version);
    case Format::Yarn: return yarnLine(lockLines_, name, version);
    case Format::Pnpm: return pnpmLine(lockLines_, name, version);
    case Format::None: return 0;
    }
    return 0;
}

int DependencyLocator::manifestLine(const std::string& name) const {
    // Dependency keys sit inside the top-level objects, so deeper than the top-level "name".
    const std::string key = "\"" + name + "\":";
    for (std::size_t i = 0; i < manifestLines_.size(); ++i)
        if (indentOf(manifestLines_[i]) > 2 && trim(manifestLines_[i]).starts_with(key))
            return static_cast<int>(i + 1);
    return 0;
}

SourceLocation DependencyLocator::locate(const std::string& name, const std::string& version,
                                         const std::string& directDependency) const {
    if (int line = lockfileLine(name, version))
        return {lockfile_, line};
    if (!manifest_.empty()) {
        if (int line = manifestLine(directDependency.empty() ? name : directDependency))
            return {manifest_, line};
    }
    if (format_ != Format::None)
        return {lockfile_, 0};
    return {manifest_, 0};
}

}  // namespace vigil::engine::report
