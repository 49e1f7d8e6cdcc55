// TLS-session wrappers (TLSSession/TLSContext). Included from shim.h.
#pragma once
#include <openssl/ssl.h>
