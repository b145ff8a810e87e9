// @brief PackageSpec: what a dependency specifier means, as npm-package-arg reads it.
#pragma once

#include <string>
#include <string_view>

#include "engine/core/result.h"

namespace vigil::engine::resolve {

/// The kind of thing a specifier points at.
enum class SpecKind {
    Version,   ///< an exact version "1.2.3"
    Range,     ///< a semver range "^1.2.0", "1.x || >=2.5", "" and "*"
    Tag,       ///< a dist-tag "latest", "next"
    Alias,     ///< "npm:real-name@range" — aliasTarget, aliasKind and fetchSpec describe the inner spec
    Git,       ///< git+https://…, git+ssh://…, git://…, github:u/r, gitlab:, bitbucket:, u/r
    Remote,    ///< http(s)://….tgz
    File,      ///< file:path (directory or tarball), or a relative/absolute path
    Link,      ///< link:path (pnpm/yarn)
    Workspace, ///< workspace:* / workspace:^ (yarn/pnpm)
};

/// A parsed dependency: the name it is declared under and the specifier's meaning.
struct PackageSpec {
    std::string name;       ///< declared name ("" when parsing a bare specifier without a name)
    SpecKind kind = SpecKind::Range;
    std::string raw;        ///< the specifier text as given ("^1.0.0", "npm:foo@2")
    std::string fetchSpec;  ///< for Version/Range/Tag the range/tag; for Alias the inner spec's;
                            ///< for Git the repository ("https://host/r.git", "git@host:r.git",
                            ///< or a hosted shortcut "github:u/r") without "git+" and "#…";
                            ///< for Remote the URL; for File/Link the path as written (relative to
                            ///< the declaring package, "~/" unexpanded); for Workspace what follows
                            ///< "workspace:" ("*", "^", "^1.2.0")
    std::string aliasTarget;  ///< for Alias: the real package name
    SpecKind aliasKind = SpecKind::Range;  ///< for Alias: the inner spec's kind (Version, Range or Tag)
    std::string gitCommittish;  ///< for Git: what followed '#' ("v1.0", "semver:^1", ""); not in fetchSpec

    /// The package name the registry knows (the alias target for aliases).
    [[nodiscard]] const std::string& registryName() const { return aliasTarget.empty() ? name : aliasTarget; }
    [[nodiscard]] bool isRegistry() const {
        return kind == SpecKind::Version || kind == SpecKind::Range || kind == SpecKind::Tag || kind == SpecKind::Alias;
    }
};

/// Parses a declared dependency `name` → `spec` (as found in package.json).
Result<PackageSpec> parseDependencySpec(std::string_view name, std::string_view spec);

/// Parses "name", "name@spec", "@scope/name@spec" as typed on a command line.
Result<PackageSpec> parsePackageArg(std::string_view arg);

/// True for a valid npm package name (validate-npm-package-name rules for new packages, lenient on case).
bool isValidPackageName(std::string_view name);

}  // namespace vigil::engine::resolve
