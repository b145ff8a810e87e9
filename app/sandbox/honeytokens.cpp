// Honeytokens: credentials that look and validate exactly like real ones, so neither a secret
// scanner nor malware that checks formats (or known canary values) can tell them apart. Every
// value comes from getrandom(2); nothing here is fixed, so no two runs share a token.
#include "app/sandbox/honeytokens.h"

#include <cerrno>
#include <openssl/evp.h>
#include <sys/random.h>

#include "app/sandbox/die.h"

namespace vigil::sandbox {
namespace {

constexpr const char* kBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr size_t kEntropyChars = 30;
constexpr size_t kChecksumChars = 6;

/// CRC-32 (IEEE 802.3, reflected), the checksum GitHub's and npm's token formats carry.
uint32_t crc32(const std::string& data) {
    uint32_t crc = 0xffffffffu;
    for (unsigned char c : data) {
        crc ^= c;
        for (int i = 0; i < 8; ++i)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

std::string base62Fixed(uint32_t value, size_t width) {
    std::string out(width, '0');
    for (size_t i = width; i-- > 0 && value > 0;) {
        out[i] = kBase62[value % 62];
        value /= 62;
    }
    return out;
}

void putU32(std::string& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xff));
}

/// SSH wire "string": uint32 length + bytes.
void putString(std::string& out, const std::string& s) {
    putU32(out, static_cast<uint32_t>(s.size()));
    out += s;
}

}  // namespace

void secureRandom(void* out, size_t n) {
    auto* p = static_cast<unsigned char*>(out);
    while (n > 0) {
        const ssize_t got = getrandom(p, n, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            die("getrandom", "bait tokens");
        p += got;
        n -= static_cast<size_t>(got);
    }
}

uint32_t secureUniform(uint32_t bound) {
    // Reject the top partial range so every value is equally likely.
    const uint32_t limit = UINT32_MAX - UINT32_MAX % bound;
    uint32_t v = 0;
    do
        secureRandom(&v, sizeof v);
    while (v >= limit);
    return v % bound;
}

std::string randomChars(size_t n, const std::string& alphabet) {
    std::string s;
    s.reserve(n);
    for (size_t i = 0; i < n; ++i)
        s.push_back(alphabet[secureUniform(static_cast<uint32_t>(alphabet.size()))]);
    return s;
}

std::string checksummedBase62Token(const std::string& prefix) {
    const std::string entropy = randomChars(kEntropyChars, kBase62);
    return prefix + entropy + base62Fixed(crc32(entropy), kChecksumChars);
}

bool checksumValid(const std::string& token) {
    const size_t underscore = token.find('_');
    if (underscore == std::string::npos || token.size() != underscore + 1 + kEntropyChars + kChecksumChars)
        return false;
    const std::string entropy = token.substr(underscore + 1, kEntropyChars);
    return token.substr(underscore + 1 + kEntropyChars) == base62Fixed(crc32(entropy), kChecksumChars);
}

std::string awsAccessKeyId() { return "AKIA" + randomChars(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"); }

std::string awsSecretAccessKey() {
    return randomChars(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
}

std::string dockerHubToken() {
    return "dckr_pat_" + randomChars(27, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}

std::string base64(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return out;
}

std::string hex(const std::string& bytes) {
    static const char* const kDigits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(kDigits[c >> 4]);
        out.push_back(kDigits[c & 15]);
    }
    return out;
}

SshKeyPair ed25519KeyPair(const std::string& comment) {
    EVP_PKEY* key = nullptr;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    const bool generated = ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &key) == 1;
    EVP_PKEY_CTX_free(ctx);
    unsigned char seed[32], pub[32];
    size_t seedLen = sizeof seed, pubLen = sizeof pub;
    const bool exported = generated && EVP_PKEY_get_raw_private_key(key, seed, &seedLen) == 1 &&
                          EVP_PKEY_get_raw_public_key(key, pub, &pubLen) == 1 && seedLen == 32 && pubLen == 32;
    EVP_PKEY_free(key);
    if (!exported) {
        errno = EINVAL;
        die("EVP_PKEY_keygen", "ed25519 bait key", "OpenSSL's libcrypto must support Ed25519");
    }
    const std::string type = "ssh-ed25519";
    const std::string pubKey(reinterpret_cast<const char*>(pub), 32);
    std::string blob;
    putString(blob, type);
    putString(blob, pubKey);

    // PROTOCOL.key: "openssh-key-v1\0", cipher/kdf "none", one key, then the private section:
    // two equal check ints, the key (private part = seed || public), comment, padding 1,2,3...
    uint32_t check = 0;
    secureRandom(&check, sizeof check);
    std::string priv;
    putU32(priv, check);
    putU32(priv, check);
    putString(priv, type);
    putString(priv, pubKey);
    putString(priv, std::string(reinterpret_cast<const char*>(seed), 32) + pubKey);
    putString(priv, comment);
    for (char pad = 1; priv.size() % 8 != 0; ++pad)
        priv.push_back(pad);
    OPENSSL_cleanse(seed, sizeof seed);

    std::string file("openssh-key-v1", 15);  // with its NUL
    putString(file, "none");
    putString(file, "none");
    putString(file, "");
    putU32(file, 1);
    putString(file, blob);
    putString(file, priv);
    const std::string encoded = base64(file);
    SshKeyPair pair;
    pair.privateKeyFile = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
    for (size_t i = 0; i < encoded.size(); i += 70)
        pair.privateKeyFile += encoded.substr(i, 70) + "\n";
    pair.privateKeyFile += "-----END OPENSSH PRIVATE KEY-----\n";
    pair.publicKeyLine = type + " " + base64(blob) + " " + comment + "\n";
    return pair;
}

}  // namespace vigil::sandbox
