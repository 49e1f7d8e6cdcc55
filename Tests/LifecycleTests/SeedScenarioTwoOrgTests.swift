import Foundation
import Testing

/// Issue 7's seed scenarios on a 2-org network (MAJORITY = both orgs), through the REST API
/// only; LifecycleEndToEndTests covers the disagreeing-approvals upgrade with 2 orgs.
@Suite("seed scenarios, 2 orgs", .serialized, .timeLimit(.minutes(5)))
struct SeedScenarioTwoOrgTests {
    typealias S = SeedScenario

    @Test("approve without a package counts for readiness; policy-only upgrade keeps the package")
    func twoOrgs() async throws {
        try await LifecycleFixture.run { f in
            try await scenario(f)
        }
    }

    func scenario(_ f: LifecycleFixture) async throws {
        let built = try await f.admin.post("/api/v1/packages/ccaas", ["label": "basic_1", "address": "127.0.0.1:9999"])
        let packageID = try #require(built.json["packageId"] as? String, "\(built.text)")
        let started = try await f.admin.post("/api/v1/installs", ["packageId": packageID, "peers": ["peer0.org1.example.com"]])
        let opID = try #require((started.json["operation"] as? [String: Any])?["id"] as? String, "\(started.text)")
        #expect(try await LifecycleEndToEndTests.finished(opID, f)["state"] as? String == "succeeded")

        // Org2 runs nothing yet: it approves with packageIds {Org2MSP: null}, and that counts.
        let draft = try await f.admin.put(S.chaincode + "/draft", ["version": "1.0", "endorsementPolicy": "OR('Org1MSP.peer','Org2MSP.peer')",
                                                                   "packageIds": ["Org1MSP": packageID, "Org2MSP": packageID]])
        #expect(draft.status == 200 && draft.json["sequence"] as? Int == 1, "\(draft.text)")
        try await S.approve(f, ["Org1MSP"])
        let one = try await S.status(f)
        #expect(one["ready"] as? Bool == false && one["missing"] as? [String] == ["Org2MSP"], "\(one)")
        try await S.approve(f, ["Org2MSP"], packageIds: ["Org2MSP": NSNull()])
        let two = try await S.status(f)
        #expect(two["ready"] as? Bool == true && (two["missing"] as? [String])?.isEmpty == true, "\(two)")
        #expect(S.orgs(two)["Org2MSP"]?["readiness"] as? Bool == true)
        let committed = try await f.org1Operator.post(S.chaincode + "/commit")
        #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(committed.text)")
        #expect(try await S.committed(f)?["approvals"] as? [String: Bool] == ["Org1MSP": true, "Org2MSP": true])
        let read = try await f.admin.post(S.chaincode + "/evaluate", ["function": "ReadAsset", "args": ["none"]])
        #expect(read.status >= 400 && read.text.contains("none"), "\(read.text)")

        // Sequence 2 changes only the policy; the draft keeps both package IDs, so Org2 (now
        // installed) approves with its package and its peer runs the chaincode.
        let install2 = try await f.admin.post("/api/v1/installs", ["packageId": packageID, "peers": ["peer0.org2.example.com"]])
        let op2 = try #require((install2.json["operation"] as? [String: Any])?["id"] as? String, "\(install2.text)")
        #expect(try await LifecycleEndToEndTests.finished(op2, f)["state"] as? String == "succeeded")
        let upgrade = try await f.admin.post(S.chaincode + "/draft/upgrade", ["endorsementPolicy": "AND('Org1MSP.peer','Org2MSP.peer')"])
        #expect(upgrade.status == 200 && upgrade.json["sequence"] as? Int == 2 && upgrade.json["version"] as? String == "1.0", "\(upgrade.text)")
        #expect(upgrade.json["packageIds"] as? [String: String] == ["Org1MSP": packageID, "Org2MSP": packageID])
        try await S.approve(f, ["Org1MSP", "Org2MSP"])
        let upgraded = try await f.admin.post(S.chaincode + "/commit")
        #expect(upgraded.status == 200 && upgraded.json["validationCode"] as? String == "VALID", "\(upgraded.text)")
        let def = try await S.committed(f)
        #expect(def?["sequence"] as? Int == 2)
        #expect((def?["endorsementPolicy"] as? [String: Any])?["text"] as? String == "AND('Org1MSP.peer', 'Org2MSP.peer')")
        let created = try await f.admin.post(S.chaincode + "/submit", ["function": "CreateAsset", "args": ["t1", "red", "3", "Ann", "50"]])
        #expect(created.status == 200 && created.json["validationCode"] as? String == "VALID", "\(created.text)")
        let after = try await f.admin.post(S.chaincode + "/evaluate", ["function": "ReadAsset", "args": ["t1"]])
        #expect((after.json["json"] as? [String: Any])?["Owner"] as? String == "Ann", "\(after.text)")
    }
}
