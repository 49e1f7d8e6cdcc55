// OpenSSL 3 headers plus static inline wrappers for the macros Swift cannot import.
// Imported only by the TLSCrypto module.
#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/bio.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>

static inline long copenssl_SSL_set_tlsext_host_name(SSL *s, const char *name) { return SSL_set_tlsext_host_name(s, name); }
static inline long copenssl_SSL_CTX_set_min_proto_version(SSL_CTX *c, int v) { return SSL_CTX_set_min_proto_version(c, v); }
static inline long copenssl_SSL_CTX_set_mode(SSL_CTX *c, long m) { return SSL_CTX_set_mode(c, m); }
static inline long copenssl_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
static inline size_t copenssl_BIO_ctrl_pending(BIO *b) { return BIO_ctrl_pending(b); }
static inline int copenssl_OPENSSL_init_ssl(void) { return OPENSSL_init_ssl(0, NULL); }
static inline void copenssl_OPENSSL_free(void *p) { OPENSSL_free(p); }
static inline const STACK_OF(GENERAL_NAME) *copenssl_X509_get_sans(X509 *x) { return X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL); }
static inline int copenssl_sk_GENERAL_NAME_num(const STACK_OF(GENERAL_NAME) *s) { return sk_GENERAL_NAME_num(s); }
static inline GENERAL_NAME *copenssl_sk_GENERAL_NAME_value(const STACK_OF(GENERAL_NAME) *s, int i) { return sk_GENERAL_NAME_value(s, i); }
static inline void copenssl_GENERAL_NAMES_free(const STACK_OF(GENERAL_NAME) *s) { GENERAL_NAMES_free((STACK_OF(GENERAL_NAME) *)s); }
// Wrappers split by owner to keep edits apart: TLS sessions vs. keys/X.509/ECDSA.
#include "shim_tls.h"
#include "shim_crypto.h"
#endif
