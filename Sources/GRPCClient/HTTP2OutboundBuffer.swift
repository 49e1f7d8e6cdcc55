/// Request body bytes queued for one stream until nghttp2's data provider pulls them.
struct HTTP2OutboundBuffer {
    private var chunks: [[UInt8]] = []
    private var offset = 0           // read position in chunks[0]
    private(set) var count = 0       // bytes not yet pulled
    /// The client half-closes once everything queued has been pulled.
    var isFinished = false
    /// nghttp2 was told "no data now" (NGHTTP2_ERR_DEFERRED) and must be resumed.
    var isDeferred = false

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        chunks.append(bytes)
        count += bytes.count
    }

    /// Copies up to `capacity` bytes to `destination`; returns how many.
    mutating func pull(into destination: UnsafeMutableRawBufferPointer) -> Int {
        var written = 0
        while written < destination.count, let first = chunks.first {
            let take = min(destination.count - written, first.count - offset)
            first.withUnsafeBytes { source in
                (destination.baseAddress! + written).copyMemory(from: source.baseAddress! + offset, byteCount: take)
            }
            written += take
            offset += take
            if offset == first.count {
                chunks.removeFirst()
                offset = 0
            }
        }
        count -= written
        return written
    }
}
