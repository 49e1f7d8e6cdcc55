@testable import AdminAPI
@testable import ChaincodeLifecycle
import Foundation
import Testing

/// The block listener fails over to another peer (issue 8): with two peers per org, the peer it
/// streams from is stopped, an approval lands meanwhile, and the listener records it from
/// another peer's blocks, once, with the checkpoint moving on block by block.
@Suite("approval tracking: peer failover against fabric-sim", .serialized, .timeLimit(.minutes(5)))
struct TrackingFailoverTests {
    static let cc = "/api/v1/channels/mychannel/chaincodes/failover"

    @Test("stopping the streaming peer moves the listener; no gap, no duplicate; the peer comes back")
    func failover() async throws {
        try await LifecycleFixture.run(orgs: 2, peersPerOrg: 2) { f in
            try await scenario(f)
        }
    }

    @Test("a peer that leaves a block out is refused: the listener resumes elsewhere from its checkpoint, nothing skipped")
    func gapRefused() async throws {
        try await LifecycleFixture.run(orgs: 2) { f in
            let tracker = try #require(f.services.tracker)
            #expect(try await f.admin.put(Self.cc + "/draft", ["version": "1.0"]).status == 200)
            let events = Self.collectApprovalEvents(f)
            let a2 = try await Self.approve(f, msp: "Org2MSP", peer: 0)
            await tracker.processed(channel: "mychannel", through: a2.block)
            let first = try #require(tracker.streamingPeer(channel: "mychannel"))

            // The streaming peer leaves out the next block (Org1's approval): the block after it
            // arrives where that one was expected.
            let fault = try await HTTPTestClient(port: f.controlPort).post("/nodes/\(first)/faults", ["skipBlocks": 1])
            #expect(fault.status == 200, "\(fault.text)")
            let a1 = try await Self.approve(f, msp: "Org1MSP", peer: 0)
            let later = try await Self.approve(f, msp: "Org2MSP", peer: 0, version: "1.1")
            #expect(a1.code == 0 && later.code == 0 && later.block > a1.block && a1.block > a2.block)
            await tracker.processed(channel: "mychannel", through: later.block)

            // Accepting the gap would have lost a1 (and moved the checkpoint over it).
            #expect(try await tracker.checkpoint(channel: "mychannel") == later.block)
            #expect(try await Self.count(f, "count(*)") == 3)
            #expect(try await Self.count(f, "count(DISTINCT tx_id)") == 3)
            let blocks = try await f.services.queue.read {
                try $0.scalarInt("SELECT block_number FROM lifecycle_transactions WHERE tx_id = '\(a1.txID)'")
            }
            #expect(blocks == Int64(a1.block))
            let source = tracker.streamingPeer(channel: "mychannel")
            #expect(source != nil && source != first, "the listener stayed on the faulty peer \(first)")
            f.services.lifecycle!.events.publish("end-of-test", .null)
            #expect(await events.value == [a2.txID, a1.txID, later.txID])
        }
    }

    func scenario(_ f: LifecycleFixture) async throws {
        let tracker = try #require(f.services.tracker)
        let draft = try await f.admin.put(Self.cc + "/draft", ["version": "1.0"])
        #expect(draft.status == 200, "\(draft.text)")
        let events = Self.collectApprovalEvents(f)

        // A first approval (Org2) while the listener streams from its first peer.
        let a2 = try await Self.approve(f, msp: "Org2MSP", peer: 0)
        #expect(a2.code == 0)
        await tracker.processed(channel: "mychannel", through: a2.block)
        let first = try #require(tracker.streamingPeer(channel: "mychannel"))

        // Stop that peer; Org1 approves on a peer that is still running.
        try await f.control(first, "stop")
        let org1Peer = first == "peer0.org1.example.com" ? 1 : 0
        let a1 = try await Self.approve(f, msp: "Org1MSP", peer: org1Peer, waitOn: ("Org2MSP", first == "peer0.org2.example.com" ? 1 : 0))
        #expect(a1.code == 0 && a1.block > a2.block)
        await tracker.processed(channel: "mychannel", through: a1.block)
        let second = tracker.streamingPeer(channel: "mychannel")
        #expect(second != nil && second != first, "listener still on \(String(describing: second))")

        let status = try await f.viewer.get(Self.cc + "/approvals").json
        for (msp, approval) in [("Org1MSP", a1), ("Org2MSP", a2)] {
            let org = try #require(TrackingEndToEndTests.org(status, msp), "\(status)")
            let source = org["source"] as? [String: Any]
            #expect(org["state"] as? String == "approved", "\(org)")
            #expect(source?["kind"] as? String == "block" && source?["txId"] as? String == approval.txID, "\(org)")
            #expect(source?["blockNumber"] as? Int == Int(approval.block), "\(org)")
        }
        #expect(status["wouldCommitNow"] as? Bool == true && status["trackedThroughBlock"] as? Int == Int(a1.block), "\(status)")
        #expect(try await tracker.checkpoint(channel: "mychannel") == a1.block)
        #expect(try await Self.count(f, "count(*)") == 2)
        #expect(try await Self.count(f, "count(DISTINCT tx_id)") == 2)

        // The stopped peer comes back (catching up first); a third approval is tracked too.
        try await f.control(first, "start")
        let again = try await Self.approve(f, msp: "Org2MSP", peer: 0, version: "1.1")
        #expect(again.code == 0)
        await tracker.processed(channel: "mychannel", through: again.block)
        #expect(try await tracker.checkpoint(channel: "mychannel") == again.block)
        #expect(try await Self.count(f, "count(*)") == 3)
        #expect(try await Self.count(f, "count(DISTINCT tx_id)") == 3)
        f.services.lifecycle!.events.publish("end-of-test", .null)
        #expect(await events.value == [a2.txID, a1.txID, again.txID])
        try await checkConfigurationCache(f, tracker: tracker)
    }

    /// The status requests above filled the tracker's channel configuration cache; a fetch
    /// overtaken by a config block is not kept; nothing is cached once the tracker stops.
    func checkConfigurationCache(_ f: LifecycleFixture, tracker: ApprovalTracker) async throws {
        let network = f.services.lifecycle!.network
        let cache = network.channelConfigurations
        let config = try await network.channelConfiguration("mychannel")
        var fetches = 0
        _ = try await cache.configuration("mychannel") { fetches += 1; return config }
        #expect(fetches == 0)
        cache.invalidate("mychannel")
        _ = try await cache.configuration("mychannel") { fetches += 1; cache.invalidate("mychannel"); return config }
        _ = try await cache.configuration("mychannel") { fetches += 1; return config }
        _ = try await cache.configuration("mychannel") { fetches += 1; return config }
        #expect(fetches == 2)
        await tracker.stop()
        _ = try await cache.configuration("mychannel") { fetches += 1; return config }
        _ = try await cache.configuration("mychannel") { fetches += 1; return config }
        #expect(fetches == 4, "without a running tracker nothing is cached")
    }

    /// The tx IDs of the `approval` events published until the `end-of-test` marker.
    static func collectApprovalEvents(_ f: LifecycleFixture) -> Task<[String], Never> {
        let hub = f.services.lifecycle!.events
        let stream = hub.subscribe(after: 0)
        return Task {
            var seen: [String] = []
            for await e in stream {
                if e.name == "end-of-test" { break }
                guard e.name == "approval",
                      let json = try? JSONSerialization.jsonObject(with: Data(e.data)) as? [String: Any] else { continue }
                seen.append(json["txId"] as? String ?? "?")
            }
            return seen
        }
    }

    static func count(_ f: LifecycleFixture, _ expression: String) async throws -> Int64 {
        try await f.services.queue.read {
            try $0.scalarInt("SELECT \(expression) FROM lifecycle_transactions WHERE name = 'failover'") ?? 0
        }
    }

    /// ApproveChaincodeDefinitionForMyOrg signed by the org's admin, endorsed on its peer
    /// `peer`, committed (waits on `waitOn`'s peer, default the endorsing one).
    static func approve(_ f: LifecycleFixture, msp: String, peer: Int, version: String = "1.0",
                        waitOn: (String, Int)? = nil) async throws -> TrackingEndToEndTests.Approval {
        let script = """
            import json, sys
            sys.path.insert(0, sys.argv[1])
            from fabclient import Net, lc_prop, def_args
            from fabsim.pb import common, lifecycle
            net = Net(sys.argv[2])
            msp, peer, wait_msp, wait_peer = sys.argv[3], int(sys.argv[4]), sys.argv[6], int(sys.argv[7])
            a = def_args(lifecycle.ApproveChaincodeDefinitionForMyOrgArgs, "failover", 1, version=sys.argv[5])
            p = lc_prop(net.admin(msp), "mychannel", "ApproveChaincodeDefinitionForMyOrg", a)
            r = net.propose(msp, p, peer)
            assert r.response.status == 200, r.response.message
            b = net.broadcast(p.envelope([r]))
            assert b.status == common.SUCCESS, b.info
            code, block = net.wait_tx(wait_msp, p.tx_id, i=wait_peer)
            print(json.dumps({"txId": p.tx_id, "code": int(code), "block": block}))
            """
        let wait = waitOn ?? (msp, peer)
        let out = try await TrackingEndToEndTests.runPython(script, [
            LifecycleFixture.repoRoot.appendingPathComponent("tools/fabric-sim/tests").path,
            f.directory.appendingPathComponent("sim").path, msp, String(peer), version, wait.0, String(wait.1),
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any], "\(out)")
        return .init(txID: json["txId"] as? String ?? "", code: json["code"] as? Int ?? -1, block: UInt64(json["block"] as? Int ?? 0))
    }
}
