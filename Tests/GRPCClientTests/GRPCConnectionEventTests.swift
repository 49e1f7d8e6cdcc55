import Testing
@testable import GRPCClient

/// How a connection turns HTTP/2 events into call outcomes, without a socket: events are
/// injected into the (unstarted) connection's session and handled directly.
@Suite("GRPCConnection event handling", .timeLimit(.minutes(2)))
struct GRPCConnectionEventTests {
    private func setUp(streams: [Int32]) throws -> (GRPCConnection, [Int32: AsyncThrowingStream<[UInt8], any Error>]) {
        let connection = try GRPCConnection(target: GRPCTarget(host: "peer0", port: 7051, tls: nil),
                                            loop: Fixtures.loop.loop, options: GRPCConnectionOptions(), tlsContext: nil)
        var responses: [Int32: AsyncThrowingStream<[UInt8], any Error>] = [:]
        for id in streams {
            let (stream, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self, throwing: (any Error).self)
            let call = GRPCCall(path: "/test.Echo/Unary", timeout: nil, maxMessageBytes: 1000, continuation: continuation)
            call.streamID = id
            connection.activeCalls[id] = call
            responses[id] = stream
        }
        return (connection, responses)
    }

    private func outcome(_ stream: AsyncThrowingStream<[UInt8], any Error>?) async -> (messages: [[UInt8]], error: GRPCStatusError?) {
        var messages: [[UInt8]] = []
        do {
            for try await message in stream! { messages.append(message) }
            return (messages, nil)
        } catch {
            return (messages, error as? GRPCStatusError ?? GRPCStatusError(code: .unknown, message: "\(error)"))
        }
    }

    private static let ok = [HTTP2Header(name: ":status", value: "200"), HTTP2Header(name: "content-type", value: "application/grpc")]

    @Test("a non-200 :status ends the call with the mapped code")
    func httpStatus() async throws {
        let (connection, responses) = try setUp(streams: [1])
        connection.http2.events = [.headers(streamID: 1, [HTTP2Header(name: ":status", value: "503")], endStream: false)]
        connection.handleEvents()
        let result = await outcome(responses[1])
        #expect(result.error == GRPCStatusError(code: .unavailable, message: "unexpected HTTP status 503"))
        #expect(connection.activeCalls.isEmpty)
    }

    @Test("a Trailers-Only response carries the status")
    func trailersOnly() async throws {
        let (connection, responses) = try setUp(streams: [1])
        connection.http2.events = [.headers(streamID: 1, Self.ok + [HTTP2Header(name: "grpc-status", value: "7"),
                                                                  HTTP2Header(name: "grpc-message", value: "denied%3A%20no")],
                                            endStream: true)]
        connection.handleEvents()
        #expect(await outcome(responses[1]).error == GRPCStatusError(code: .permissionDenied, message: "denied: no"))
    }

    @Test("messages then OK trailers; a stream ending in DATA or mid-message is an error")
    func messagesAndEndings() async throws {
        let (connection, responses) = try setUp(streams: [1, 3, 5])
        let frame = try GRPCMessageFraming.frame([7, 8], maxBytes: 10)
        connection.http2.events = [
            .headers(streamID: 1, Self.ok, endStream: false), .data(streamID: 1, frame + frame),
            .headers(streamID: 1, [HTTP2Header(name: "grpc-status", value: "0")], endStream: true),
            .headers(streamID: 3, Self.ok, endStream: false), .data(streamID: 3, frame), .dataEndStream(streamID: 3),
            .headers(streamID: 5, Self.ok, endStream: false), .data(streamID: 5, Array(frame.prefix(3))),
            .headers(streamID: 5, [HTTP2Header(name: "grpc-status", value: "0")], endStream: true),
        ]
        connection.handleEvents()
        let first = await outcome(responses[1])
        #expect(first.messages == [[7, 8], [7, 8]])
        #expect(first.error == nil)
        let second = await outcome(responses[3])
        #expect(second.messages == [[7, 8]])
        #expect(second.error?.message == "server ended the stream without gRPC trailers")
        #expect(await outcome(responses[5]).error?.message == "stream ended inside a message")
    }

    @Test("RST_STREAM codes map to gRPC codes")
    func resets() async throws {
        let (connection, responses) = try setUp(streams: [1, 3, 5])
        connection.http2.events = [
            .streamClosed(streamID: 1, errorCode: 0x7), .streamClosed(streamID: 3, errorCode: 0x8),
            .streamClosed(streamID: 5, errorCode: 0x2),
        ]
        connection.handleEvents()
        #expect(await outcome(responses[1]).error?.code == .unavailable)
        #expect(await outcome(responses[3]).error?.code == .cancelled)
        #expect(await outcome(responses[5]).error?.code == .internalError)
    }

    @Test("GOAWAY fails streams above last-stream-id as UNAVAILABLE; lower ones continue")
    func goAway() async throws {
        let (connection, responses) = try setUp(streams: [1, 3, 5])
        connection.state = .ready
        connection.http2.events = [.goAway(lastStreamID: 3, errorCode: 0, debugData: "")]
        connection.handleEvents()
        #expect(!connection.acceptsCalls)
        #expect(await outcome(responses[5]).error == GRPCStatusError(
            code: .unavailable, message: "server sent GOAWAY (error code 0); call not processed"))
        #expect(Set(connection.activeCalls.keys) == [1, 3])
        connection.http2.events = [.headers(streamID: 3, Self.ok + [HTTP2Header(name: "grpc-status", value: "0")], endStream: true)]
        connection.handleEvents()
        #expect(await outcome(responses[3]).error == nil)
        connection.state = .closed
    }
}
