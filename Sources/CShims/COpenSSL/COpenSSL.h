// COpenSSL: OpenSSL 3.0 (libssl, libcrypto) for Swift. The DTLS module (handshake) and the SRTP module (AES-GCM
// through the provider's cipher functions) import this, both as an internal import.
// Function-like macros, non-literal macros and variadic functions Swift cannot import are wrapped here as
// static inline functions (clang emits them; no extra C target needed).
#ifndef CLASSBRIDGE_COPENSSL_H
#define CLASSBRIDGE_COPENSSL_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/srtp.h>
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/provider.h>
#include <sys/time.h>
#include <string.h>

// MARK: SSL / SSL_CTX macros

static inline int cb_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline int cb_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
static inline int cb_DTLS1_2_VERSION(void) { return DTLS1_2_VERSION; }
static inline uint64_t cb_SSL_OP_NO_QUERY_MTU(void) { return SSL_OP_NO_QUERY_MTU; }
static inline uint64_t cb_SSL_OP_NO_TICKET(void) { return SSL_OP_NO_TICKET; }
static inline int cb_SSL_VERIFY_PEER_REQUIRE_CERT(void) {
    return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
}
/// Frees an SSL's record buffers whenever they are empty: a connected DTLS-SRTP peer reads a record only at
/// close_notify, so hundreds of idle connections would otherwise hold them. (With DTLS, OpenSSL 3.0 frees the
/// write buffer this way but keeps the 16.7 KB read buffer; BENCHMARKS.md, memory.)
static inline long cb_SSL_CTX_release_buffers(SSL_CTX *ctx) { return SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS); }
static inline long cb_SSL_CTX_disable_session_cache(SSL_CTX *ctx) {
    return SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}
static inline long cb_DTLS_set_link_mtu(SSL *ssl, long mtu) { return DTLS_set_link_mtu(ssl, mtu); }

/// DTLSv1_get_timeout: 1 and the remaining time in seconds if a retransmission timer runs, else 0.
static inline int cb_DTLSv1_get_timeout(SSL *ssl, double *remainingSeconds) {
    struct timeval tv = {0, 0};
    if (DTLSv1_get_timeout(ssl, &tv) != 1) return 0;
    *remainingSeconds = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
    return 1;
}
static inline long cb_DTLSv1_handle_timeout(SSL *ssl) { return DTLSv1_handle_timeout(ssl); }

static inline int cb_SSL_set_app_data(SSL *ssl, void *arg) { return SSL_set_app_data(ssl, arg); }
static inline void *cb_SSL_get_app_data(const SSL *ssl) { return SSL_get_app_data(ssl); }

/// The SSL that runs the certificate verification (from inside a verify callback).
static inline SSL *cb_X509_STORE_CTX_get_ssl(X509_STORE_CTX *store) {
    return (SSL *)X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
}

// MARK: BIO macros

static inline void cb_BIO_set_retry_read(BIO *b) { BIO_set_retry_read(b); }
static inline void cb_BIO_clear_retry_flags(BIO *b) { BIO_clear_retry_flags(b); }

// MARK: keys, certificates

/// EVP_EC_gen is a macro over the variadic EVP_PKEY_Q_keygen.
static inline EVP_PKEY *cb_EVP_EC_gen_P256(void) { return EVP_EC_gen("P-256"); }
static inline int cb_MBSTRING_ASC(void) { return MBSTRING_ASC; }
static inline void cb_OPENSSL_free(void *p) { OPENSSL_free(p); }

// MARK: AES-GCM through the provider's cipher functions (SRTP AEAD_AES_128_GCM, RFC 7714)

/// The AEAD tag's parameter name, as a pointer that lives as long as the process (a string literal).
static inline const char *cb_OSSL_CIPHER_PARAM_AEAD_TAG(void) { return OSSL_CIPHER_PARAM_AEAD_TAG; }

#endif
