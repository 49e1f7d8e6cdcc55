internal import CNGHTTP2

/// A client-side nghttp2 session: pure, no I/O (bytes in via `receive`, bytes out via
/// `produceOutput`). One Swift object per `nghttp2_session`; nghttp2's `user_data` is this
/// object, unretained (the session is freed in `deinit`, so it never outlives us).
/// Confined to one thread.
final class HTTP2Session {
    /// Window sizes: big enough that a 100 MiB message streams without waiting for
    /// WINDOW_UPDATE round trips; nghttp2 returns credit automatically as we consume DATA.
    static let streamWindow: Int32 = 16 * 1024 * 1024
    static let connectionWindow: Int32 = 64 * 1024 * 1024

    private(set) var session: OpaquePointer!
    /// Events recorded by callbacks since the last `takeEvents()`.
    var events: [HTTP2Event] = []
    /// Headers of the header block being received, per stream.
    var partialHeaders: [Int32: [HTTP2Header]] = [:]
    /// Request bodies not yet handed to nghttp2, per stream.
    var outbound: [Int32: HTTP2OutboundBuffer] = [:]
    /// First failure raised inside a callback (callbacks never throw).
    var callbackError: HTTP2Error?

    init() throws(HTTP2Error) {
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
            throw HTTP2Error(message: "nghttp2: out of memory")
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        Self.installCallbacks(callbacks)
        var created: OpaquePointer?
        let rc = nghttp2_session_client_new(&created, callbacks, Unmanaged.passUnretained(self).toOpaque())
        guard rc == 0, let created else { throw HTTP2Error(message: "nghttp2_session_client_new failed: \(rc)") }
        session = created
        try submitInitialSettings()
    }

    deinit { nghttp2_session_del(session) }

    private func submitInitialSettings() throws(HTTP2Error) {
        let settings = [
            nghttp2_settings_entry(settings_id: CNGHTTP2_SETTINGS_ENABLE_PUSH, value: 0),
            nghttp2_settings_entry(settings_id: CNGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, value: UInt32(Self.streamWindow)),
            nghttp2_settings_entry(settings_id: CNGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, value: 16 * 1024 * 1024),
        ]
        try check(nghttp2_submit_settings(session, CNGHTTP2_FLAG_NONE, settings, settings.count), "submit SETTINGS")
        try check(nghttp2_session_set_local_window_size(session, CNGHTTP2_FLAG_NONE, 0, Self.connectionWindow),
                  "set connection window")
    }

    private func check(_ rc: Int32, _ what: String) throws(HTTP2Error) {
        guard rc == 0 else { throw HTTP2Error(message: "HTTP/2 \(what) failed: \(Self.describe(rc))") }
    }

    static func describe(_ rc: Int) -> String { String(cString: nghttp2_strerror(Int32(rc))) }
    static func describe(_ rc: Int32) -> String { String(cString: nghttp2_strerror(rc)) }

    /// Whether nghttp2 still wants to read or write; false once the session is finished
    /// (GOAWAY exchanged and all streams closed, or a fatal error).
    var wantsRead: Bool { nghttp2_session_want_read(session) != 0 }
    var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

    /// Feeds received bytes; callbacks append to `events`.
    func receive(_ bytes: UnsafeRawBufferPointer) throws(HTTP2Error) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let rc = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        if let error = callbackError { throw error }
        guard rc >= 0 else { throw HTTP2Error(message: "HTTP/2 protocol error: \(Self.describe(rc))") }
    }

    /// Appends frames nghttp2 wants to send to `buffer`, stopping once it holds `limit` bytes.
    func produceOutput(into buffer: inout [UInt8], limit: Int) throws(HTTP2Error) {
        while buffer.count < limit {
            var data: UnsafePointer<UInt8>?
            let n = nghttp2_session_mem_send(session, &data)
            if let error = callbackError { throw error }
            guard n >= 0 else { throw HTTP2Error(message: "HTTP/2 send failed: \(Self.describe(n))") }
            guard n > 0, let data else { return }
            buffer.append(contentsOf: UnsafeBufferPointer(start: data, count: n))
        }
    }

    func takeEvents() -> [HTTP2Event] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }
}
