// Key, X.509 and ECDSA wrappers. Included from shim.h.
#pragma once
#include <openssl/evp.h>
