// The emulated registry's tarballs. libarchive writes the tar and its gzip filter (zlib) the
// compression, both into memory; OpenSSL gives the digests. Nothing here is random: a tarball is a
// function of the name and version, so the packument (answered first) can carry its integrity.
#include "app/sandbox/honeypot_tarball.h"

#include <archive.h>
#include <archive_entry.h>
#include <array>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <vector>

namespace vigil::sandbox {
namespace {

constexpr size_t kMaxTarball = 64 * 1024;  // two small files: a few hundred bytes compressed
constexpr time_t kMtime = 1694686904;      // 2023-09-14, the packument's publish time

/// What a package of that name would plausibly hold. `name` and `version` come from the request
/// path, already limited to npm's name characters and a version's; they are JSON-safe.
std::string manifest(std::string_view name, std::string_view version) {
    return "{\n  \"name\": \"" + std::string(name) + "\",\n  \"version\": \"" + std::string(version) +
           "\",\n  \"description\": \"\",\n  \"main\": \"index.js\",\n  \"license\": \"MIT\"\n}\n";
}

bool addFile(archive* a, const char* path, const std::string& content) {
    archive_entry* e = archive_entry_new();
    if (e == nullptr)
        return false;
    archive_entry_set_pathname(e, path);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_entry_set_mtime(e, kMtime, 0);
    const bool ok = archive_write_header(a, e) == ARCHIVE_OK &&
                    archive_write_data(a, content.data(), content.size()) == static_cast<la_ssize_t>(content.size());
    archive_entry_free(e);
    return ok;
}

std::string digest(const EVP_MD* md, std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int n = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &n, md, nullptr) != 1)
        return {};
    return std::string(reinterpret_cast<const char*>(out.data()), n);
}

std::string hex(std::string_view bytes) {
    static const char* const kDigits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(kDigits[c >> 4]);
        out.push_back(kDigits[c & 15]);
    }
    return out;
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return out;
}

}  // namespace

std::optional<NpmTarball> npmTarball(std::string_view name, std::string_view version) {
    archive* a = archive_write_new();
    if (a == nullptr)
        return std::nullopt;
    std::vector<char> buf(kMaxTarball);
    size_t used = 0;
    // ARCHIVE_WARN from the gzip filter means "no zlib, will run the gzip program": never that.
    // No timestamp in the gzip header, so the bytes depend on the name and version alone.
    const bool ok = archive_write_set_format_ustar(a) == ARCHIVE_OK && archive_write_add_filter_gzip(a) == ARCHIVE_OK &&
                    archive_write_set_options(a, "gzip:!timestamp") == ARCHIVE_OK &&
                    archive_write_set_bytes_in_last_block(a, 1) == ARCHIVE_OK &&
                    archive_write_open_memory(a, buf.data(), buf.size(), &used) == ARCHIVE_OK &&
                    addFile(a, "package/package.json", manifest(name, version)) &&
                    addFile(a, "package/index.js", "'use strict';\n\nmodule.exports = {};\n") &&
                    archive_write_close(a) == ARCHIVE_OK;
    archive_write_free(a);
    if (!ok)
        return std::nullopt;
    NpmTarball t;
    t.bytes.assign(buf.data(), used);
    t.integrity = "sha512-" + base64(digest(EVP_sha512(), t.bytes));
    t.shasum = hex(digest(EVP_sha1(), t.bytes));
    return t;
}

std::string sha256Hex(std::string_view bytes) { return hex(digest(EVP_sha256(), bytes)); }

}  // namespace vigil::sandbox
