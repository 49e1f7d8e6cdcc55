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
