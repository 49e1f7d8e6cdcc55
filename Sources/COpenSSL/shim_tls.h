// TLS-session wrappers (TLSClientContext/TLSClientSession). Included from shim.h.
// Only macros Swift cannot import are wrapped here; plain functions are called directly.
#pragma once
#include <openssl/ssl.h>
#include <openssl/bio.h>

// BIO_set_mem_eof_return: an empty memory BIO reports "retry" (-1) instead of EOF (0),
// so SSL_read/SSL_do_handshake return SSL_ERROR_WANT_READ until more ciphertext arrives.
static inline long copenssl_BIO_set_mem_eof_return(BIO *b, long v) { return BIO_set_mem_eof_return(b, v); }
static inline long copenssl_SSL_CTX_add1_chain_cert(SSL_CTX *c, X509 *x) { return SSL_CTX_add1_chain_cert(c, x); }
static inline long copenssl_SSL_CTX_set_session_cache_mode(SSL_CTX *c, long m) { return SSL_CTX_set_session_cache_mode(c, m); }

// Server side (TLSServerContext/TLSServerSession).
static inline long copenssl_SSL_CTX_set_max_proto_version(SSL_CTX *c, int v) { return SSL_CTX_set_max_proto_version(c, v); }
static inline long copenssl_SSL_CTX_set_options(SSL_CTX *c, unsigned long o) { return (long)SSL_CTX_set_options(c, o); }
static inline unsigned long copenssl_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline unsigned long copenssl_SSL_OP_CIPHER_SERVER_PREFERENCE(void) { return SSL_OP_CIPHER_SERVER_PREFERENCE; }
static inline unsigned long copenssl_SSL_OP_NO_COMPRESSION(void) { return SSL_OP_NO_COMPRESSION; }

// ALPN on the server: select "http/1.1" when the client offers it; a client that offers ALPN
// without it gets the no_application_protocol alert (RFC 7301 §3.2). A client that offers no
// ALPN at all is served HTTP/1.1 too (the callback is not called).
static inline int copenssl_alpn_select_http11(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                                              const unsigned char *in, unsigned int inlen, void *arg) {
    (void)ssl; (void)arg;
    static const unsigned char http11[] = { 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
    unsigned char *selected = NULL;
    if (SSL_select_next_proto(&selected, outlen, http11, sizeof http11, in, inlen) == OPENSSL_NPN_NEGOTIATED) {
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}
static inline void copenssl_SSL_CTX_select_alpn_http11(SSL_CTX *c) {
    SSL_CTX_set_alpn_select_cb(c, copenssl_alpn_select_http11, NULL);
}
