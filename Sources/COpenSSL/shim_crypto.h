// Key, X.509 and ECDSA wrappers. Included from shim.h. Owned by TLSCrypto's key/cert files.
#pragma once
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// EVP_EC_gen is a variadic macro (EVP_PKEY_Q_keygen), which Swift cannot call.
static inline EVP_PKEY *copenssl_EC_generate(const char *group) { return EVP_EC_gen(group); }
// GENERAL_NAME's union members, read without touching the C union from Swift.
static inline int copenssl_GENERAL_NAME_type(const GENERAL_NAME *gn) { return gn->type; }
static inline const ASN1_STRING *copenssl_GENERAL_NAME_string(const GENERAL_NAME *gn) {
    switch (gn->type) {
    case GEN_DNS: return gn->d.dNSName;
    case GEN_EMAIL: return gn->d.rfc822Name;
    case GEN_URI: return gn->d.uniformResourceIdentifier;
    case GEN_IPADD: return gn->d.iPAddress;
    default: return NULL;
    }
}

// Adds an X.509v3 extension written in openssl.cnf syntax ("critical,digitalSignature") to a
// self-signed certificate (issuer = subject = x): X509V3_set_ctx_nodb is a macro.
static inline int copenssl_X509_add_ext_conf(X509 *x, int nid, const char *value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL) return 0;
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}
static inline int copenssl_MBSTRING_UTF8(void) { return MBSTRING_UTF8; }
