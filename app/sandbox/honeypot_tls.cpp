// TLS interception for the simulated internet. The sandbox trusts the run's CA (its system bundle
// and NODE_EXTRA_CA_CERTS name it), so an HTTPS request is decrypted here and recorded like plain
// HTTP. A client that pins another CA refuses the handshake; its SNI is recorded anyway.
#include "app/sandbox/honeypot_tls.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cstring>
#include <map>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <random>

#include "app/sandbox/die.h"
#include "app/sandbox/protocol.h"

namespace vigil::sandbox {
namespace {

constexpr long kDay = 24 * 3600;
constexpr size_t kMaxCachedLeaves = 256;  // a run naming more hosts than this re-mints

[[noreturn]] void dieSsl(const char* what) {
    char text[256] = "unknown OpenSSL error";
    if (const unsigned long e = ERR_get_error())
        ERR_error_string_n(e, text, sizeof text);
    dieWith(VIGIL_ERR_SETUP, std::string("TLS interception: ") + what, text);
}

void randomSerial(X509* x) {
    BIGNUM* bn = BN_new();
    // 64 random bits, top bit clear: a positive serial as CAs issue them.
    if (bn == nullptr || BN_rand(bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == nullptr)
        dieSsl("serial number");
    BN_free(bn);
}

bool addExt(X509* issuer, X509* subject, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, subject, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr)
        return false;
    const bool ok = X509_add_ext(subject, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

/// A host name as certificates carry it: letters, digits, '-', '_', '.', a leading "*." at most.
/// Anything else the client sent as SNI is not put in a certificate.
bool certifiableName(std::string_view name) {
    if (name.empty() || name.size() > 253 || name.front() == '.' || name.back() == '.')
        return false;
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '*'))
            return false;
    return name.find('*', 1) == std::string_view::npos;
}

}  // namespace

RunCa makeRunCa() {
    RunCa ca;
    ca.key = EVP_EC_gen("P-256");
    ca.cert = X509_new();
    if (ca.key == nullptr || ca.cert == nullptr)
        dieSsl("CA key");
    X509* x = ca.cert;
    X509_set_version(x, 2);
    randomSerial(x);
    // Installed a while ago, valid for years: what an organisation's inspection CA looks like.
    // The name is ordinary; a per-run CA called "sandbox" would be a tell.
    static constexpr const char* kOrgs[] = {"Northwind IT", "Contoso Security", "Fabrikam Corp", "Tailspin Systems"};
    std::random_device rd;
    const std::string org = kOrgs[rd() % (sizeof kOrgs / sizeof kOrgs[0])];
    const std::string cn = org + " Root CA";
    X509_gmtime_adj(X509_getm_notBefore(x), -(400 + static_cast<long>(rd() % 300)) * kDay);
    X509_gmtime_adj(X509_getm_notAfter(x), 3650 * kDay);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, ca.key);
    if (!addExt(x, x, NID_basic_constraints, "critical,CA:TRUE") ||
        !addExt(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") ||
        !addExt(x, x, NID_subject_key_identifier, "hash"))
        dieSsl("CA extensions");
    if (X509_sign(x, ca.key, EVP_sha256()) == 0)
        dieSsl("CA self-signature");
    BIO* mem = BIO_new(BIO_s_mem());
    if (mem == nullptr || PEM_write_bio_X509(mem, x) != 1)
        dieSsl("CA PEM");
    char* data = nullptr;
    const long len = BIO_get_mem_data(mem, &data);
    ca.certPem.assign(data, static_cast<size_t>(len));
    BIO_free(mem);
    return ca;
}

void forgetRunCaKey(RunCa& ca) {
    EVP_PKEY_free(ca.key);
    X509_free(ca.cert);
    ca.key = nullptr;
    ca.cert = nullptr;
}

TlsStream::TlsStream(SSL* ssl) : ssl_(ssl) {}

TlsStream::~TlsStream() { SSL_free(ssl_); }

bool TlsStream::feed(std::string_view wire, size_t cap) {
    if (failed_)
        return false;
    if (!wire.empty() && BIO_write(SSL_get_rbio(ssl_), wire.data(), static_cast<int>(wire.size())) <= 0) {
        failed_ = true;
        return false;
    }
    if (!established_) {
        const int r = SSL_do_handshake(ssl_);
        if (r == 1) {
            established_ = true;
        } else {
            const int e = SSL_get_error(ssl_, r);
            if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                char text[256] = "handshake failed";
                if (const unsigned long code = ERR_peek_last_error())
                    ERR_error_string_n(code, text, sizeof text);
                ERR_clear_error();
                failure_ = text;
                failed_ = true;
                return false;
            }
            return true;
        }
    }
    char chunk[16384];
    for (;;) {
        const int n = SSL_read(ssl_, chunk, sizeof chunk);
        if (n <= 0) {
            const int e = SSL_get_error(ssl_, n);
            ERR_clear_error();
            // A close_notify ends the stream like a FIN; WANT_READ means "send more".
            return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_ZERO_RETURN;
        }
        plainSeen += static_cast<size_t>(n);
        const size_t room = cap > plain.size() ? cap - plain.size() : 0;
        plain.append(chunk, std::min(room, static_cast<size_t>(n)));
        if (static_cast<size_t>(n) > room)
            plainTruncated = true;
    }
}

void TlsStream::write(std::string_view data) {
    if (established_ && !failed_ && !data.empty())
        (void)SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
    ERR_clear_error();
}

void TlsStream::close() {
    if (established_ && !failed_)
        (void)SSL_shutdown(ssl_);
    ERR_clear_error();
}

std::string TlsStream::takeOutput() {
    std::string out;
    BIO* wbio = SSL_get_wbio(ssl_);
    char chunk[16384];
    for (;;) {
        const int n = BIO_read(wbio, chunk, sizeof chunk);
        if (n <= 0)
            break;
        out.append(chunk, static_cast<size_t>(n));
    }
    return out;
}

struct TlsInterceptor::Cached {
    std::map<std::string, X509*> leaves;
    ~Cached() {
        for (auto& [name, cert] : leaves)
            X509_free(cert);
    }
};

TlsInterceptor::TlsInterceptor(const RunCa& ca) : cache_(std::make_unique<Cached>()) {
    if (OPENSSL_init_ssl(0, nullptr) != 1)
        dieSsl("OpenSSL initialisation");
    caKey_ = ca.key;
    caCert_ = ca.cert;
    if (EVP_PKEY_up_ref(caKey_) != 1 || X509_up_ref(caCert_) != 1)
        dieSsl("CA reference");
    // One key for every leaf of the run: minting then costs a signature, not a key generation.
    leafKey_ = EVP_EC_gen("P-256");
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (leafKey_ == nullptr || ctx_ == nullptr)
        dieSsl("server context");
    SSL_CTX_set_min_proto_version(ctx_, TLS1_VERSION);
    // Offer ALPN http/1.1 when asked: an HTTP/2-capable client then speaks HTTP/1.1, which the
    // recorder parses.
    SSL_CTX_set_alpn_select_cb(
        ctx_,
        [](SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in, unsigned int inlen, void*) {
            static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
            unsigned char* selected = nullptr;
            if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) != OPENSSL_NPN_NEGOTIATED)
                return SSL_TLSEXT_ERR_NOACK;
            *out = selected;
            return SSL_TLSEXT_ERR_OK;
        },
        nullptr);
}

TlsInterceptor::~TlsInterceptor() {
    SSL_CTX_free(ctx_);
    EVP_PKEY_free(leafKey_);
    EVP_PKEY_free(caKey_);
    X509_free(caCert_);
}

X509* TlsInterceptor::leafFor(std::string_view serverName, std::span<const uint8_t> dstAddress) {
    const bool byName = certifiableName(serverName);
    char ipText[INET6_ADDRSTRLEN] = {};
    inet_ntop(dstAddress.size() == 16 ? AF_INET6 : AF_INET, dstAddress.data(), ipText, sizeof ipText);
    const std::string key = byName ? std::string(serverName) : std::string("ip:") + ipText;
    if (auto it = cache_->leaves.find(key); it != cache_->leaves.end())
        return it->second;
    X509* x = X509_new();
    if (x == nullptr)
        return nullptr;
    X509_set_version(x, 2);
    randomSerial(x);
    // Like a certificate issued some weeks ago by an ACME CA: 90 days of validity.
    X509_gmtime_adj(X509_getm_notBefore(x), -20 * kDay);
    X509_gmtime_adj(X509_getm_notAfter(x), 70 * kDay);
    X509_set_issuer_name(x, X509_get_subject_name(caCert_));
    const std::string cn = (byName ? std::string(serverName) : std::string(ipText)).substr(0, 64);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_pubkey(x, leafKey_);
    // The subject alternative name is built as a structure, not from a config string: the name
    // comes from the client and must not be parsed as OpenSSL config syntax.
    GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
    GENERAL_NAME* g = GENERAL_NAME_new();
    bool ok = names != nullptr && g != nullptr;
    if (ok && byName) {
        ASN1_IA5STRING* s = ASN1_IA5STRING_new();
        ok = s != nullptr && ASN1_STRING_set(s, serverName.data(), static_cast<int>(serverName.size())) == 1;
        if (s != nullptr)
            GENERAL_NAME_set0_value(g, GEN_DNS, s);
    } else if (ok) {
        ASN1_OCTET_STRING* s = ASN1_OCTET_STRING_new();
        ok = s != nullptr && ASN1_OCTET_STRING_set(s, dstAddress.data(), static_cast<int>(dstAddress.size())) == 1;
        if (s != nullptr)
            GENERAL_NAME_set0_value(g, GEN_IPADD, s);
    }
    ok = ok && sk_GENERAL_NAME_push(names, g) > 0;
    if (!ok)
        GENERAL_NAME_free(g);
    ok = ok && X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT) == 1;
    GENERAL_NAMES_free(names);
    ok = ok && addExt(caCert_, x, NID_basic_constraints, "critical,CA:FALSE") &&
         addExt(caCert_, x, NID_key_usage, "critical,digitalSignature") &&
         addExt(caCert_, x, NID_ext_key_usage, "serverAuth") &&
         addExt(caCert_, x, NID_authority_key_identifier, "keyid:always") && X509_sign(x, caKey_, EVP_sha256()) != 0;
    if (!ok) {
        ERR_clear_error();
        X509_free(x);
        return nullptr;
    }
    if (cache_->leaves.size() >= kMaxCachedLeaves) {
        for (auto& [n, cert] : cache_->leaves)
            X509_free(cert);
        cache_->leaves.clear();
    }
    cache_->leaves.emplace(key, x);
    return x;
}

std::unique_ptr<TlsStream> TlsInterceptor::accept(std::string_view serverName, std::span<const uint8_t> dstAddress) {
    X509* leaf = leafFor(serverName, dstAddress);
    if (leaf == nullptr)
        return nullptr;
    SSL* ssl = SSL_new(ctx_);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    if (ssl == nullptr || in == nullptr || out == nullptr) {
        SSL_free(ssl);
        BIO_free(in);
        BIO_free(out);
        ERR_clear_error();
        return nullptr;
    }
    SSL_set_bio(ssl, in, out);
    if (SSL_use_certificate(ssl, leaf) != 1 || SSL_use_PrivateKey(ssl, leafKey_) != 1) {
        SSL_free(ssl);
        ERR_clear_error();
        return nullptr;
    }
    SSL_set_accept_state(ssl);
    return std::make_unique<TlsStream>(ssl);
}

}  // namespace vigil::sandbox
