import Testing
@testable import GRPCClient

@Suite("Keepalive pings", .timeLimit(.minutes(2)))
struct GRPCKeepaliveTests {
    static let second: UInt64 = 1_000_000_000

    @Test("pings only after a full idle interval, never twice within one")
    func policy() {
        var keepalive = GRPCKeepalive(intervalNanos: 60 * Self.second, now: 0)
        #expect(keepalive.decide(now: 0) == .wait(60 * Self.second))
        keepalive.received(now: 20 * Self.second)
        #expect(keepalive.decide(now: 30 * Self.second) == .wait(50 * Self.second))
        #expect(keepalive.decide(now: 80 * Self.second) == .ping)
        #expect(keepalive.decide(now: 80 * Self.second) == .wait(60 * Self.second))
        keepalive.acknowledged()
        #expect(keepalive.decide(now: 139 * Self.second) == .wait(1 * Self.second))
        #expect(keepalive.decide(now: 140 * Self.second) == .ping)
        // Unanswered: no second PING even after another interval (the timeout handles it).
        #expect(keepalive.decide(now: 300 * Self.second) == .wait(60 * Self.second))
        #expect(keepalive.pingsSent == 2)
    }

    @Test("traffic postpones the ping")
    func busyConnection() {
        var keepalive = GRPCKeepalive(intervalNanos: 60 * Self.second, now: 0)
        for t in stride(from: UInt64(10), through: 600, by: 10) {
            keepalive.received(now: t * Self.second)
            #expect(keepalive.decide(now: t * Self.second) == .wait(60 * Self.second))
        }
        #expect(keepalive.pingsSent == 0)
    }

    @Test("an idle connection pings the server and gets the ack")
    func pingOverSocket() async throws {
        // grpcio, like grpc-go, sends GOAWAY(too_many_pings) to clients pinging an idle
        // connection too often; this server allows it so the test can use a short interval.
        let server = try TestServer(["--permit-pings"])
        defer { server.stop() }
        var options = GRPCConnectionOptions()
        options.keepaliveInterval = .milliseconds(300)
        let channel = GRPCChannel(target: GRPCTarget(host: "127.0.0.1", port: server.port, tls: nil),
                                  loop: Fixtures.loop.loop, options: options)
        _ = try await channel.unary(path: "/test.Echo/Unary", request: [1])
        // Wait (bounded) for the first PING to be answered.
        var counts = (sent: 0, outstanding: 0)
        let deadline = ContinuousClock.now + .seconds(30) // generous: CI machines are loaded
        while ContinuousClock.now < deadline {
            counts = await withCheckedContinuation { done in
                Fixtures.loop.loop.execute { done.resume(returning: channel.core.keepaliveCounts) }
            }
            if counts.sent >= 1 && counts.outstanding == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(counts.sent >= 1)
        #expect(counts.outstanding == 0)
        #expect(try await channel.unary(path: "/test.Echo/Unary", request: [2]) == [2])
        await channel.close()
    }
}
