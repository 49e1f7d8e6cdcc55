import Foundation
import Testing

extension SeedScenarioThreeOrgTests {
    static let agreed = "OR('Org1MSP.peer','Org2MSP.peer','Org3MSP.peer')"
    static let agreedText = "OR('Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')"
    static let other = "OR('Org2MSP.peer','Org3MSP.peer')"
    static let otherText = "OR('Org2MSP.peer', 'Org3MSP.peer')"

    /// Sequence 2 changes only the endorsement policy (same package). Org1 approves it, Org2 and
    /// Org3 approve another draft; back on the agreed draft the status shows who approved what.
    func policyOnlyUpgrade(_ f: LifecycleFixture, packageID: String) async throws {
        let noVersion = try await f.admin.put(S.chaincode + "/draft", ["endorsementPolicy": Self.agreed])
        #expect(noVersion.status == 422 && S.errorCode(noVersion) == "invalid_field" && S.errorField(noVersion) == "version", "\(noVersion.text)")
        let draft = try await f.admin.post(S.chaincode + "/draft/upgrade", ["endorsementPolicy": Self.agreed])
        #expect(draft.status == 200 && draft.json["sequence"] as? Int == 2 && draft.json["version"] as? String == "1.0", "\(draft.text)")
        #expect(draft.json["packageIds"] as? [String: String] == Dictionary(uniqueKeysWithValues: S.allOrgs.map { ($0, packageID) }))
        #expect((draft.json["endorsementPolicy"] as? [String: Any])?["text"] as? String == Self.agreed)
        try await S.approve(f, ["Org1MSP"])

        let otherDraft = try await f.admin.post(S.chaincode + "/draft/upgrade", ["endorsementPolicy": Self.other])
        #expect(otherDraft.status == 200 && otherDraft.json["sequence"] as? Int == 2, "\(otherDraft.text)")
        try await S.approve(f, ["Org2MSP", "Org3MSP"])
        let onOther = try await S.status(f)
        #expect(onOther["ready"] as? Bool == true && onOther["missing"] as? [String] == ["Org1MSP"], "\(onOther)")
        #expect(S.orgs(onOther)["Org1MSP"]?["state"] as? String == "approved-different")
        #expect(S.difference(onOther, "Org1MSP", "endorsementPolicy")?["actual"] as? String == Self.agreedText, "\(onOther)")

        // Back on the agreed draft: only Org1 approved it; the majority approved something else.
        let back = try await f.admin.post(S.chaincode + "/draft/upgrade", ["endorsementPolicy": Self.agreed])
        #expect(back.status == 200 && back.json["sequence"] as? Int == 2, "\(back.text)")
        let split = try await S.status(f)
        #expect(split["sequence"] as? Int == 2 && split["ready"] as? Bool == false, "\(split)")
        #expect(split["missing"] as? [String] == ["Org2MSP", "Org3MSP"], "\(split)")
        #expect(S.orgs(split)["Org1MSP"]?["state"] as? String == "approved")
        for msp in ["Org2MSP", "Org3MSP"] {
            #expect(S.orgs(split)[msp]?["state"] as? String == "approved-different" && S.orgs(split)[msp]?["readiness"] as? Bool == false)
            let d = S.difference(split, msp, "endorsementPolicy")
            #expect(d?["expected"] as? String == Self.agreedText && d?["actual"] as? String == Self.otherText, "\(split)")
        }
        let refused = try await f.admin.post(S.chaincode + "/commit")
        #expect(refused.status == 409 && S.errorCode(refused) == "not_ready", "\(refused.text)")
        #expect(((refused.json["error"] as? [String: Any])?["details"] as? [String: Any])?["missing"] as? [String] == ["Org2MSP", "Org3MSP"])

        try await commitAgreed(f)
    }

    /// Org2 re-approves the agreed draft: 2 of 3 while Org3 still approved the other one; commit sequence 2.
    func commitAgreed(_ f: LifecycleFixture) async throws {
        try await S.approve(f, ["Org2MSP"])
        let ready = try await S.status(f)
        #expect(ready["ready"] as? Bool == true && ready["missing"] as? [String] == ["Org3MSP"], "\(ready)")
        #expect(S.orgs(ready)["Org3MSP"]?["state"] as? String == "approved-different")
        let committed = try await f.admin.post(S.chaincode + "/commit")
        #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(committed.text)")
        let def = try await S.committed(f)
        #expect(def?["sequence"] as? Int == 2 && def?["version"] as? String == "1.0", "\(String(describing: def))")
        #expect((def?["endorsementPolicy"] as? [String: Any])?["text"] as? String == Self.agreedText)
        #expect(def?["approvals"] as? [String: Bool] == ["Org1MSP": true, "Org2MSP": true, "Org3MSP": false], "\(String(describing: def))")
        let read = try await f.admin.post(S.chaincode + "/evaluate", ["function": "ReadAsset", "args": ["s2"]])
        #expect(read.status == 200 && (read.json["json"] as? [String: Any])?["Owner"] as? String == "Bob", "\(read.text)")
    }

    /// Sequence 3: Org3's package is left out of the draft, so its approval is refused (its peers
    /// run sequence 2 with a package) until it says `allowNoPackage`; Org2 approves with `null`:
    /// both count for readiness. Committing with no approving org's package needs `allowNoPackage` too.
    func approveWithoutPackage(_ f: LifecycleFixture, packageID: String) async throws {
        let draft = try await f.admin.post(S.chaincode + "/draft/upgrade",
                                           ["version": "1.1", "packageIds": ["Org1MSP": packageID, "Org2MSP": packageID]])
        #expect(draft.status == 200 && draft.json["sequence"] as? Int == 3, "\(draft.text)")
        #expect(draft.json["packageIds"] as? [String: String] == ["Org1MSP": packageID, "Org2MSP": packageID], "\(draft.text)")
        let badValue = try await f.admin.post(S.chaincode + "/draft/upgrade", ["packageIds": ["Org3MSP": 5]])
        #expect(badValue.status == 422 && S.errorCode(badValue) == "invalid_field" && S.errorField(badValue) == "packageIds.Org3MSP", "\(badValue.text)")

        let refused = try await f.admin.post(S.chaincode + "/approvals", ["orgs": ["Org3MSP"]])
        #expect(refused.status == 409 && S.errorCode(refused) == "package_missing", "\(refused.text)")
        let running = (((refused.json["error"] as? [String: Any])?["details"] as? [String: Any])?["orgs"] as? [[String: Any]])?.first
        #expect(running?["mspId"] as? String == "Org3MSP" && running?["runningPackageId"] as? String == packageID, "\(refused.text)")
        let explicit = try await f.admin.post(S.chaincode + "/approvals", ["orgs": ["Org3MSP"], "allowNoPackage": true])
        #expect(explicit.status == 200 && S.result(explicit, "Org3MSP")?["validationCode"] as? String == "VALID", "\(explicit.text)")
        let one = try await S.status(f)
        #expect(S.orgs(one)["Org3MSP"]?["readiness"] as? Bool == true && one["ready"] as? Bool == false, "\(one)")
        try await S.approve(f, ["Org2MSP"], packageIds: ["Org2MSP": NSNull()])
        let two = try await S.status(f)
        #expect(two["ready"] as? Bool == true && two["missing"] as? [String] == ["Org1MSP"], "\(two)")
        #expect(S.orgs(two)["Org2MSP"]?["state"] as? String == "approved" && S.orgs(two)["Org3MSP"]?["state"] as? String == "approved")
        #expect(two["wouldStopChaincode"] as? Bool == true, "\(two)")
        let stopping = try await f.admin.post(S.chaincode + "/commit")
        #expect(stopping.status == 409 && S.errorCode(stopping) == "package_missing", "\(stopping.text)")
        let committed = try await f.admin.post(S.chaincode + "/commit", ["allowNoPackage": true])
        #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(committed.text)")
        let def = try await S.committed(f)
        #expect(def?["sequence"] as? Int == 3 && def?["version"] as? String == "1.1", "\(String(describing: def))")
        #expect(def?["approvals"] as? [String: Bool] == ["Org1MSP": false, "Org2MSP": true, "Org3MSP": true])

        // Org1 catches up with its package; its peer runs sequence 3.
        try await S.approve(f, ["Org1MSP"])
        let installed = try await f.viewer.get("/api/v1/peers/peer0.org1.example.com/installed").json["items"] as? [[String: Any]] ?? []
        let refs = installed.first { $0["packageId"] as? String == packageID }?["references"] as? [[String: Any]] ?? []
        #expect(refs.contains { $0["chaincode"] as? String == "basic" && $0["version"] as? String == "1.1" }, "\(installed)")
        let read = try await f.admin.post(S.chaincode + "/evaluate", ["function": "ReadAsset", "args": ["s1"]])
        #expect(read.status == 200 && (read.json["json"] as? [String: Any])?["Owner"] as? String == "Ann", "\(read.text)")
        // Org2 and Org3 approved without a package, so their peers cannot run sequence 3: the
        // gateway endorses only on orgs whose peers have a package referencing the chaincode.
        let created = try await f.admin.post(S.chaincode + "/submit", ["function": "CreateAsset", "args": ["s3", "blue", "1", "Cy", "9"]])
        #expect(created.status == 200 && created.json["validationCode"] as? String == "VALID", "\(created.text)")
    }
}
