// @brief Format-valid, per-run unique credentials (AWS, npm, GitHub, Docker, OpenSSH ed25519) from the kernel CSPRNG.
#pragma once

#include <cstdint>
#include <string>

namespace vigil::sandbox {

/// Bytes from getrandom(2); dies when the kernel cannot supply them (it never blocks after boot).
void secureRandom(void* out, size_t n);
/// Uniform in [0, bound), without modulo bias.
uint32_t secureUniform(uint32_t bound);
/// n characters drawn uniformly from `alphabet`.
std::string randomChars(size_t n, const std::string& alphabet);

/// GitHub's and npm's token shape: prefix + 30 base62 characters + the 6-character base62
/// CRC32 of those 30 (so secret scanners that verify the checksum accept it): ghp_, gho_, npm_.
std::string checksummedBase62Token(const std::string& prefix);
/// True when `token` (prefix_ + 36 chars) carries a correct checksum.
bool checksumValid(const std::string& token);

/// AKIA + 16 characters of AWS's base32 alphabet.
std::string awsAccessKeyId();
/// 40 characters of base64's alphabet, as AWS secret access keys are.
std::string awsSecretAccessKey();
/// Docker Hub personal access token: dckr_pat_ + 27 base64url characters.
std::string dockerHubToken();

std::string base64(const std::string& bytes);
std::string hex(const std::string& bytes);

struct SshKeyPair {
    std::string privateKeyFile;  ///< "-----BEGIN OPENSSH PRIVATE KEY-----" ... (unencrypted)
    std::string publicKeyLine;   ///< "ssh-ed25519 AAAA... comment\n"
};
/// A real ed25519 key pair (OpenSSL), serialised in OpenSSH's own key format, so
/// `ssh-keygen -y` and ssh accept it. Dies if OpenSSL cannot generate one.
SshKeyPair ed25519KeyPair(const std::string& comment);

}  // namespace vigil::sandbox
