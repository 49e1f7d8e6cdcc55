import Foundation
import Testing
import TestSupport

/// An upgrade must not drop the packages the organizations run: package IDs carry over from
/// what each org approved for the committed sequence (its own peer, else the blocks), an
/// approval or commit that would leave running peers without a package needs an explicit
/// choice, and a chaincode nobody can run says so (409 `chaincode_unavailable`).
@Suite("upgrades keep the running packages", .serialized, .timeLimit(.minutes(3)))
struct UpgradePackageTests {
    typealias S = SeedScenario
    static let policy = "OR('Org1MSP.member','Org2MSP.member')"
    static let orgs = ["Org1MSP", "Org2MSP"]

    static func base(_ name: String) -> String { S.channel + "/chaincodes/" + name }

    /// Deploys `name` with the Python client, as `peer lifecycle chaincode` would (no gateway).
    static func deployOutside(_ f: LifecycleFixture, _ name: String) throws -> String {
        let script = LifecycleFixture.repoRoot.appendingPathComponent("tools/fabric-sim/tests/peer_cli_deploy.py").path
        let r = try runCommand([LifecycleFixture.python, script, f.directory.appendingPathComponent("sim").path, name],
                               standardError: .capture).checked()
        let out = try #require(try JSONSerialization.jsonObject(with: Data(r.output)) as? [String: Any], "\(r.text)")
        return try #require(out["packageId"] as? String)
    }

    static func approve(_ f: LifecycleFixture, _ name: String, _ body: [String: Any]) async throws -> HTTPTestClient.Response {
        try await f.admin.post(base(name) + "/approvals", body)
    }

    static func expectValid(_ r: HTTPTestClient.Response, _ orgs: [String], package: Any?,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 200, "\(r.text)", sourceLocation: sourceLocation)
        for msp in orgs {
            let one = S.result(r, msp)
            #expect(one?["validationCode"] as? String == "VALID", "\(msp): \(r.text)", sourceLocation: sourceLocation)
            if let package = package as? String {
                #expect(one?["packageId"] as? String == package, "\(msp): \(r.text)", sourceLocation: sourceLocation)
            } else {
                #expect(one?["packageId"] is NSNull, "\(msp): \(r.text)", sourceLocation: sourceLocation)
            }
        }
    }

    static func evaluate(_ f: LifecycleFixture, _ name: String) async throws -> HTTPTestClient.Response {
        try await f.admin.post(base(name) + "/evaluate", ["function": "GetAllAssets", "args": [String]()])
    }

    /// The sequence-N approvals the block listener recorded, once all `count` are in (bounded wait).
    static func trackedApprovals(_ f: LifecycleFixture, _ name: String, sequence: Int, count: Int) async throws -> [[String: Any]] {
        for _ in 0..<100 {
            let items = try await f.viewer.get(base(name) + "/history").json["items"] as? [[String: Any]] ?? []
            let approvals = items.filter { $0["kind"] as? String == "approval" && $0["sequence"] as? Int == sequence }
            if approvals.count >= count { return approvals }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the block listener did not record \(count) approvals of sequence \(sequence) in 10 s")
        return []
    }

    /// A policy-only upgrade through the gateway of a chaincode at sequence `from`: the draft
    /// carries every org's package over, the upgraded chaincode answers, and the new approvals
    /// name the same packages.
    static func policyOnlyUpgrade(_ f: LifecycleFixture, _ name: String, packageID: String, from: Int, policy: String) async throws {
        let draft = try await f.admin.post(base(name) + "/draft/upgrade", ["endorsementPolicy": policy])
        #expect(draft.status == 200 && draft.json["sequence"] as? Int == from + 1, "\(draft.text)")
        #expect(draft.json["packageIds"] as? [String: String] == ["Org1MSP": packageID, "Org2MSP": packageID], "\(draft.text)")
        let sources = draft.json["packageSources"] as? [String: [String: Any]] ?? [:]
        for msp in orgs {
            // The gateway holds both orgs' admin keys, so each org's own peer answered; the package is installed.
            #expect(sources[msp]?["kind"] as? String == "peer" && sources[msp]?["sequence"] as? Int == from, "\(draft.text)")
            #expect(sources[msp]?["installed"] as? Bool == true, "\(draft.text)")
        }
        expectValid(try await approve(f, name, ["orgs": orgs]), orgs, package: packageID)
        let status = try await f.viewer.get(base(name) + "/approvals").json
        #expect(status["ready"] as? Bool == true && status["wouldStopChaincode"] as? Bool == false, "\(status)")
        for msp in orgs { #expect(S.orgs(status)[msp]?["packageId"] as? String == packageID, "\(status)") }
        let committed = try await f.admin.post(base(name) + "/commit")
        #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(committed.text)")

        let read = try await evaluate(f, name)
        #expect(read.status == 200, "\(read.text)")
        let created = try await f.admin.post(base(name) + "/submit", ["function": "CreateAsset", "args": ["u\(from)", "red", "1", "Ann", "5"]])
        #expect(created.status == 200 && created.json["validationCode"] as? String == "VALID", "\(created.text)")
        let approvals = try await trackedApprovals(f, name, sequence: from + 1, count: 2)
        #expect(Set(approvals.compactMap { $0["mspId"] as? String }) == Set(orgs), "\(approvals)")
        #expect(approvals.allSatisfy { $0["packageId"] as? String == packageID }, "\(approvals)")
    }

    @Test("deployed by another tool: a policy-only upgrade keeps both packages; dropping one needs an explicit choice")
    func deployedOutside() async throws {
        try await LifecycleFixture.run { f in
            let packageID = try await onThread { try Self.deployOutside(f, "extcc") }
            let before = try await Self.evaluate(f, "extcc")
            #expect(before.status == 200, "\(before.text)")
            try await Self.policyOnlyUpgrade(f, "extcc", packageID: packageID, from: 1, policy: Self.policy)
            try await Self.dropOnePackage(f, "extcc", packageID: packageID)
            try await Self.dropAllPackages(f, "extcc", packageID: packageID)
        }
    }

    @Test("deployed through the gateway: a policy-only upgrade keeps both packages")
    func deployedThroughGateway() async throws {
        try await LifecycleFixture.run { f in
            let built = try await f.admin.post("/api/v1/packages/ccaas", ["label": "gwcc_1", "address": "127.0.0.1:9999"])
            let packageID = try #require(built.json["packageId"] as? String, "\(built.text)")
            let started = try await f.admin.post("/api/v1/installs", ["packageId": packageID])
            let opID = try #require((started.json["operation"] as? [String: Any])?["id"] as? String, "\(started.text)")
            #expect(try await LifecycleEndToEndTests.finished(opID, f)["state"] as? String == "succeeded")
            let draft = try await f.admin.put(Self.base("gwcc") + "/draft",
                                              ["version": "1.0", "packageIds": ["Org1MSP": packageID, "Org2MSP": packageID]])
            #expect(draft.status == 200, "\(draft.text)")
            #expect((draft.json["packageSources"] as? [String: [String: Any]])?["Org1MSP"]?["kind"] as? String == "request", "\(draft.text)")
            Self.expectValid(try await Self.approve(f, "gwcc", ["orgs": Self.orgs]), Self.orgs, package: packageID)
            let committed = try await f.admin.post(Self.base("gwcc") + "/commit")
            #expect(committed.status == 200, "\(committed.text)")
            try await Self.policyOnlyUpgrade(f, "gwcc", packageID: packageID, from: 1, policy: Self.policy)
        }
    }

    /// Sequence 3 names only Org1's package: Org2's approval is refused (409 `package_missing`,
    /// naming the package it runs) until it says `allowNoPackage`; that is audited.
    static func dropOnePackage(_ f: LifecycleFixture, _ name: String, packageID: String) async throws {
        let draft = try await f.admin.put(base(name) + "/draft", ["version": "3.0", "packageIds": ["Org1MSP": packageID]])
        #expect(draft.status == 200 && draft.json["sequence"] as? Int == 3, "\(draft.text)")
        let refused = try await approve(f, name, ["orgs": ["Org2MSP"]])
        #expect(refused.status == 409 && S.errorCode(refused) == "package_missing", "\(refused.text)")
        let details = (refused.json["error"] as? [String: Any])?["details"] as? [String: Any]
        let named = details?["orgs"] as? [[String: Any]]
        #expect(named?.count == 1 && named?.first?["mspId"] as? String == "Org2MSP"
                && named?.first?["runningPackageId"] as? String == packageID, "\(refused.text)")
        #expect(details?["committedSequence"] as? Int == 2, "\(refused.text)")
        let history = try await trackedApprovals(f, name, sequence: 3, count: 0)
        #expect(history.isEmpty, "no transaction was made: \(history)")

        expectValid(try await approve(f, name, ["orgs": ["Org1MSP"]]), ["Org1MSP"], package: packageID)
        expectValid(try await approve(f, name, ["orgs": ["Org2MSP"], "allowNoPackage": true]), ["Org2MSP"], package: nil)
        let audit = try await f.admin.get("/api/v1/audit?action=chaincode.approve&limit=50").json["items"] as? [[String: Any]] ?? []
        #expect(audit.contains { ($0["detail"] as? String)?.contains("allowNoPackage; without a package: Org2MSP") == true
                                 && $0["outcome"] as? String == "success" }, "\(audit)")
        let status = try await f.viewer.get(base(name) + "/approvals").json
        #expect(S.orgs(status)["Org1MSP"]?["packageId"] as? String == packageID, "\(status)")
        #expect(S.orgs(status)["Org2MSP"]?["packageId"] is NSNull, "\(status)")
        #expect(status["wouldStopChaincode"] as? Bool == false, "\(status)")
        let committed = try await f.admin.post(base(name) + "/commit")
        #expect(committed.status == 200, "\(committed.text)")
        let read = try await evaluate(f, name)
        #expect(read.status == 200, "Org1's peers still run it: \(read.text)")
    }

    /// Sequence 4 approved by both without a package (explicit in the draft): the status says
    /// `wouldStopChaincode`, the commit needs `allowNoPackage`, then invoking answers 409
    /// `chaincode_unavailable` until an org approves the committed sequence with its package.
    static func dropAllPackages(_ f: LifecycleFixture, _ name: String, packageID: String) async throws {
        let draft = try await f.admin.put(base(name) + "/draft",
                                          ["version": "4.0", "packageIds": ["Org1MSP": NSNull(), "Org2MSP": NSNull()]])
        #expect(draft.status == 200 && (draft.json["packageIds"] as? [String: Any])?["Org1MSP"] is NSNull, "\(draft.text)")
        expectValid(try await approve(f, name, ["orgs": orgs]), orgs, package: nil)
        let status = try await f.viewer.get(base(name) + "/approvals").json
        #expect(status["ready"] as? Bool == true && status["wouldStopChaincode"] as? Bool == true, "\(status)")
        let refused = try await f.admin.post(base(name) + "/commit")
        #expect(refused.status == 409 && S.errorCode(refused) == "package_missing", "\(refused.text)")
        let forced = try await f.admin.post(base(name) + "/commit", ["allowNoPackage": true])
        #expect(forced.status == 200 && forced.json["validationCode"] as? String == "VALID", "\(forced.text)")

        let dead = try await evaluate(f, name)
        #expect(dead.status == 409 && S.errorCode(dead) == "chaincode_unavailable", "\(dead.text)")
        let details = (dead.json["error"] as? [String: Any])?["details"] as? [String: Any]
        #expect(details?["approvedWithoutPackage"] as? [String] == orgs && details?["sequence"] as? Int == 4, "\(dead.text)")
        let submit = try await f.admin.post(base(name) + "/submit", ["function": "CreateAsset", "args": ["z", "red", "1", "Al", "5"]])
        #expect(submit.status == 409 && S.errorCode(submit) == "chaincode_unavailable", "\(submit.text)")

        // Recovery: Org1 approves the committed sequence again, now with its package.
        let again = try await f.admin.put(base(name) + "/draft", ["version": "4.0", "sequence": 4, "packageIds": ["Org1MSP": packageID]])
        #expect(again.status == 200, "\(again.text)")
        expectValid(try await approve(f, name, ["orgs": ["Org1MSP"]]), ["Org1MSP"], package: packageID)
        let back = try await evaluate(f, name)
        #expect(back.status == 200, "\(back.text)")
    }
}

/// A gateway holding every org's keys on a mutual-TLS network presents each org's client TLS
/// certificate to that org's peers: the Deliver request waiting for an approval must carry the
/// hash of the certificate of that connection, not of the first configured one (the peer refuses
/// a mismatch with BAD_REQUEST, as Fabric's Deliver does).
@Suite("mutual TLS with every org's keys", .serialized, .timeLimit(.minutes(3)))
struct MutualTLSAllKeysTests {
    @Test("each org approves through its own peer's connection: the commit wait binds that connection's certificate")
    func approveAsEachOrg() async throws {
        try await LifecycleFixture.run(mutualTLS: true) { f in
            let base = SeedScenario.channel + "/chaincodes/mtls"
            let draft = try await f.admin.put(base + "/draft", ["version": "1.0"])
            #expect(draft.status == 200, "\(draft.text)")
            let approved = try await f.admin.post(base + "/approvals", ["orgs": ["Org1MSP", "Org2MSP"]])
            #expect(approved.status == 200, "\(approved.text)")
            for msp in ["Org1MSP", "Org2MSP"] {
                #expect(SeedScenario.result(approved, msp)?["validationCode"] as? String == "VALID", "\(msp): \(approved.text)")
            }
            let committed = try await f.admin.post(base + "/commit")
            #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(committed.text)")
        }
    }
}
