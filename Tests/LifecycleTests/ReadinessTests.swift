import Foundation
import Testing

/// `/readyz` reports the Fabric reachability the gateway knows without asking anyone per probe:
/// whether the approval tracker holds a live Deliver stream on each channel.
@Suite("readiness follows the network", .serialized, .timeLimit(.minutes(3)))
struct ReadinessTests {
    static func readiness(_ f: LifecycleFixture) async throws -> (status: Int, check: String?) {
        let r = try await HTTPTestClient(port: f.port).get("/readyz")
        return (r.status, (r.json["checks"] as? [String: Any])?["fabric:mychannel"] as? String)
    }

    /// Polls until `want` (bounded: the listener reconnects with a back-off).
    static func eventually(_ f: LifecycleFixture, _ want: (status: Int, check: String), _ what: String) async throws {
        var last: (status: Int, check: String?) = (0, nil)
        for _ in 0..<150 {
            last = try await readiness(f)
            if last.status == want.status && last.check == want.check { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("\(what): /readyz stayed \(last)")
    }

    @Test("ready while a peer streams blocks; 503 naming the channel when no peer can; ready again when one is back")
    func followsThePeers() async throws {
        try await LifecycleFixture.run { f in
            try await Self.eventually(f, (200, "ok"), "the tracker connects")
            for peer in ["peer0.org1.example.com", "peer0.org2.example.com"] { try await f.control(peer, "stop") }
            try await Self.eventually(f, (503, "failing"), "every peer stopped")
            try await f.control("peer0.org2.example.com", "start")
            try await Self.eventually(f, (200, "ok"), "a peer is back")
        }
    }
}

/// A peer that accepts calls but never answers (fabric-sim's latency fault, as a frozen process
/// looks) costs a bounded wait per peer: GET /api/v1/channels/{channel} answers 504 within the
/// query deadline per peer (5 s each here), not after the TCP stack gives up.
@Suite("a frozen peer is a bounded wait", .serialized, .timeLimit(.minutes(3)))
struct FrozenPeerTests {
    @Test("GET /api/v1/channels/mychannel answers 504 within the per-peer deadlines when every peer hangs")
    func channelWithFrozenPeers() async throws {
        try await LifecycleFixture.run { f in
            let control = HTTPTestClient(port: f.controlPort)
            for peer in ["peer0.org1.example.com", "peer0.org2.example.com"] {
                let r = try await control.post("/nodes/\(peer)/faults", ["latencyMs": 120_000])
                #expect(r.status == 200, "\(r.text)")
            }
            let started = ContinuousClock.now
            let r = try await f.viewer.get(SeedScenario.channel)
            let took = ContinuousClock.now - started
            #expect(r.status == 504 && SeedScenario.errorCode(r) == "peer_timeout", "\(r.text)")
            #expect(took < .seconds(20), "two peers at 5 s each, not the fault's 120 s: took \(took)")
            for peer in ["peer0.org1.example.com", "peer0.org2.example.com"] {
                _ = try await control.post("/nodes/\(peer)/faults", [String: Any]())
            }
        }
    }
}
