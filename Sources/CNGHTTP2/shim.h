// libnghttp2 (Debian 12 ships 1.52: use the v1 API names). Imported only by GRPCClient.
#ifndef CNGHTTP2_SHIM_H
#define CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>
#endif
