// libnghttp2 (Debian 12 ships 1.52: use the v1 API names). Imported only by GRPCClient.
#ifndef CNGHTTP2_SHIM_H
#define CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>

// C enum values as plain ints, so Swift compares them without enum-struct conversions.
static const int CNGHTTP2_ERR_CALLBACK_FAILURE = NGHTTP2_ERR_CALLBACK_FAILURE;
static const int CNGHTTP2_ERR_DEFERRED = NGHTTP2_ERR_DEFERRED;
static const int CNGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE = NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
static const uint8_t CNGHTTP2_DATA = NGHTTP2_DATA;
static const uint8_t CNGHTTP2_HEADERS = NGHTTP2_HEADERS;
static const uint8_t CNGHTTP2_GOAWAY = NGHTTP2_GOAWAY;
static const uint8_t CNGHTTP2_PING = NGHTTP2_PING;
static const uint8_t CNGHTTP2_RST_STREAM = NGHTTP2_RST_STREAM;
static const uint8_t CNGHTTP2_FLAG_END_STREAM = NGHTTP2_FLAG_END_STREAM;
static const uint8_t CNGHTTP2_FLAG_ACK = NGHTTP2_FLAG_ACK;
static const uint32_t CNGHTTP2_DATA_FLAG_EOF = NGHTTP2_DATA_FLAG_EOF;
static const uint8_t CNGHTTP2_NV_FLAG_NONE = NGHTTP2_NV_FLAG_NONE;
static const uint8_t CNGHTTP2_FLAG_NONE = NGHTTP2_FLAG_NONE;
static const int32_t CNGHTTP2_SETTINGS_ENABLE_PUSH = NGHTTP2_SETTINGS_ENABLE_PUSH;
static const int32_t CNGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE = NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE;
static const int32_t CNGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE = NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE;
static const uint32_t CNGHTTP2_NO_ERROR = NGHTTP2_NO_ERROR;
static const uint32_t CNGHTTP2_CANCEL = NGHTTP2_CANCEL;
static const uint32_t CNGHTTP2_PROTOCOL_ERROR = NGHTTP2_PROTOCOL_ERROR;

// nghttp2_frame is a union; read the fields Swift needs without touching the union.
static inline uint8_t cnghttp2_frame_type(const nghttp2_frame *f) { return f->hd.type; }
static inline uint8_t cnghttp2_frame_flags(const nghttp2_frame *f) { return f->hd.flags; }
static inline int32_t cnghttp2_frame_stream_id(const nghttp2_frame *f) { return f->hd.stream_id; }
static inline int32_t cnghttp2_goaway_last_stream_id(const nghttp2_frame *f) { return f->goaway.last_stream_id; }
static inline uint32_t cnghttp2_goaway_error_code(const nghttp2_frame *f) { return f->goaway.error_code; }
static inline const uint8_t *cnghttp2_goaway_debug(const nghttp2_frame *f, size_t *len) { *len = f->goaway.opaque_data_len; return f->goaway.opaque_data; }
static inline int cnghttp2_headers_category(const nghttp2_frame *f) { return (int)f->headers.cat; }
static const int CNGHTTP2_HCAT_RESPONSE = NGHTTP2_HCAT_RESPONSE;
#endif
