// @brief Packument and VersionManifest: the registry's metadata about a package, as VIGIL keeps it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"

namespace vigil::engine::resolve {

/// A maintainer or publisher ("name <email>").
struct Person {
    std::string name;
    std::string email;
    bool operator==(const Person&) const = default;
};

/// Where a version's tarball is and what it must hash to.
struct DistInfo {
    std::string tarball;    ///< absolute URL
    std::string integrity;  ///< SRI ("sha512-…"), may be empty for very old versions
    std::string shasum;     ///< hex sha1
    std::optional<std::int64_t> fileCount;
    std::optional<std::int64_t> unpackedSize;
};

/// Dependencies in the order the package declares them.
using DependencyList = std::vector<std::pair<std::string, std::string>>;

/// One version of a package as the registry describes it.
struct VersionManifest {
    std::string name;
    std::string version;
    DependencyList dependencies;
    DependencyList optionalDependencies;
    DependencyList peerDependencies;
    DependencyList devDependencies;  ///< only in full packuments
    std::map<std::string, std::string> scripts;  ///< only in full packuments
    /// Runs code at install: the registry's hasInstallScript flag, a preinstall/install/postinstall
    /// script, or a binding.gyp (gypfile, which npm turns into "node-gyp rebuild").
    bool hasInstallScript = false;
    bool gypfile = false;
    std::optional<std::string> deprecated;  ///< the deprecation message, if deprecated
    DistInfo dist;
    std::vector<Person> maintainers;
    std::optional<Person> npmUser;  ///< who published this version (_npmUser)
    std::string license;            ///< SPDX-ish text; "" when absent
    bool hasBin = false;            ///< declares executables (bin or directories.bin)
};

/// All versions of a package. The readme is deliberately not kept.
struct Packument {
    std::string name;
    std::map<std::string, std::string> distTags;          ///< "latest" → "1.2.3"
    std::map<std::string, VersionManifest> versions;      ///< by version string
    std::map<std::string, std::string> time;              ///< "created", "modified", version → ISO time
    std::vector<Person> maintainers;
    std::string description;
    std::vector<std::string> keywords;
};

/// Builds a Packument from registry JSON (abbreviated or full). `what` names the package and
/// registry in errors ("package 'x' from https://registry.npmjs.org/"). Oddly typed fields of old
/// versions are skipped rather than failing the whole package; a non-object document is an error.
Result<Packument> packumentFromJson(const nlohmann::ordered_json& doc, const std::string& what);

/// Parses the text of a packument (see packumentFromJson).
Result<Packument> parsePackument(std::string_view text, const std::string& what);

}  // namespace vigil::engine::resolve
