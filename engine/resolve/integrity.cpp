#include "engine/resolve/integrity.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace vigil::engine::resolve {

namespace {

const EVP_MD* evpFor(HashAlgorithm algorithm) noexcept {
    switch (algorithm) {
    case HashAlgorithm::Sha1: return EVP_sha1();
    case HashAlgorithm::Sha256: return EVP_sha256();
    case HashAlgorithm::Sha384: return EVP_sha384();
    case HashAlgorithm::Sha512: return EVP_sha512();
    }
    return EVP_sha512();
}

bool isSriSpace(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool isBase64Char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int hexValue(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

Error malformed(std::string_view sri, std::string_view item, std::string_view why) {
    return makeError(ErrorCode::Input, "malformed integrity \"" + std::string(sri) + "\"",
                     "item \"" + std::string(item) + "\": " + std::string(why));
}

void sortStrongestFirst(std::vector<IntegrityHash>& hashes) {
    std::stable_sort(hashes.begin(), hashes.end(),
                     [](const IntegrityHash& a, const IntegrityHash& b) { return a.algorithm > b.algorithm; });
}

}  // namespace

const char* hashAlgorithmName(HashAlgorithm algorithm) noexcept {
    switch (algorithm) {
    case HashAlgorithm::Sha1: return "sha1";
    case HashAlgorithm::Sha256: return "sha256";
    case HashAlgorithm::Sha384: return "sha384";
    case HashAlgorithm::Sha512: return "sha512";
    }
    return "sha512";
}

std::optional<HashAlgorithm> hashAlgorithmFromName(std::string_view name) noexcept {
    for (auto a : {HashAlgorithm::Sha1, HashAlgorithm::Sha256, HashAlgorithm::Sha384, HashAlgorithm::Sha512})
        if (name == hashAlgorithmName(a)) return a;
    return std::nullopt;
}

std::size_t digestSize(HashAlgorithm algorithm) noexcept {
    switch (algorithm) {
    case HashAlgorithm::Sha1: return 20;
    case HashAlgorithm::Sha256: return 32;
    case HashAlgorithm::Sha384: return 48;
    case HashAlgorithm::Sha512: return 64;
    }
    return 64;
}

std::string toHex(std::string_view raw) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size() * 2);
    for (unsigned char c : raw) {
        out.push_back(kDigits[c >> 4]);
        out.push_back(kDigits[c & 0xF]);
    }
    return out;
}

std::optional<std::string> fromHex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = hexValue(hex[i]);
        int lo = hexValue(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>((hi << 4) | lo));
    }
    return out;
}

std::string toBase64(std::string_view raw) {
    std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');  // +1: EVP_EncodeBlock writes a NUL
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
    out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return out;
}

std::optional<std::string> fromBase64(std::string_view text) {
    // EVP_DecodeBlock skips surrounding whitespace and does not report padding, so validate the
    // alphabet and padding ourselves first; it then only does the arithmetic.
    std::string padded(text);
    std::size_t pad = 0;
    while (!padded.empty() && padded.back() == '=') {
        padded.pop_back();
        ++pad;
    }
    if (pad > 2 || !std::all_of(padded.begin(), padded.end(), isBase64Char)) return std::nullopt;
    if (padded.size() % 4 == 1) return std::nullopt;  // no byte count leaves a single trailing char
    pad = (4 - padded.size() % 4) % 4;
    padded.append(pad, '=');
    if (padded.empty()) return std::string();
    std::string out(padded.size() / 4 * 3, '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(padded.data()), static_cast<int>(padded.size()));
    if (n < 0 || static_cast<std::size_t>(n) < pad) return std::nullopt;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

std::string IntegrityHash::toString() const {
    return std::string(hashAlgorithmName(algorithm)) + "-" + toBase64(digest);
}

Result<Integrity> Integrity::parse(std::string_view sri) {
    Integrity result;
    std::size_t pos = 0;
    while (pos < sri.size()) {
        while (pos < sri.size() && isSriSpace(sri[pos])) ++pos;
        std::size_t end = pos;
        while (end < sri.size() && !isSriSpace(sri[end])) ++end;
        if (end == pos) break;
        std::string_view item = sri.substr(pos, end - pos);
        pos = end;

        std::size_t dash = item.find('-');
        if (dash == std::string_view::npos || dash == 0)
            return malformed(sri, item, "expected <algorithm>-<base64 digest>");
        auto algorithm = hashAlgorithmFromName(item.substr(0, dash));
        if (!algorithm) continue;  // unknown algorithm: ssri ignores it, so a newer npm's hashes do not break us

        std::string_view body = item.substr(dash + 1);
        body = body.substr(0, body.find('?'));  // "?opt1?opt2" carry nothing we can verify
        auto digest = fromBase64(body);
        if (!digest) return malformed(sri, item, "digest is not valid base64");
        if (digest->size() != digestSize(*algorithm))
            return malformed(sri, item,
                             std::string(hashAlgorithmName(*algorithm)) + " digest must be " +
                                 std::to_string(digestSize(*algorithm)) + " bytes, got " +
                                 std::to_string(digest->size()));
        result.hashes_.push_back({*algorithm, std::move(*digest)});
    }
    if (result.hashes_.empty())
        return makeError(ErrorCode::Input, "integrity \"" + std::string(sri) + "\" has no supported hash",
                         "expected sha1, sha256, sha384 or sha512; content that cannot be verified is not accepted");
    sortStrongestFirst(result.hashes_);
    return result;
}

Result<Integrity> Integrity::fromSha1Hex(std::string_view shasum) {
    auto raw = fromHex(shasum);
    if (!raw || raw->size() != digestSize(HashAlgorithm::Sha1))
        return makeError(ErrorCode::Input, "malformed shasum \"" + std::string(shasum) + "\"",
                         "expected 40 hexadecimal characters (sha1)");
    return fromDigest(HashAlgorithm::Sha1, std::move(*raw));
}

Result<Integrity> Integrity::fromDigest(HashAlgorithm algorithm, std::string rawDigest) {
    if (rawDigest.size() != digestSize(algorithm))
        return makeError(ErrorCode::Internal, std::string(hashAlgorithmName(algorithm)) + " digest of wrong length " +
                                                  std::to_string(rawDigest.size()));
    Integrity result;
    result.hashes_.push_back({algorithm, std::move(rawDigest)});
    return result;
}

const IntegrityHash& Integrity::strongest() const noexcept {
    assert(!hashes_.empty());
    return hashes_.front();
}

std::string Integrity::toString() const {
    std::string out;
    for (const auto& h : hashes_) {
        if (!out.empty()) out.push_back(' ');
        out += h.toString();
    }
    return out;
}

bool Integrity::hasDigest(HashAlgorithm algorithm, std::string_view rawDigest) const {
    return std::any_of(hashes_.begin(), hashes_.end(), [&](const IntegrityHash& h) {
        return h.algorithm == algorithm && h.digest == rawDigest;
    });
}

bool Integrity::matches(std::string_view data) const {
    auto digest = digestOf(strongest().algorithm, data);
    return digest.ok() && hasDigest(strongest().algorithm, *digest);
}

Result<bool> Integrity::matchesFile(const std::filesystem::path& file) const {
    auto digest = digestOfFile(strongest().algorithm, file);
    if (!digest.ok()) return std::move(digest).error();
    return hasDigest(strongest().algorithm, *digest);
}

void Hasher::CtxDeleter::operator()(evp_md_ctx_st* ctx) const noexcept { EVP_MD_CTX_free(ctx); }

Hasher::Hasher(HashAlgorithm algorithm) : algorithm_(algorithm), ctx_(EVP_MD_CTX_new()) {
    failed_ = !ctx_ || EVP_DigestInit_ex(ctx_.get(), evpFor(algorithm), nullptr) != 1;
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(const void* data, std::size_t size) {
    if (failed_ || !ctx_ || size == 0) return;
    failed_ = EVP_DigestUpdate(ctx_.get(), data, size) != 1;
}

void Hasher::update(std::string_view data) { update(data.data(), data.size()); }

Result<std::string> Hasher::finish() {
    std::string out(EVP_MAX_MD_SIZE, '\0');
    unsigned int n = 0;
    if (failed_ || !ctx_ ||
        EVP_DigestFinal_ex(ctx_.get(), reinterpret_cast<unsigned char*>(out.data()), &n) != 1) {
        ctx_.reset();
        return makeError(ErrorCode::Internal, std::string("OpenSSL failed to compute ") + hashAlgorithmName(algorithm_));
    }
    ctx_.reset();
    out.resize(n);
    return out;
}

Result<std::string> digestOf(HashAlgorithm algorithm, std::string_view data) {
    Hasher hasher(algorithm);
    hasher.update(data);
    return hasher.finish();
}

Result<std::string> digestOfFile(HashAlgorithm algorithm, const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::Io, "cannot open " + file.string() + " to hash it", std::strerror(errno));
    Hasher hasher(algorithm);
    std::array<char, 64 * 1024> buffer{};
    while (in) {
        in.read(buffer.data(), buffer.size());
        hasher.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) return makeError(ErrorCode::Io, "read error while hashing " + file.string());
    return hasher.finish();
}

}  // namespace vigil::engine::resolve
