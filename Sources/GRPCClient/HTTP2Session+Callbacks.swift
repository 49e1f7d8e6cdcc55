internal import CNGHTTP2

/// nghttp2 callbacks: static, non-capturing, never throwing. Each recovers the session from
/// `user_data`, records an event, and on failure stores the error and returns
/// NGHTTP2_ERR_CALLBACK_FAILURE (nghttp2.h callback contracts). None re-enters mem_recv/send.
extension HTTP2Session {
    static func installCallbacks(_ callbacks: OpaquePointer) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameReceived)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
    }

    private static func owner(_ userData: UnsafeMutableRawPointer?) -> HTTP2Session {
        Unmanaged<HTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
    }

    static let onBeginHeaders: nghttp2_on_begin_headers_callback = { _, frame, userData in
        let me = owner(userData)
        me.partialHeaders[cnghttp2_frame_stream_id(frame!)] = []
        return 0
    }

    static let onHeader: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, userData in
        let me = owner(userData)
        let streamID = cnghttp2_frame_stream_id(frame!)
        let header = HTTP2Header(
            name: String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self),
            value: String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self))
        me.partialHeaders[streamID, default: []].append(header)
        return 0
    }

    static let onFrameReceived: nghttp2_on_frame_recv_callback = { _, frame, userData in
        let me = owner(userData)
        let frame = frame!
        let streamID = cnghttp2_frame_stream_id(frame)
        let endStream = cnghttp2_frame_flags(frame) & CNGHTTP2_FLAG_END_STREAM != 0
        switch cnghttp2_frame_type(frame) {
        case CNGHTTP2_HEADERS:
            let headers = me.partialHeaders.removeValue(forKey: streamID) ?? []
            me.events.append(.headers(streamID: streamID, headers, endStream: endStream))
        case CNGHTTP2_DATA where endStream:
            me.events.append(.dataEndStream(streamID: streamID))
        case CNGHTTP2_GOAWAY:
            var length = 0
            let debug = cnghttp2_goaway_debug(frame, &length)
            let text = debug.map { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) } ?? ""
            me.events.append(.goAway(lastStreamID: cnghttp2_goaway_last_stream_id(frame),
                                     errorCode: cnghttp2_goaway_error_code(frame), debugData: text))
        case CNGHTTP2_PING where cnghttp2_frame_flags(frame) & CNGHTTP2_FLAG_ACK != 0:
            me.events.append(.pingAck)
        default:
            break
        }
        return 0
    }

    static let onDataChunk: nghttp2_on_data_chunk_recv_callback = { _, _, streamID, data, length, userData in
        let me = owner(userData)
        me.events.append(.data(streamID: streamID, Array(UnsafeBufferPointer(start: data, count: length))))
        return 0
    }

    static let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, userData in
        let me = owner(userData)
        me.outbound[streamID] = nil
        me.partialHeaders[streamID] = nil
        me.events.append(.streamClosed(streamID: streamID, errorCode: errorCode))
        return 0
    }

    /// Data provider for request bodies: copies queued bytes; defers when none are queued
    /// and the body is not finished; sets EOF (END_STREAM) once finished and drained.
    static let onDataSourceRead: nghttp2_data_source_read_callback = { _, streamID, buffer, length, flags, _, userData in
        let me = owner(userData)
        guard var pending = me.outbound[streamID] else {
            me.callbackError = HTTP2Error(message: "HTTP/2 data requested for unknown stream \(streamID)")
            return Int(CNGHTTP2_ERR_CALLBACK_FAILURE)
        }
        let written = pending.pull(into: UnsafeMutableRawBufferPointer(start: buffer, count: length))
        if pending.count == 0 && pending.isFinished {
            flags!.pointee |= CNGHTTP2_DATA_FLAG_EOF
        } else if written == 0 {
            pending.isDeferred = true
            me.outbound[streamID] = pending
            return Int(CNGHTTP2_ERR_DEFERRED)
        }
        me.outbound[streamID] = pending
        return written
    }
}
