import Foundation
import Testing
@testable import GRPCClient

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("GRPCChannel against a grpcio server (plaintext h2c)", .timeLimit(.minutes(2)))
struct GRPCChannelTests {
    let channel = Fixtures.channel(Fixtures.plaintext)

    @Test("unary call echoes the request")
    func unaryEcho() async throws {
        let response = try await channel.unary(path: "/test.Echo/Unary", request: bytes("hello"))
        #expect(text(response) == "hello")
        let empty = try await channel.unary(path: "/test.Echo/Unary", request: [])
        #expect(empty.isEmpty)
        await channel.close()
    }

    @Test("server streaming delivers every message in order, then ends")
    func serverStreaming() async throws {
        var received: [String] = []
        for try await message in channel.serverStreaming(path: "/test.Echo/ServerStream", request: bytes("25")) {
            received.append(text(message))
        }
        #expect(received == (0..<25).map { "message \($0)" })
        await channel.close()
    }

    @Test("bidirectional call echoes each message and ends after the half-close")
    func bidi() async throws {
        let call = channel.bidirectional(path: "/test.Echo/Bidi")
        var iterator = call.responses.makeAsyncIterator()
        for i in 0..<10 {
            try await call.send(bytes("ping \(i)"))
            let echoed = try await iterator.next()
            #expect(echoed.map(text) == "ping \(i)")
        }
        call.finishSending()
        #expect(try await iterator.next() == nil)
        await channel.close()
    }

    @Test("a deadline that expires fails with DEADLINE_EXCEEDED")
    func deadline() async throws {
        let started = ContinuousClock.now
        let error = await #expect(throws: GRPCStatusError.self) {
            _ = try await channel.unary(path: "/test.Echo/Sleep", request: bytes("30000"), timeout: .milliseconds(300))
        }
        #expect(error?.code == .deadlineExceeded)
        // Far below the server's 30 s, with room for a loaded machine (the loop is shared).
        #expect(ContinuousClock.now - started < .seconds(25)) // a hang guard, not a speed test
        // The connection stays usable.
        let response = try await channel.unary(path: "/test.Echo/Sleep", request: bytes("10"), timeout: .seconds(5))
        #expect(text(response) == "slept")
        await channel.close()
    }

    @Test("an error status carries the percent-decoded grpc-message (Trailers-Only)")
    func errorStatus() async throws {
        let error = await #expect(throws: GRPCStatusError.self) {
            _ = try await channel.unary(path: "/test.Echo/Error", request: [])
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message == "bad input: 100% wrong \u{2713}\nsecond line")
        await channel.close()
    }

    @Test("trailers after a message carry the status")
    func streamThenError() async throws {
        var received: [String] = []
        let error = await #expect(throws: GRPCStatusError.self) {
            for try await message in channel.serverStreaming(path: "/test.Echo/StreamThenError", request: []) {
                received.append(text(message))
            }
        }
        #expect(received == ["first"])
        #expect(error?.code == .failedPrecondition)
        #expect(error?.message == "precondition failed: caf\u{e9} %41")
        await channel.close()
    }

    @Test("an unknown method fails with UNIMPLEMENTED")
    func unimplemented() async throws {
        let error = await #expect(throws: GRPCStatusError.self) {
            _ = try await channel.unary(path: "/test.Echo/Nope", request: [])
        }
        #expect(error?.code == .unimplemented)
        await channel.close()
    }

    @Test("100 concurrent calls share one connection")
    func concurrentCalls() async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for i in 0..<100 {
                group.addTask {
                    let response = try await channel.unary(path: "/test.Echo/Sleep", request: bytes("\(i % 5 * 20)"))
                    return text(response) == "slept"
                }
            }
            var ok = 0
            for try await result in group where result { ok += 1 }
            #expect(ok == 100)
        }
        let connections = await onLoop { channel.core.connectionCount }
        #expect(connections == 1)
        await channel.close()
    }

    @Test("a 50 MiB message travels both ways")
    func largeMessage() async throws {
        let size = 50 * 1024 * 1024
        var request = [UInt8](repeating: 0, count: size)
        for i in stride(from: 0, to: size, by: 4093) { request[i] = UInt8(truncatingIfNeeded: i / 4093) }
        let response = try await channel.unary(path: "/test.Echo/Unary", request: request, timeout: .seconds(30))
        #expect(response.count == size)
        #expect(response == request)
        await channel.close()
    }

    @Test("a message above the limit fails with RESOURCE_EXHAUSTED before sending")
    func messageTooLarge() async throws {
        let small = GRPCChannel(target: GRPCTarget(host: "127.0.0.1", port: Fixtures.plaintext.port, tls: nil),
                                loop: Fixtures.loop.loop, maxMessageBytes: 1024)
        let error = await #expect(throws: GRPCStatusError.self) {
            _ = try await small.unary(path: "/test.Echo/Unary", request: [UInt8](repeating: 1, count: 2048))
        }
        #expect(error?.code == .resourceExhausted)
        // A response above the limit fails the same way, and the stream is reset.
        let received = await #expect(throws: GRPCStatusError.self) {
            _ = try await small.unary(path: "/test.Echo/Repeat", request: bytes("2048"))
        }
        #expect(received?.code == .resourceExhausted)
        #expect(received?.message == "response message of 2048 bytes exceeds the limit of 1024 bytes")
        #expect(text(try await small.unary(path: "/test.Echo/Repeat", request: bytes("1024"))).count == 1024)
        await small.close()
    }

    @Test("cancelling the awaiting task cancels the call")
    func taskCancellation() async throws {
        let task = Task { try await channel.unary(path: "/test.Echo/Sleep", request: bytes("30000")) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let started = ContinuousClock.now
        // CancellationError, or CANCELLED when the cancellation reached the stream first (a loaded
        // machine can reorder the two); never a result nor another error.
        do {
            _ = try await task.value
            Issue.record("a cancelled call returned a response")
        } catch is CancellationError {
        } catch let e as GRPCStatusError {
            #expect(e.code == .cancelled)
        }
        #expect(ContinuousClock.now - started < .seconds(25)) // a hang guard, not a speed test
        let active = await onLoop { channel.core.activeCallCount }
        #expect(active == 0)
        await channel.close()
    }

    @Test("connection refused fails with a GRPCConnectionError naming the target")
    func connectionRefused() async throws {
        let port = try unusedPort()
        let dead = GRPCChannel(target: GRPCTarget(host: "127.0.0.1", port: port, tls: nil), loop: Fixtures.loop.loop)
        let error = await #expect(throws: GRPCConnectionError.self) {
            _ = try await dead.unary(path: "/test.Echo/Unary", request: [])
        }
        #expect(error?.message.hasPrefix("cannot connect to 127.0.0.1:\(port): ") == true)
        #expect(error?.message.lowercased().contains("refused") == true)
        await dead.close()
    }

    @Test("an unresolvable host fails with a GRPCConnectionError naming the host")
    func unresolvableHost() async throws {
        let channel = GRPCChannel(target: GRPCTarget(host: "no-such-host.invalid", port: 7051, tls: nil), loop: Fixtures.loop.loop)
        let error = await #expect(throws: GRPCConnectionError.self) {
            _ = try await channel.unary(path: "/test.Echo/Unary", request: [])
        }
        #expect(error?.message.hasPrefix("cannot connect to no-such-host.invalid:7051: cannot resolve host 'no-such-host.invalid': ") == true)
        await channel.close()
    }

    private func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { done in Fixtures.loop.loop.execute { done.resume(returning: body()) } }
    }
}

/// A port nothing listens on: bind to port 0, read it back, close.
func unusedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
