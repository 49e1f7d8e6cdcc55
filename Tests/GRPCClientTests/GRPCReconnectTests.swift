import Testing
@testable import GRPCClient

@Suite("GRPCChannel reconnects", .timeLimit(.minutes(2)))
struct GRPCReconnectTests {
    @Test("server restarted mid-stream: the call fails, the next call reconnects")
    func serverRestart() async throws {
        var server = try TestServer()
        let port = server.port
        let channel = Fixtures.channel(server)
        let call = channel.bidirectional(path: "/test.Echo/Bidi")
        var iterator = call.responses.makeAsyncIterator()
        try await call.send(Array("before".utf8))
        #expect(try await iterator.next().map { String(decoding: $0, as: UTF8.self) } == "before")

        server.stop()
        await #expect(throws: (any Error).self) {
            while try await iterator.next() != nil {}
        }

        server = try TestServer(["--port", "\(port)"])
        let response = try await channel.unary(path: "/test.Echo/Unary", request: Array("after".utf8))
        #expect(String(decoding: response, as: UTF8.self) == "after")
        await channel.close()
        server.stop()
    }

    @Test("a failed connect is retried after a backoff, then succeeds")
    func backoff() async throws {
        let port = try unusedPort()
        var options = GRPCConnectionOptions()
        options.backoffInitial = .milliseconds(200)
        let channel = GRPCChannel(target: GRPCTarget(host: "127.0.0.1", port: port, tls: nil), loop: Fixtures.loop.loop, options: options)
        await #expect(throws: GRPCConnectionError.self) { _ = try await channel.unary(path: "/test.Echo/Unary", request: []) }
        let server = try TestServer(["--port", "\(port)"])
        let started = ContinuousClock.now
        // No deadline: the call waits for the next attempt, which succeeds.
        let response = try await channel.unary(path: "/test.Echo/Unary", request: Array("up".utf8))
        #expect(String(decoding: response, as: UTF8.self) == "up")
        #expect(ContinuousClock.now - started < .seconds(20)) // a hang guard, not a speed test
        await channel.close()
        server.stop()
    }

    @Test("a call whose deadline ends inside the reconnect backoff fails at once with the last connect error")
    func failFastDuringBackoff() async throws {
        let port = try unusedPort()
        var options = GRPCConnectionOptions()
        // Backoff and deadline both far beyond the suite's time limit: waiting for either one
        // fails the test by its time limit, without a wall-clock bound that a loaded machine breaks.
        options.backoffInitial = .seconds(3600)
        options.backoffMax = .seconds(3600)
        let channel = GRPCChannel(target: GRPCTarget(host: "127.0.0.1", port: port, tls: nil), loop: Fixtures.loop.loop, options: options)
        await #expect(throws: GRPCConnectionError.self) { _ = try await channel.unary(path: "/test.Echo/Unary", request: []) }
        let error = await #expect(throws: GRPCConnectionError.self) {
            _ = try await channel.unary(path: "/test.Echo/Unary", request: [], timeout: .seconds(1800))
        }
        #expect(error?.message.contains("next attempt in") == true)
        #expect(error?.message.contains("127.0.0.1:\(port)") == true)
        await channel.close()
    }

    @Test("GOAWAY: the call in flight completes, the next call opens a new connection")
    func goAway() async throws {
        let server = try TestServer(["--max-connection-age-ms", "300"])
        let channel = Fixtures.channel(server)
        // Sleeps across the server's GOAWAY (connection age 300 ms, grace 10 s).
        let slow = try await channel.unary(path: "/test.Echo/Sleep", request: Array("1500".utf8))
        #expect(String(decoding: slow, as: UTF8.self) == "slept")
        let opened = await onLoop { channel.core.connectionsOpened }
        let response = try await channel.unary(path: "/test.Echo/Unary", request: Array("next".utf8))
        #expect(String(decoding: response, as: UTF8.self) == "next")
        let reopened = await onLoop { channel.core.connectionsOpened }
        #expect(opened == 1)
        #expect(reopened == 2)
        await channel.close()
        server.stop()
    }

    @Test("calls after close fail with a closed-channel error")
    func closed() async throws {
        let channel = Fixtures.channel(Fixtures.plaintext)
        _ = try await channel.unary(path: "/test.Echo/Unary", request: [])
        await channel.close()
        let error = await #expect(throws: GRPCConnectionError.self) { _ = try await channel.unary(path: "/test.Echo/Unary", request: []) }
        #expect(error?.message == "channel to 127.0.0.1:\(Fixtures.plaintext.port) is closed")
    }

    private func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { done in Fixtures.loop.loop.execute { done.resume(returning: body()) } }
    }
}
