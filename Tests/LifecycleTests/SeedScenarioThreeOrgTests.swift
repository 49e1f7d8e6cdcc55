import Foundation
import Testing

/// Issue 7's seed scenarios on a 3-org network (lifecycle policy MAJORITY = 2 of 3), through
/// the REST API only: real sockets, a real SQLite file, fabric-sim over gRPC+TLS.
@Suite("seed scenarios, 3 orgs", .serialized, .timeLimit(.minutes(5)))
struct SeedScenarioThreeOrgTests {
    typealias S = SeedScenario

    @Test("majority approve+commit, late joiner, policy-only upgrade with a disagreeing majority, approve without package")
    func threeOrgs() async throws {
        try await LifecycleFixture.run(orgs: 3) { f in
            let packageID = try await installEverywhere(f)
            try await majorityCommit(f, packageID: packageID)
            try await lateJoiner(f, packageID: packageID)
            try await policyOnlyUpgrade(f, packageID: packageID)
            try await approveWithoutPackage(f, packageID: packageID)
        }
    }

    /// A ccaas package built by the gateway and installed on the peers of all three orgs.
    func installEverywhere(_ f: LifecycleFixture) async throws -> String {
        let net = try await f.viewer.get("/api/v1/network").json
        #expect((net["organizations"] as? [[String: Any]])?.map { $0["mspId"] as? String } == S.allOrgs, "\(net)")
        let ch = try await f.viewer.get(S.channel).json
        #expect(ch["organizations"] as? [String] == S.allOrgs)
        #expect((ch["lifecycleEndorsementPolicy"] as? [String: Any])?["text"] as? String == "MAJORITY Endorsement")

        let built = try await f.admin.post("/api/v1/packages/ccaas", ["label": "basic_1", "address": "127.0.0.1:9999"])
        #expect(built.status == 200 || built.status == 201, "\(built.text)")
        let packageID = try #require(built.json["packageId"] as? String, "\(built.text)")
        let started = try await f.admin.post("/api/v1/installs", ["packageId": packageID])
        #expect(started.status == 202, "\(started.text)")
        let opID = try #require((started.json["operation"] as? [String: Any])?["id"] as? String, "\(started.text)")
        let op = try await LifecycleEndToEndTests.finished(opID, f)
        #expect(op["kind"] as? String == "install" && op["state"] as? String == "succeeded", "\(op)")
        let steps = LifecycleEndToEndTests.steps(op)
        for n in 1...3 {
            let peer = "peer0.org\(n).example.com"
            #expect(steps[peer]?["state"] as? String == "succeeded", "\(op)")
            let installed = try await f.viewer.get("/api/v1/peers/\(peer)/installed").json["items"] as? [[String: Any]] ?? []
            #expect(installed.contains { $0["packageId"] as? String == packageID && $0["label"] as? String == "basic_1" })
        }
        return packageID
    }

    /// v1.0 approved by Org1 (not ready), then Org2 (2 of 3: ready while Org3 has not approved), committed, invoked.
    func majorityCommit(_ f: LifecycleFixture, packageID: String) async throws {
        let ids = Dictionary(uniqueKeysWithValues: S.allOrgs.map { ($0, packageID) })
        let draft = try await f.admin.put(S.chaincode + "/draft", ["version": "1.0", "packageIds": ids])
        #expect(draft.status == 200 && draft.json["sequence"] as? Int == 1 && draft.json["version"] as? String == "1.0", "\(draft.text)")
        #expect(draft.json["packageIds"] as? [String: String] == ids, "\(draft.text)")

        try await S.approve(f, ["Org1MSP"])
        let one = try await S.status(f)
        #expect(one["sequence"] as? Int == 1 && one["ready"] as? Bool == false, "\(one)")
        #expect(one["missing"] as? [String] == ["Org2MSP", "Org3MSP"], "\(one)")
        #expect(S.orgs(one)["Org1MSP"]?["state"] as? String == "approved" && S.orgs(one)["Org1MSP"]?["readiness"] as? Bool == true)
        #expect(S.orgs(one)["Org2MSP"]?["state"] as? String == "not-approved" && S.orgs(one)["Org3MSP"]?["state"] as? String == "not-approved")
        let refused = try await f.admin.post(S.chaincode + "/commit")
        #expect(refused.status == 409 && S.errorCode(refused) == "not_ready", "\(refused.text)")
        #expect(((refused.json["error"] as? [String: Any])?["details"] as? [String: Any])?["missing"] as? [String] == ["Org2MSP", "Org3MSP"])

        try await S.approve(f, ["Org2MSP"])
        let two = try await S.status(f)
        #expect(two["ready"] as? Bool == true && two["missing"] as? [String] == ["Org3MSP"], "\(two)")
        #expect(S.orgs(two)["Org3MSP"]?["state"] as? String == "not-approved" && S.orgs(two)["Org3MSP"]?["readiness"] as? Bool == false)
        let committed = try await f.admin.post(S.chaincode + "/commit")
        #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(committed.text)")
        #expect(committed.json["txId"] as? String != nil && (committed.json["blockNumber"] as? Int ?? 0) > 0)

        let def = try await S.committed(f)
        #expect(def?["sequence"] as? Int == 1 && def?["version"] as? String == "1.0", "\(String(describing: def))")
        #expect(def?["approvals"] as? [String: Bool] == ["Org1MSP": true, "Org2MSP": true, "Org3MSP": false])
        #expect((def?["endorsementPolicy"] as? [String: Any])?["text"] as? String == "/Channel/Application/Endorsement")

        let created = try await f.admin.post(S.chaincode + "/submit", ["function": "CreateAsset", "args": ["s1", "red", "3", "Ann", "50"]])
        #expect(created.status == 200 && created.json["validationCode"] as? String == "VALID", "\(created.text)")
        let read = try await f.admin.post(S.chaincode + "/evaluate", ["function": "ReadAsset", "args": ["s1"]])
        #expect(read.status == 200 && (read.json["json"] as? [String: Any])?["Owner"] as? String == "Ann", "\(read.text)")
    }

    /// Org3 approves the committed definition (sequence 1) afterwards: the chain then counts it.
    func lateJoiner(_ f: LifecycleFixture, packageID: String) async throws {
        let again = try await f.admin.put(S.chaincode + "/draft", ["version": "1.0", "sequence": 1])
        #expect(again.status == 200 && again.json["sequence"] as? Int == 1, "\(again.text)")
        #expect((again.json["packageIds"] as? [String: String])?["Org3MSP"] == packageID, "\(again.text)")
        try await S.approve(f, ["Org3MSP"])
        let def = try await S.committed(f)
        #expect(def?["sequence"] as? Int == 1)
        #expect(def?["approvals"] as? [String: Bool] == ["Org1MSP": true, "Org2MSP": true, "Org3MSP": true], "\(String(describing: def))")
        let list = try await f.viewer.get(S.channel + "/chaincodes").json["items"] as? [[String: Any]] ?? []
        #expect((list.first { $0["name"] as? String == "basic" }?["approvals"] as? [String: Bool])?["Org3MSP"] == true)
        // A draft at the committed sequence reads the committed definition's approvals
        // (CheckCommitReadiness only takes committed + 1): Org3 shows as approved.
        let status = try await f.viewer.get(S.chaincode + "/approvals")
        #expect(status.status == 200 && S.orgs(status.json)["Org3MSP"]?["state"] as? String == "approved", "\(status.text)")

        // A different definition at the committed sequence is Fabric's to refuse.
        _ = try await f.admin.put(S.chaincode + "/draft", ["version": "9.9", "sequence": 1])
        let redefine = try await f.admin.post(S.chaincode + "/approvals", ["orgs": ["Org3MSP"]])
        // Every requested org failed: the first failure's status, the results in details.
        #expect(redefine.status == 409, "\(redefine.text)")
        let results = ((redefine.json["error"] as? [String: Any])?["details"] as? [String: Any])?["results"] as? [[String: Any]]
        let refused = results?.first { $0["mspId"] as? String == "Org3MSP" }
        #expect(refused?["validationCode"] as? String != "VALID", "\(redefine.text)")
        #expect(((refused?["error"] as? [String: Any])?["details"] as? [String: Any]).map { "\($0)" }?
            .contains("attempted to redefine the current committed sequence") == true, "\(redefine.text)")

        // Org3's peer now runs it too: a submit is endorsed by all three.
        let created = try await f.admin.post(S.chaincode + "/submit", ["function": "CreateAsset", "args": ["s2", "green", "4", "Bob", "60"]])
        #expect(created.status == 200 && created.json["validationCode"] as? String == "VALID", "\(created.text)")
    }
}
