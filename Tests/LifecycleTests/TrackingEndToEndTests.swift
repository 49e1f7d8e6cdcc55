@testable import AdminAPI
@testable import ChaincodeLifecycle
import Configuration
import Fabric
import Foundation
import JSON
import Testing
import TestSupport

/// Approval tracking from blocks (issue 8) against fabric-sim: approvals made directly with the
/// Python client (not through the gateway), `approved-different`, history, and a restart that
/// catches up without duplicates.
@Suite("approval tracking against fabric-sim", .serialized, .timeLimit(.minutes(5)))
struct TrackingEndToEndTests {
    static let cc = "/api/v1/channels/mychannel/chaincodes/tracked"

    @Test("direct approvals appear with their block; different policy; history; restart catch-up")
    func tracking() async throws {
        try await LifecycleFixture.run { f in
            try await scenario(f)
        }
    }

    func scenario(_ f: LifecycleFixture) async throws {
        let tracker = try #require(f.services.tracker)
        let draft = try await f.admin.put(Self.cc + "/draft", ["version": "1.0", "packageIds": ["Org2MSP": "tracked_1:abc"]])
        #expect(draft.status == 200, "\(draft.text)")

        // Org2's admin approves the draft directly against the simulator (other package ID).
        let a2 = try await Self.approve(f, msp: "Org2MSP", version: "1.0", packageID: "tracked_1:def")
        #expect(a2.code == 0)
        await tracker.processed(channel: "mychannel", through: a2.block)
        let status = try await f.viewer.get(Self.cc + "/approvals").json
        let org2 = try #require(Self.org(status, "Org2MSP"), "\(status)")
        #expect(org2["state"] as? String == "approved", "\(org2)")
        let source = org2["source"] as? [String: Any]
        #expect(source?["kind"] as? String == "block" && source?["txId"] as? String == a2.txID && source?["blockNumber"] as? Int == Int(a2.block))
        let notes = (org2["differences"] as? [[String: Any]]) ?? []
        #expect(notes.count == 1 && notes.first?["field"] as? String == "packageId" && notes.first?["note"] as? String == "per-org, allowed", "\(notes)")
        #expect(Self.org(status, "Org1MSP")?["state"] as? String == "not-approved")
        #expect(status["wouldCommitNow"] as? Bool == false && status["smallestSets"] as? [[String]] == [["Org1MSP"]], "\(status)")

        // Org1 approves another endorsement policy: approved-different on exactly that field.
        let policy = try EndorsementPolicy.signaturePolicy(dsl: "OR('Org1MSP.peer')").applicationPolicyBytes
        let a1 = try await Self.approve(f, msp: "Org1MSP", version: "1.0", policy: policy)
        #expect(a1.code == 0)
        await tracker.processed(channel: "mychannel", through: a1.block)
        let status2 = try await f.viewer.get(Self.cc + "/approvals").json
        let org1 = try #require(Self.org(status2, "Org1MSP"), "\(status2)")
        let diffs = org1["differences"] as? [[String: Any]] ?? []
        #expect(org1["state"] as? String == "approved-different" && diffs.count == 1, "\(org1)")
        #expect(diffs.first?["field"] as? String == "endorsementPolicy" && diffs.first?["actual"] as? String == "OR('Org1MSP.peer')", "\(diffs)")
        #expect(diffs.first?["expected"] as? String == EndorsementPolicy.defaultReference)

        let history = try await f.viewer.get(Self.cc + "/history").json["items"] as? [[String: Any]] ?? []
        #expect(history.map { $0["txId"] as? String } == [a2.txID, a1.txID], "\(history)")
        #expect(history.map { $0["mspId"] as? String } == ["Org2MSP", "Org1MSP"] && history.allSatisfy { $0["kind"] as? String == "approval" })
        #expect(history.first?["packageId"] as? String == "tracked_1:def" && history.first?["valid"] as? Bool == true)

        try await restart(f, tracker: tracker)
    }

    /// The listener stopped while Org1 re-approves (matching policy); a reopened gateway on the
    /// same data directory catches up, recording the new approval once and nothing twice.
    func restart(_ f: LifecycleFixture, tracker: ApprovalTracker) async throws {
        await tracker.stop()
        let stoppedAt = try #require(try await tracker.checkpoint(channel: "mychannel"))
        let a1 = try await Self.approve(f, msp: "Org1MSP", version: "1.0")
        #expect(a1.code == 0 && a1.block > stoppedAt)
        #expect(try await Self.rows(f) == 2)

        f.services.releaseDataDirectory()  // as if this process had ended
        let reopened = try await GatewayServices.open(dataDirectory: f.directory.appendingPathComponent("data").path,
                                                      migrationsDirectory: LifecycleFixture.repoRoot.appendingPathComponent("migrations").path,
                                                      network: try NetworkConfig.load(path: f.directory.appendingPathComponent("sim/gateway.yaml").path))
        do {
            let again = try #require(reopened.tracker)
            await again.processed(channel: "mychannel", through: a1.block)
            #expect(try await Self.rows(f) == 3)
            #expect(try await Self.distinctTransactions(f) == 3)
            let status = try await reopened.lifecycle!.definitions.approvalStatus(channel: "mychannel", name: "tracked")
            #expect(status.orgs.map(\.state) == ["approved", "approved"], "\(status.json.jsonText)")
            #expect(status.orgs.first?.txID == a1.txID && status.wouldCommitNow == true && status.smallestSets == [])

            // A commit through the (still running) first gateway is recorded too, and announced.
            let committed = try await f.admin.post(Self.cc + "/commit")
            let block = try #require(committed.json["blockNumber"] as? Int, "\(committed.text)")
            await again.processed(channel: "mychannel", through: UInt64(block))
            let history = try await reopened.lifecycle!.definitions.history(channel: "mychannel", name: "tracked").jsonText
            let items = try #require(try JSONSerialization.jsonObject(with: Data(history.utf8)) as? [String: Any])["items"] as? [[String: Any]] ?? []
            #expect(items.map { $0["kind"] as? String } == ["approval", "approval", "approval", "commit"], "\(history)")
            #expect(items.last?["txId"] as? String == committed.json["txId"] as? String && items.last?["blockNumber"] as? Int == block)
            let hub = reopened.lifecycle!.events
            let names = Task {
                var seen: [String] = []
                for await e in hub.subscribe(after: 0) {
                    if e.name == "end-of-test" { break }
                    guard e.name == "approval" || e.name == "commit" else { continue }
                    seen.append(e.name + (String(decoding: e.data, as: UTF8.self).contains("\"source\":\"block\"") ? "/block" : ""))
                }
                return seen
            }
            hub.publish("end-of-test", .null)
            #expect(await names.value == ["approval/block", "commit/block"])
        } catch {
            await reopened.close()
            throw error
        }
        await reopened.close()
    }

    static func org(_ status: [String: Any], _ msp: String) -> [String: Any]? {
        (status["orgs"] as? [[String: Any]])?.first { $0["mspId"] as? String == msp }
    }

    static func rows(_ f: LifecycleFixture) async throws -> Int64 {
        try await f.services.queue.read { try $0.scalarInt("SELECT count(*) FROM lifecycle_transactions WHERE name = 'tracked'") ?? 0 }
    }

    static func distinctTransactions(_ f: LifecycleFixture) async throws -> Int64 {
        try await f.services.queue.read { try $0.scalarInt("SELECT count(DISTINCT tx_id) FROM lifecycle_transactions WHERE name = 'tracked'") ?? 0 }
    }

    struct Approval { var txID: String; var code: Int; var block: UInt64 }

    /// ApproveChaincodeDefinitionForMyOrg signed by the org's admin with tools/fabric-sim/tests/fabclient.py.
    static func approve(_ f: LifecycleFixture, msp: String, version: String, policy: [UInt8] = [], packageID: String? = nil) async throws -> Approval {
        let script = """
            import json, sys
            sys.path.insert(0, sys.argv[1])
            from fabclient import Net, lc_prop, def_args
            from fabsim.pb import lifecycle
            net = Net(sys.argv[2])
            a = def_args(lifecycle.ApproveChaincodeDefinitionForMyOrgArgs, "tracked", 1, version=sys.argv[4],
                         policy=bytes.fromhex(sys.argv[5]), package_id=sys.argv[6] or None)
            p = lc_prop(net.admin(sys.argv[3]), "mychannel", "ApproveChaincodeDefinitionForMyOrg", a)
            code, _ = net.transact(p, [(sys.argv[3], 0)])
            _, block = net.wait_tx(sys.argv[3], p.tx_id)
            print(json.dumps({"txId": p.tx_id, "code": int(code), "block": block}))
            """
        let hex = policy.map { String(format: "%02x", $0) }.joined()
        let out = try await runPython(script, [LifecycleFixture.repoRoot.appendingPathComponent("tools/fabric-sim/tests").path,
                                               f.directory.appendingPathComponent("sim").path, msp, version, hex, packageID ?? ""])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any], "\(out)")
        return Approval(txID: json["txId"] as? String ?? "", code: json["code"] as? Int ?? -1, block: UInt64(json["block"] as? Int ?? 0))
    }

    static func runPython(_ script: String, _ arguments: [String]) async throws -> String {
        let command = [LifecycleFixture.python, "-c", script] + arguments
        let result = try await onThread { try runCommand(command, standardError: .capture) }
        guard result.status == 0 else {
            throw HTTPTestClient.Failure(description: "python failed: \(result.errorText)")
        }
        return result.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
