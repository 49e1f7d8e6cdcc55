/// What the HTTP/2 session observed while consuming received bytes. Callbacks only record
/// events; the owner acts on them after `receive` returns (never re-entering nghttp2).
enum HTTP2Event: Equatable {
    /// A complete header block: response headers, trailers, or a Trailers-Only response.
    case headers(streamID: Int32, [HTTP2Header], endStream: Bool)
    /// A chunk of DATA payload (flow-control window already accounted as consumed).
    case data(streamID: Int32, [UInt8])
    /// A DATA frame carried END_STREAM (trailers missing if no headers follow).
    case dataEndStream(streamID: Int32)
    /// The stream closed; `errorCode` is non-zero if it was reset.
    case streamClosed(streamID: Int32, errorCode: UInt32)
    /// The server is going away; streams above `lastStreamID` were not processed.
    case goAway(lastStreamID: Int32, errorCode: UInt32, debugData: String)
    /// A PING we sent was acknowledged.
    case pingAck
}

/// One header field as received (lower-case names per RFC 9113 §8.2.1).
struct HTTP2Header: Equatable {
    var name: String
    var value: String
}

/// An HTTP/2 protocol failure reported by nghttp2 or by a callback.
struct HTTP2Error: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
