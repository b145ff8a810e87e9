// @brief Subresource-Integrity strings (npm "integrity"), hashing of buffers and files, hex/base64.
#pragma once

#include "engine/core/result.h"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace vigil::engine::resolve {

/// The hash algorithms npm's ssri understands, ordered weakest to strongest so that
/// `a < b` means "b is preferred" — the order ssri uses to pick what to verify.
enum class HashAlgorithm { Sha1, Sha256, Sha384, Sha512 };

/// "sha1", "sha256", "sha384", "sha512".
const char* hashAlgorithmName(HashAlgorithm algorithm) noexcept;
/// The algorithm named by an SRI prefix; nullopt for anything else (md5, sha3-…, typos).
std::optional<HashAlgorithm> hashAlgorithmFromName(std::string_view name) noexcept;
/// Length of the raw digest in bytes (20, 32, 48, 64).
std::size_t digestSize(HashAlgorithm algorithm) noexcept;

/// Lower-case hex of raw bytes.
std::string toHex(std::string_view raw);
/// Raw bytes of a hex string (either case); nullopt on odd length or a non-hex character.
std::optional<std::string> fromHex(std::string_view hex);
/// Standard, padded base64 (what SRI uses).
std::string toBase64(std::string_view raw);
/// Raw bytes of standard base64; missing '=' padding is tolerated, anything else malformed → nullopt.
std::optional<std::string> fromBase64(std::string_view text);

/// One "algo-base64digest" item of an SRI string.
struct IntegrityHash {
    HashAlgorithm algorithm = HashAlgorithm::Sha512;
    std::string digest;  ///< raw bytes, digestSize(algorithm) long

    [[nodiscard]] std::string hex() const { return toHex(digest); }
    /// "sha512-<base64>" (options are dropped: they carry nothing we verify).
    [[nodiscard]] std::string toString() const;
    bool operator==(const IntegrityHash&) const = default;
};

/// A parsed SRI string: one or more hashes of the same content. Never empty — every factory
/// guarantees at least one supported hash, so strongest() always has an answer.
class Integrity {
public:
    /// Parses "sha512-AAA… sha1-BBB…": items separated by whitespace, `?options` ignored, items
    /// of unknown algorithms skipped (as ssri does). Malformed items (no '-', bad base64, wrong
    /// digest length for the algorithm) and strings with no supported hash are Input errors
    /// naming the text — an integrity we cannot check must never pass as "verified".
    static Result<Integrity> parse(std::string_view sri);
    /// npm's legacy `dist.shasum` (40 hex chars of sha1) as an SRI.
    static Result<Integrity> fromSha1Hex(std::string_view shasum);
    /// An SRI holding exactly this digest; `rawDigest` must be digestSize(algorithm) long.
    static Result<Integrity> fromDigest(HashAlgorithm algorithm, std::string rawDigest);

    [[nodiscard]] const std::vector<IntegrityHash>& hashes() const noexcept { return hashes_; }
    /// The hash npm verifies against: the first of the strongest algorithm present.
    [[nodiscard]] const IntegrityHash& strongest() const noexcept;
    /// Space-separated canonical form of every hash, strongest first.
    [[nodiscard]] std::string toString() const;

    /// ssri semantics: true iff some hash of `algorithm` equals `rawDigest`.
    [[nodiscard]] bool hasDigest(HashAlgorithm algorithm, std::string_view rawDigest) const;
    /// ssri's checkData: hash `data` with the strongest algorithm present and compare against
    /// the hashes of that algorithm only (weaker ones are never a fallback). False if hashing fails.
    [[nodiscard]] bool matches(std::string_view data) const;
    /// Same check, streaming the file; Io error if it cannot be read.
    [[nodiscard]] Result<bool> matchesFile(const std::filesystem::path& file) const;

private:
    Integrity() = default;
    std::vector<IntegrityHash> hashes_;  ///< sorted strongest first, stable within an algorithm
};

/// Incremental hashing for data that arrives in pieces (downloads, tar entries). Any OpenSSL
/// failure is sticky and reported by finish(), so update() stays cheap to call in a loop.
class Hasher {
public:
    explicit Hasher(HashAlgorithm algorithm);
    ~Hasher();
    Hasher(Hasher&&) noexcept;
    Hasher& operator=(Hasher&&) noexcept;
    Hasher(const Hasher&) = delete;
    Hasher& operator=(const Hasher&) = delete;

    void update(std::string_view data);
    void update(const void* data, std::size_t size);
    /// The raw digest; the hasher cannot be updated afterwards.
    [[nodiscard]] Result<std::string> finish();
    [[nodiscard]] HashAlgorithm algorithm() const noexcept { return algorithm_; }

private:
    struct CtxDeleter {
        void operator()(evp_md_ctx_st* ctx) const noexcept;
    };
    HashAlgorithm algorithm_;
    std::unique_ptr<evp_md_ctx_st, CtxDeleter> ctx_;
    bool failed_ = false;
};

/// Raw digest of a buffer.
Result<std::string> digestOf(HashAlgorithm algorithm, std::string_view data);
/// Raw digest of a file, read in chunks (tarballs may be large); Io error names the file.
Result<std::string> digestOfFile(HashAlgorithm algorithm, const std::filesystem::path& file);

}  // namespace vigil::engine::resolve
