/// gRPC length-prefixed message framing (docs/fabric-notes.md §12.1):
/// `1 byte compressed-flag | 4 bytes big-endian length | message`.
enum GRPCMessageFraming {
    static let headerSize = 5

    /// Frames one uncompressed message. Throws RESOURCE_EXHAUSTED above `maxBytes`.
    static func frame(_ message: [UInt8], maxBytes: Int) throws(GRPCStatusError) -> [UInt8] {
        guard message.count <= maxBytes else {
            throw GRPCStatusError(code: .resourceExhausted,
                                  message: "request message of \(message.count) bytes exceeds the limit of \(maxBytes) bytes")
        }
        let length = UInt32(message.count)
        var out: [UInt8] = []
        out.reserveCapacity(headerSize + message.count)
        out.append(0)
        out.append(UInt8(truncatingIfNeeded: length >> 24))
        out.append(UInt8(truncatingIfNeeded: length >> 16))
        out.append(UInt8(truncatingIfNeeded: length >> 8))
        out.append(UInt8(truncatingIfNeeded: length))
        out.append(contentsOf: message)
        return out
    }
}

/// Incremental decoder for received DATA bytes: feed any split, get whole messages.
/// A declared length above `maxBytes` fails with RESOURCE_EXHAUSTED before buffering it.
struct GRPCMessageDeframer {
    let maxBytes: Int
    private var header: [UInt8] = []
    private var body: [UInt8] = []
    private var expected: Int?

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    /// True between messages (nothing partial buffered).
    var isIdle: Bool { header.isEmpty && expected == nil }

    /// Consumes `bytes`, returning the messages completed by them.
    mutating func process(_ bytes: UnsafeRawBufferPointer) throws(GRPCStatusError) -> [[UInt8]] {
        var messages: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            guard let length = expected else {
                let take = min(GRPCMessageFraming.headerSize - header.count, bytes.count - index)
                header.append(contentsOf: bytes[index..<(index + take)])
                index += take
                if header.count == GRPCMessageFraming.headerSize { try startMessage(&messages) }
                continue
            }
            let take = min(length - body.count, bytes.count - index)
            body.append(contentsOf: bytes[index..<(index + take)])
            index += take
            if body.count == length { finishMessage(&messages) }
        }
        return messages
    }

    private mutating func startMessage(_ messages: inout [[UInt8]]) throws(GRPCStatusError) {
        guard header[0] == 0 else {
            // We never send grpc-accept-encoding, so a compressed message is a protocol error.
            throw GRPCStatusError(code: .internalError, message: "received a compressed message without negotiating compression")
        }
        let length = Int(header[1]) << 24 | Int(header[2]) << 16 | Int(header[3]) << 8 | Int(header[4])
        guard length <= maxBytes else {
            throw GRPCStatusError(code: .resourceExhausted,
                                  message: "response message of \(length) bytes exceeds the limit of \(maxBytes) bytes")
        }
        header.removeAll(keepingCapacity: true)
        expected = length
        body = []
        body.reserveCapacity(length)
        if length == 0 { finishMessage(&messages) }
    }

    private mutating func finishMessage(_ messages: inout [[UInt8]]) {
        messages.append(body)
        body = []
        expected = nil
    }
}
