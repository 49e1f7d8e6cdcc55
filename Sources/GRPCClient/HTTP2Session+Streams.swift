internal import CNGHTTP2

extension HTTP2Session {
    /// Opens a request stream with `headers`; the body comes from `appendBody`/`finishBody`.
    /// Returns the stream ID.
    func submitRequest(headers: [(String, String)]) throws(HTTP2Error) -> Int32 {
        // Every name and value in one buffer, and the nghttp2_nv array over it (nghttp2 copies
        // them in submit): two allocations per request rather than two per header.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headers.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count })
        for (name, value) in headers {
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: value.utf8)
        }
        var provider = nghttp2_data_provider()
        provider.read_callback = HTTP2Session.onDataSourceRead
        let streamID = bytes.withUnsafeMutableBufferPointer { buffer in
            var nvs: [nghttp2_nv] = []
            nvs.reserveCapacity(headers.count)
            var offset = 0
            for (name, value) in headers {
                let n = name.utf8.count, v = value.utf8.count
                nvs.append(nghttp2_nv(name: buffer.baseAddress! + offset, value: buffer.baseAddress! + offset + n,
                                      namelen: n, valuelen: v, flags: CNGHTTP2_NV_FLAG_NONE))
                offset += n + v
            }
            return nghttp2_submit_request(session, nil, nvs, nvs.count, &provider, nil)
        }
        guard streamID > 0 else {
            throw HTTP2Error(message: "HTTP/2 cannot open a stream: \(Self.describe(streamID))")
        }
        outbound[streamID] = HTTP2OutboundBuffer()
        return streamID
    }

    /// Queues request body bytes; `end` half-closes after them.
    func appendBody(streamID: Int32, _ bytes: [UInt8], end: Bool) {
        guard var buffer = outbound[streamID] else { return }  // stream already closed
        buffer.append(bytes)
        if end { buffer.isFinished = true }
        let resume = buffer.isDeferred
        buffer.isDeferred = false
        outbound[streamID] = buffer
        if resume { _ = nghttp2_session_resume_data(session, streamID) }
    }

    /// True until nghttp2 reported the stream closed.
    func isStreamOpen(_ streamID: Int32) -> Bool { outbound[streamID] != nil }

    /// Bytes queued for `streamID` that nghttp2 has not pulled yet.
    func pendingBodyBytes(streamID: Int32) -> Int { outbound[streamID]?.count ?? 0 }

    /// Sends RST_STREAM (CANCEL by default).
    func resetStream(_ streamID: Int32, errorCode: UInt32 = CNGHTTP2_CANCEL) {
        _ = nghttp2_submit_rst_stream(session, CNGHTTP2_FLAG_NONE, streamID, errorCode)
    }

    /// Sends a PING with 8 zero bytes of opaque data.
    func ping() { _ = nghttp2_submit_ping(session, CNGHTTP2_FLAG_NONE, nil) }

    /// Sends GOAWAY(NO_ERROR); open streams may finish, no new ones are accepted.
    func goAway() { _ = nghttp2_session_terminate_session(session, CNGHTTP2_NO_ERROR) }
}
