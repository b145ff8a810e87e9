// @brief The emulated npm registry's tarballs: a small valid package made in process, with the digests npm checks.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil::sandbox {

struct NpmTarball {
    std::string bytes;      ///< gzip'd tar: package/package.json (the name and version asked) and package/index.js
    std::string integrity;  ///< "sha512-<base64>", the packument's dist.integrity (npm verifies the download against it)
    std::string shasum;     ///< sha1 hex, dist.shasum (older clients check this one)
};

/// The same bytes for the same name and version, every time: the packument and the tarball are
/// answered on different connections, and the digests of one must match the bytes of the other.
/// nullopt when libarchive cannot build it (then the registry answers 404, as for an unknown version).
std::optional<NpmTarball> npmTarball(std::string_view name, std::string_view version);

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256Hex(std::string_view bytes);

}  // namespace vigil::sandbox
