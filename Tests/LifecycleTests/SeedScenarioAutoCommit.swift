@testable import AdminAPI
@testable import ChaincodeLifecycle
import Configuration
import Foundation
import Testing

/// Auto-commit drafts (issue 7, "optional auto-commit once ready") against fabric-sim: the
/// gateway commits without a commit call when the approvals make the draft ready, including
/// approvals it only sees in blocks (made with another tool), never twice, after a restart,
/// and records why when it holds no admin identity able to commit.
@Suite("seed scenario: auto-commit", .serialized, .timeLimit(.minutes(5)))
struct SeedScenarioAutoCommit {
    typealias S = SeedScenario

    @Test("commits once ready from a block-only approval; never twice; after a restart; says why it cannot")
    func autoCommit() async throws {
        try await LifecycleFixture.run { f in
            try await fromBlocks(f)
            try await afterRestart(f)
        }
    }

    @Test("three orgs: commits on the second approval (the majority), without the third org")
    func autoCommitMajorityOfThree() async throws {
        try await LifecycleFixture.run(orgs: 3) { f in
            let path = SeedScenarioPackages.path("trio")
            #expect(try await f.admin.put(path + "/draft", ["version": "1.0", "autoCommit": true]).status == 200)
            _ = try await SeedScenarioPackages.approve(f, "trio", ["Org1MSP"])
            let one = try await f.viewer.get(path + "/approvals").json
            #expect(one["ready"] as? Bool == false, "\(one)")
            #expect(try await S.committedAt(f, "trio") == nil)
            // Org3's approval makes two of three: the gateway commits; Org2 never approves.
            _ = try await SeedScenarioPackages.approve(f, "trio", ["Org3MSP"])
            let marker = "event: commit\ndata: {\"channel\":\"mychannel\",\"name\":\"trio\",\"sequence\":1,\"result\""
            _ = try await f.viewer.stream("/api/v1/events", headers: ["Last-Event-ID": "1"], until: marker)
            let def = try await S.committedAt(f, "trio")
            #expect(def?["sequence"] as? Int == 1
                    && def?["approvals"] as? [String: Bool] == ["Org1MSP": true, "Org2MSP": false, "Org3MSP": true], "\(String(describing: def))")
            let ops = try await f.admin.get("/api/v1/operations?kind=commit").json["items"] as? [[String: Any]] ?? []
            #expect(ops.count == 1 && ops.first?["createdBy"] as? String == "auto-commit" && ops.first?["state"] as? String == "succeeded", "\(ops)")
        }
    }

    /// Org1 approves through the gateway (not ready), Org2 with the Python client: the block
    /// listener's `approval` event makes the gateway commit.
    func fromBlocks(_ f: LifecycleFixture) async throws {
        let path = SeedScenarioPackages.path("auto")
        let draft = try await f.admin.put(path + "/draft", ["version": "1.0", "autoCommit": true])
        #expect(draft.status == 200 && draft.json["autoCommit"] as? Bool == true && draft.json["autoCommitNote"] is NSNull, "\(draft.text)")
        let bad = try await f.admin.put(path + "/draft", ["version": "1.0", "autoCommit": "yes"])
        #expect(bad.status == 422 && S.errorField(bad) == "autoCommit", "\(bad.text)")
        // Replacing the draft of the same sequence without the flag keeps it.
        let kept = try await f.admin.put(path + "/draft", ["version": "1.0"])
        #expect(kept.json["autoCommit"] as? Bool == true, "\(kept.text)")

        _ = try await SeedScenarioPackages.approve(f, "auto", ["Org1MSP"])
        let one = try await f.viewer.get(path + "/approvals").json
        #expect(one["ready"] as? Bool == false && one["missing"] as? [String] == ["Org2MSP"], "\(one)")
        let direct = try await Self.approveDirectly(f, "auto", msp: "Org2MSP")
        #expect(direct.code == 0)

        // The gateway's own `commit` event (the block listener's has `kind` first).
        let marker = "event: commit\ndata: {\"channel\":\"mychannel\",\"name\":\"auto\",\"sequence\":1,\"result\""
        _ = try await f.viewer.stream("/api/v1/events", headers: ["Last-Event-ID": "1"], until: marker)
        let def = try await S.committedAt(f, "auto")
        #expect(def?["sequence"] as? Int == 1 && def?["approvals"] as? [String: Bool] == ["Org1MSP": true, "Org2MSP": true], "\(String(describing: def))")
        let ops = try await f.admin.get("/api/v1/operations?kind=commit").json["items"] as? [[String: Any]] ?? []
        #expect(ops.count == 1 && ops.first?["createdBy"] as? String == "auto-commit" && ops.first?["state"] as? String == "succeeded"
                && ops.first?["target"] as? String == "mychannel/auto", "\(ops)")
        let audit = try await f.admin.get("/api/v1/audit?actor=auto-commit").json["items"] as? [[String: Any]] ?? []
        #expect(audit.count == 1 && audit.first?["action"] as? String == "chaincode.commit" && audit.first?["outcome"] as? String == "success"
                && audit.first?["target"] as? String == "mychannel/auto", "\(audit)")
        // The audit entry names the operation that did the commit.
        #expect(audit.first?["requestId"] as? String == ops.first?["id"] as? String, "\(audit) vs \(ops)")

        // Never twice: another check finds the sequence committed and does nothing.
        let again = await f.services.lifecycle!.autoCommitter.attempt(.init(channel: "mychannel", name: "auto", sequence: 1))
        #expect(again == .alreadyCommitted)
        #expect((try await f.admin.get("/api/v1/operations?kind=commit").json["total"] as? Int) == 1)
    }

    /// With auto-commit stopped (the gateway "down"), both orgs approve two drafts directly. A
    /// gateway without admin identities says why it cannot commit; a full one commits both at start-up.
    func afterRestart(_ f: LifecycleFixture) async throws {
        await f.services.lifecycle!.stopAutoCommit()
        for name in ["later", "blocked"] {
            let draft = try await f.admin.put(SeedScenarioPackages.path(name) + "/draft", ["version": "2.0", "autoCommit": true])
            #expect(draft.status == 200, "\(draft.text)")
            for msp in ["Org1MSP", "Org2MSP"] { #expect(try await Self.approveDirectly(f, name, msp: msp, version: "2.0").code == 0) }
        }
        var observer = try #require(try NetworkConfig.load(path: f.directory.appendingPathComponent("sim/gateway.yaml").path))
        for i in observer.organizations.indices { observer.organizations[i].adminIdentity = nil }
        let blind = try await Self.reopen(f, observer)
        let outcome = await blind.lifecycle!.autoCommitter.attempt(.init(channel: "mychannel", name: "blocked", sequence: 1))
        await blind.close()
        guard case .couldNot(let why) = outcome else { Issue.record("expected couldNot, got \(outcome)"); return }
        #expect(why.hasPrefix("no admin identity configured for any approving organization (Org1MSP, Org2MSP)"), "\(why)")
        let noted = try await f.viewer.get(SeedScenarioPackages.path("blocked")).json["draft"] as? [String: Any]
        #expect(noted?["autoCommitNote"] as? String == why, "\(String(describing: noted))")
        #expect(try await S.committedAt(f, "blocked") == nil)

        let full = try await Self.reopen(f, try #require(try NetworkConfig.load(path: f.directory.appendingPathComponent("sim/gateway.yaml").path)))
        var committed: Set<String> = []
        let hub = full.lifecycle!.events
        // A bound on the wait, not a synchronisation: the loop ends on the commits.
        let guardTask = Task { try await Task.sleep(for: .seconds(60)); hub.publish("test-timeout", .null) }
        for await e in hub.subscribe(after: 0) where e.name == "commit" || e.name == "test-timeout" {
            if e.name == "test-timeout" { Issue.record("no auto-commit after the restart: \(committed)"); break }
            let data = (try? JSONSerialization.jsonObject(with: Data(e.data))) as? [String: Any] ?? [:]
            if let name = data["name"] as? String, data["result"] != nil { committed.insert(name) }
            if committed == ["later", "blocked"] { break }
        }
        guardTask.cancel()
        await full.close()
        for name in ["later", "blocked"] {
            let def = try await S.committedAt(f, name)
            #expect(def?["sequence"] as? Int == 1 && def?["version"] as? String == "2.0", "\(name): \(String(describing: def))")
        }
        let ops = try await f.admin.get("/api/v1/operations?kind=commit").json["items"] as? [[String: Any]] ?? []
        #expect(ops.count == 3 && ops.allSatisfy { $0["createdBy"] as? String == "auto-commit" && $0["state"] as? String == "succeeded" }, "\(ops)")
    }

    /// A second gateway process on the same data directory (no block listener: the fixture's runs).
    static func reopen(_ f: LifecycleFixture, _ network: NetworkConfig) async throws -> GatewayServices {
        f.services.releaseDataDirectory()  // as if this process had ended
        return try await GatewayServices.open(dataDirectory: f.directory.appendingPathComponent("data").path,
                                       migrationsDirectory: LifecycleFixture.repoRoot.appendingPathComponent("migrations").path,
                                       network: network, trackApprovals: false)
    }

    /// ApproveChaincodeDefinitionForMyOrg at sequence 1 (default policy, no package) signed by
    /// the org's admin with tools/fabric-sim/tests/fabclient.py: another tool than the gateway.
    static func approveDirectly(_ f: LifecycleFixture, _ name: String, msp: String, version: String = "1.0") async throws
        -> TrackingEndToEndTests.Approval {
        let script = """
            import json, sys
            sys.path.insert(0, sys.argv[1])
            from fabclient import Net, lc_prop, def_args
            from fabsim.pb import lifecycle
            net = Net(sys.argv[2])
            a = def_args(lifecycle.ApproveChaincodeDefinitionForMyOrgArgs, sys.argv[4], 1, version=sys.argv[5])
            p = lc_prop(net.admin(sys.argv[3]), "mychannel", "ApproveChaincodeDefinitionForMyOrg", a)
            code, _ = net.transact(p, [(sys.argv[3], 0)])
            _, block = net.wait_tx(sys.argv[3], p.tx_id)
            print(json.dumps({"txId": p.tx_id, "code": int(code), "block": block}))
            """
        let out = try await TrackingEndToEndTests.runPython(script, [
            LifecycleFixture.repoRoot.appendingPathComponent("tools/fabric-sim/tests").path,
            f.directory.appendingPathComponent("sim").path, msp, name, version,
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any], "\(out)")
        return .init(txID: json["txId"] as? String ?? "", code: json["code"] as? Int ?? -1, block: UInt64(json["block"] as? Int ?? 0))
    }
}

extension SeedScenario {
    /// The committed definition of chaincode `name` as `GET .../chaincodes/{name}` shows it.
    static func committedAt(_ f: LifecycleFixture, _ name: String) async throws -> [String: Any]? {
        try await f.viewer.get(channel + "/chaincodes/" + name).json["committed"] as? [String: Any]
    }
}
