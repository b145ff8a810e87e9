// @brief The run's TLS interception: a per-run CA made in memory, leaf certificates minted per server name, and the honeypot's TLS streams.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

// OpenSSL types, kept out of the other stages' includes.
typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;
typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace vigil::sandbox {

/// The run's certificate authority. Made by the helper with a fresh key for every run and held in
/// memory only: the key is never written anywhere, and the helper frees it as soon as the
/// honeypot (the one process that signs with it) has its copy. The sandbox sees only the cert.
struct RunCa {
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    std::string certPem;  ///< what the sandbox's trust store gains
};

/// A new CA (P-256, self-signed, back-dated like a CA installed long ago). Dies on failure.
RunCa makeRunCa();

/// Frees the key (OpenSSL clears private key memory on free) and the cert; keeps certPem.
void forgetRunCaKey(RunCa& ca);

/// One intercepted TLS connection, driven through memory BIOs so the honeypot's single poll loop
/// stays non-blocking: ciphertext in with feed(), ciphertext out with takeOutput(), plaintext in
/// `plain`.
class TlsStream {
public:
    TlsStream(SSL* ssl);
    ~TlsStream();
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    /// Feeds bytes received from the client and advances the handshake or reads application
    /// data into `plain` (at most `cap` bytes kept). False once the TLS session failed (the
    /// client refused our certificate, or sent garbage).
    bool feed(std::string_view wire, size_t cap);
    /// Encrypts `data` for the client (after the handshake).
    void write(std::string_view data);
    /// Sends close_notify.
    void close();
    /// Ciphertext waiting to be sent to the client.
    std::string takeOutput();

    bool established() const { return established_; }
    /// Why the session failed, as OpenSSL put it (e.g. "tlsv1 alert unknown ca").
    const std::string& failure() const { return failure_; }

    std::string plain;        ///< decrypted bytes from the client
    size_t plainSeen = 0;     ///< decrypted bytes in all, including those past the cap
    bool plainTruncated = false;

private:
    SSL* ssl_;
    bool established_ = false;
    bool failed_ = false;
    std::string failure_;
};

/// The honeypot's side: an SSL_CTX and one leaf key for the run; a leaf certificate signed by
/// the run's CA for each server name (or, without SNI, for the address dialled), cached.
class TlsInterceptor {
public:
    /// Takes its own references to the CA's key and cert. Call before dropping privileges:
    /// OpenSSL reads its configuration on first use.
    explicit TlsInterceptor(const RunCa& ca);
    ~TlsInterceptor();
    TlsInterceptor(const TlsInterceptor&) = delete;
    TlsInterceptor& operator=(const TlsInterceptor&) = delete;

    /// A server-side stream presenting a certificate for `serverName` (ignored unless it is a
    /// well-formed host name) or else for `dstAddress` (4 or 16 bytes, network order). Null if minting failed.
    std::unique_ptr<TlsStream> accept(std::string_view serverName, std::span<const uint8_t> dstAddress);

private:
    X509* leafFor(std::string_view serverName, std::span<const uint8_t> dstAddress);

    EVP_PKEY* caKey_ = nullptr;
    X509* caCert_ = nullptr;
    EVP_PKEY* leafKey_ = nullptr;
    SSL_CTX* ctx_ = nullptr;
    struct Cached;
    std::unique_ptr<Cached> cache_;
};

}  // namespace vigil::sandbox
