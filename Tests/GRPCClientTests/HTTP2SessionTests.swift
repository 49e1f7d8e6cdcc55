import Testing
@testable import GRPCClient

/// The nghttp2 wrapper fed hand-built server frames (RFC 9113 §4.1 layout, HPACK literals).
@Suite("HTTP2Session fed bytes")
struct HTTP2SessionTests {
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    static func frame(type: UInt8, flags: UInt8, stream: Int32, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        return [UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff), type, flags]
            + withUnsafeBytes(of: UInt32(stream).bigEndian, Array.init) + payload
    }

    /// HPACK literal header field without indexing, new name, no Huffman (RFC 7541 §6.2.2).
    static func literal(_ name: String, _ value: String) -> [UInt8] {
        [0x00, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
    }

    static let message = try! GRPCMessageFraming.frame(Array("hello".utf8), maxBytes: 100)

    static var serverResponse: [UInt8] {
        frame(type: 4, flags: 0, stream: 0, [])                                   // SETTINGS
            + frame(type: 4, flags: 1, stream: 0, [])                             // SETTINGS ACK
            + frame(type: 1, flags: 0x4, stream: 1, [0x88] + literal("content-type", "application/grpc"))
            + frame(type: 0, flags: 0, stream: 1, message)
            + frame(type: 1, flags: 0x5, stream: 1, literal("grpc-status", "0") + literal("grpc-message", "ok%21"))
    }

    private func openStream() throws -> (HTTP2Session, [UInt8]) {
        let session = try HTTP2Session()
        let id = try session.submitRequest(headers: [
            (":method", "POST"), (":scheme", "http"), (":path", "/test.Echo/Unary"),
            (":authority", "localhost:1"), ("content-type", "application/grpc"), ("te", "trailers"),
        ])
        #expect(id == 1)
        session.appendBody(streamID: id, Self.message, end: true)
        var out: [UInt8] = []
        try session.produceOutput(into: &out, limit: 1 << 20)
        return (session, out)
    }

    @Test("sends the preface, SETTINGS, HEADERS and one DATA frame with END_STREAM")
    func clientOutput() throws {
        let (session, out) = try openStream()
        #expect(Array(out.prefix(Self.preface.count)) == Self.preface)
        var frames: [(type: UInt8, flags: UInt8, stream: Int32, payload: [UInt8])] = []
        var i = Self.preface.count
        while i + 9 <= out.count {
            let length = Int(out[i]) << 16 | Int(out[i + 1]) << 8 | Int(out[i + 2])
            let stream = Int32(out[i + 5] & 0x7f) << 24 | Int32(out[i + 6]) << 16 | Int32(out[i + 7]) << 8 | Int32(out[i + 8])
            frames.append((out[i + 3], out[i + 4], stream, Array(out[(i + 9)..<(i + 9 + length)])))
            i += 9 + length
        }
        #expect(i == out.count)
        #expect(frames.first?.type == 4)                             // SETTINGS first
        #expect(frames.contains { $0.type == 1 && $0.stream == 1 })  // request HEADERS
        let data = frames.filter { $0.type == 0 && $0.stream == 1 }
        #expect(data.count == 1)
        #expect(data.first?.payload == Self.message)
        #expect(data.first.map { $0.flags & 0x1 } == 1)               // END_STREAM
        #expect(!session.wantsWrite)
    }

    @Test("response headers, data and trailers become events, split at every byte")
    func responseEvents() throws {
        let expected: [HTTP2Event] = [
            .headers(streamID: 1, [HTTP2Header(name: ":status", value: "200"),
                                   HTTP2Header(name: "content-type", value: "application/grpc")], endStream: false),
            .data(streamID: 1, Self.message),
            .headers(streamID: 1, [HTTP2Header(name: "grpc-status", value: "0"),
                                   HTTP2Header(name: "grpc-message", value: "ok%21")], endStream: true),
            .streamClosed(streamID: 1, errorCode: 0),
        ]
        let wire = Self.serverResponse
        for split in stride(from: 0, through: wire.count, by: 1) {
            let (session, _) = try openStream()
            try wire[..<split].withUnsafeBytes { try session.receive($0) }
            try wire[split...].withUnsafeBytes { try session.receive($0) }
            #expect(Self.mergeData(session.takeEvents()) == expected, "split at \(split)")
        }
    }

    @Test("GOAWAY and RST_STREAM are reported")
    func goAwayAndReset() throws {
        let (session, _) = try openStream()
        let wire = Self.frame(type: 4, flags: 0, stream: 0, [])
            + Self.frame(type: 3, flags: 0, stream: 1, [0, 0, 0, 0x8])                                // RST_STREAM CANCEL
            + Self.frame(type: 7, flags: 0, stream: 0, [0, 0, 0, 1, 0, 0, 0, 0xb] + Array("too_many_pings".utf8))
        try wire.withUnsafeBytes { try session.receive($0) }
        #expect(session.takeEvents() == [
            .streamClosed(streamID: 1, errorCode: 8),
            .goAway(lastStreamID: 1, errorCode: 0xb, debugData: "too_many_pings"),
        ])
    }

    @Test("a protocol violation throws instead of crashing")
    func protocolError() throws {
        let (session, _) = try openStream()
        let garbage = Self.frame(type: 1, flags: 0x4, stream: 0, [0x88])  // HEADERS on stream 0
        #expect(throws: HTTP2Error.self) {
            try (Self.frame(type: 4, flags: 0, stream: 0, []) + garbage).withUnsafeBytes { try session.receive($0) }
            var out: [UInt8] = []
            try session.produceOutput(into: &out, limit: 1 << 20)
            if !session.wantsRead { throw HTTP2Error(message: "session ended") }
        }
    }

    /// Adjacent DATA events for one stream joined (chunking depends on how bytes arrive).
    static func mergeData(_ events: [HTTP2Event]) -> [HTTP2Event] {
        var merged: [HTTP2Event] = []
        for event in events {
            if case .data(let id, let bytes) = event, case .data(id, let previous)? = merged.last {
                merged[merged.count - 1] = .data(streamID: id, previous + bytes)
            } else {
                merged.append(event)
            }
        }
        return merged
    }
}
