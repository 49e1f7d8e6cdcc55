import Testing
@testable import GRPCClient

@Suite("gRPC message framing and header values")
struct GRPCFramingTests {
    @Test("frames a message with flag 0 and a big-endian length")
    func frame() throws {
        #expect(try GRPCMessageFraming.frame([1, 2, 3], maxBytes: 10) == [0, 0, 0, 0, 3, 1, 2, 3])
        #expect(try GRPCMessageFraming.frame([], maxBytes: 10) == [0, 0, 0, 0, 0])
        let big = try GRPCMessageFraming.frame([UInt8](repeating: 7, count: 0x01_02_03), maxBytes: 1 << 20)
        #expect(Array(big.prefix(5)) == [0, 0, 0x01, 0x02, 0x03])
        let error = #expect(throws: GRPCStatusError.self) { try GRPCMessageFraming.frame([1, 2, 3], maxBytes: 2) }
        #expect(error?.code == .resourceExhausted)
    }

    @Test("decodes messages split at every byte")
    func dripFeed() throws {
        let messages: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 9, count: 300), [42]]
        let wire = try messages.flatMap { try GRPCMessageFraming.frame($0, maxBytes: 1000) }
        for split in 0...wire.count {
            var deframer = GRPCMessageDeframer(maxBytes: 1000)
            var decoded: [[UInt8]] = []
            decoded += try wire[..<split].withUnsafeBytes { try deframer.process($0) }
            decoded += try wire[split...].withUnsafeBytes { try deframer.process($0) }
            #expect(decoded == messages, "split at \(split)")
            #expect(deframer.isIdle)
        }
        var bytewise = GRPCMessageDeframer(maxBytes: 1000)
        var decoded: [[UInt8]] = []
        for byte in wire { decoded += try [byte].withUnsafeBytes { try bytewise.process($0) } }
        #expect(decoded == messages)
    }

    @Test("a declared length above the limit fails before buffering; compression is refused")
    func limits() throws {
        var deframer = GRPCMessageDeframer(maxBytes: 100)
        let error = #expect(throws: GRPCStatusError.self) {
            _ = try ([0, 0, 0, 0, 101] as [UInt8]).withUnsafeBytes { try deframer.process($0) }
        }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message == "response message of 101 bytes exceeds the limit of 100 bytes")
        var compressed = GRPCMessageDeframer(maxBytes: 100)
        let refused = #expect(throws: GRPCStatusError.self) {
            _ = try ([1, 0, 0, 0, 1, 0] as [UInt8]).withUnsafeBytes { try compressed.process($0) }
        }
        #expect(refused?.code == .internalError)
        var partial = GRPCMessageDeframer(maxBytes: 100)
        #expect(try ([0, 0, 0] as [UInt8]).withUnsafeBytes { try partial.process($0) }.isEmpty)
        #expect(!partial.isIdle)
    }

    @Test("grpc-message is percent-decoded as UTF-8; malformed escapes stay literal")
    func percentDecoding() {
        #expect(GRPCHeaderValues.percentDecode("plain text") == "plain text")
        #expect(GRPCHeaderValues.percentDecode("100%25 wrong %E2%9C%93%0Aline") == "100% wrong \u{2713}\nline")
        #expect(GRPCHeaderValues.percentDecode("%zz and %4") == "%zz and %4")
        #expect(GRPCHeaderValues.percentDecode("%c3%A9") == "\u{e9}")
        #expect(GRPCHeaderValues.percentDecode("%FF") == "\u{fffd}")
    }

    @Test("grpc-timeout uses at most 8 digits and rounds up")
    func timeout() {
        #expect(GRPCHeaderValues.timeout(.milliseconds(500)) == "500000u")
        #expect(GRPCHeaderValues.timeout(.seconds(30)) == "30000000u")
        #expect(GRPCHeaderValues.timeout(.seconds(300)) == "300000m")
        #expect(GRPCHeaderValues.timeout(.seconds(200_000)) == "200000S")
        #expect(GRPCHeaderValues.timeout(.seconds(200_000_000)) == "3333334M")
        #expect(GRPCHeaderValues.timeout(.nanoseconds(1)) == "1n")
        #expect(GRPCHeaderValues.timeout(.seconds(-5)) == "0n")
    }

    @Test("trailers map to a status; non-200 HTTP statuses map as gRPC specifies")
    func statusMapping() {
        #expect(GRPCConnection.status(fromTrailers: [HTTP2Header(name: "grpc-status", value: "0")]) == nil)
        let error = GRPCConnection.status(fromTrailers: [
            HTTP2Header(name: "grpc-status", value: "5"), HTTP2Header(name: "grpc-message", value: "no%20such%20thing"),
        ])
        #expect(error == GRPCStatusError(code: .notFound, message: "no such thing"))
        #expect(error?.description == "gRPC status NOT_FOUND: no such thing")
        #expect(GRPCConnection.status(fromTrailers: [])?.code == .internalError)
        #expect(GRPCConnection.status(fromTrailers: [HTTP2Header(name: "grpc-status", value: "x")])?.code == .internalError)
        #expect(GRPCStatusCode.fromHTTPStatus(404) == .unimplemented)
        #expect(GRPCStatusCode.fromHTTPStatus(503) == .unavailable)
        #expect(GRPCStatusCode.fromHTTPStatus(415) == .unknown)
        #expect(GRPCStatusCode(rawValue: 99).description == "CODE_99")
    }
}
