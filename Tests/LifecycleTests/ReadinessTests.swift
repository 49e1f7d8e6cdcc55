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
