// @brief DependencyLocator: the manifest or lockfile line that brings a package version into a project (SARIF locations).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vigil::engine::report {

struct SourceLocation {
    std::filesystem::path file;  ///< absolute; empty when neither lockfile nor manifest was readable
    int line = 0;                ///< 1-based; 0 = the file as a whole
};

/// Finds entries by reading the text as it is: a lockfile is searched for the entry of
/// name@version (package-lock/npm-shrinkwrap v1-v3 "node_modules/…" or nested keys, yarn.lock
/// classic and berry headers, pnpm-lock v5-v9 package keys), the manifest for a dependency's key.
class DependencyLocator {
public:
    /// Reads `lockfile` (may be empty: no lockfile) and projectDir/package.json; unreadable files
    /// just locate nothing.
    static DependencyLocator load(const std::filesystem::path& projectDir, const std::filesystem::path& lockfile);

    /// The lockfile line of name@version's entry; else the manifest line declaring
    /// `directDependency` (what pulled the package in); else line 0 of the lockfile or manifest.
    [[nodiscard]] SourceLocation locate(const std::string& name, const std::string& version,
                                        const std::string& directDependency) const;

    /// The lockfile line of name@version's entry, 0 when not found.
    [[nodiscard]] int lockfileLine(const std::string& name, const std::string& version) const;
    /// The manifest line declaring `name` as a dependency, 0 when not found.
    [[nodiscard]] int manifestLine(const std::string& name) const;

private:
    enum class Format { None, Npm, Yarn, Pnpm };
    Format format_ = Format::None;
    std::filesystem::path lockfile_, manifest_;
    std::vector<std::string> lockLines_, manifestLines_;
};

}  // namespace vigil::engine::report
