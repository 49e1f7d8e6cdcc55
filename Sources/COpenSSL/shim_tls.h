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
