import Foundation
import Testing
import TestSupport

/// The consortium shape: one gateway per organization, each holding only its own identities,
/// sharing nothing but the channel. Org1's gateway defines and approves; Org2's sees the
/// definition pending on the channel, adopts and approves it; a gateway commits with a peer of
/// the other organization found by service discovery; both invoke; then a policy-only upgrade.
@Suite("one gateway per organization", .serialized, .timeLimit(.minutes(5)))
struct PerOrgGatewaysTests {
    typealias S = SeedScenario
    static let cc = S.channel + "/chaincodes/basic"

    @Test("install on own peers, Org1 approves, Org2 adopts and approves, commit, invoke from both, policy-only upgrade")
    func consortium() async throws {
        try await PerOrgFixture.run { f in
            let package = try await Self.install(f)
            try await Self.firstDefinition(f, package: package)
            try await Self.invokeFromBoth(f, asset: "asset1")
            try await Self.policyUpgrade(f, package: package)
            try await Self.invokeFromBoth(f, asset: "asset2")
        }
    }

    /// Each gateway sees only its own organization and peer, and installs there.
    static func install(_ f: PerOrgFixture) async throws -> String {
        for g in [f.org1, f.org2] {
            let net = try await g.admin.get("/api/v1/network").json
            #expect((net["organizations"] as? [[String: Any]])?.map { $0["mspId"] as? String } == [g.mspID], "\(net)")
            let peers = try await g.admin.get("/api/v1/peers").json["items"] as? [[String: Any]] ?? []
            #expect(peers.count == 1 && peers.allSatisfy { $0["reachable"] as? Bool == true }, "\(peers)")
        }
        let p1 = try await f.org1.installCCaaS(label: "basic_1", address: "127.0.0.1:9999")
        let p2 = try await f.org2.installCCaaS(label: "basic_1", address: "127.0.0.1:9999")
        #expect(p1 == p2)
        return p1
    }

    static func firstDefinition(_ f: PerOrgFixture, package: String) async throws {
        let draft = try await f.org1.admin.put(cc + "/draft", ["version": "1.0", "packageIds": ["Org1MSP": package]])
        #expect(draft.status == 200 && draft.json["sequence"] as? Int == 1, "\(draft.text)")
        try await approve(f.org1, sequence: 1)
        try await adoptAndApprove(f.org2, from: "Org1MSP", sequence: 1, package: package)
        try await commit(f.org2, sequence: 1, seenBy: f.org1)
    }

    /// Only the policy changes: Org1's gateway drafts the upgrade (its package carries over)
    /// with auto-commit, Org2's adopts it (its package carries over too) and approves, and Org1's
    /// gateway commits by itself once it sees Org2's approval, with Org2's peer from discovery.
    static func policyUpgrade(_ f: PerOrgFixture, package: String) async throws {
        let policy = "OR('Org1MSP.peer','Org2MSP.peer')"
        let draft = try await f.org1.admin.post(cc + "/draft/upgrade", ["endorsementPolicy": policy, "autoCommit": true])
        #expect(draft.status == 200 && draft.json["sequence"] as? Int == 2, "\(draft.text)")
        #expect((draft.json["packageIds"] as? [String: String])?["Org1MSP"] == package, "\(draft.text)")
        try await approve(f.org1, sequence: 2)
        try await adoptAndApprove(f.org2, from: "Org1MSP", sequence: 2, package: package)
        for g in [f.org1, f.org2] {
            try await PerOrgFixture.eventually("sequence 2 committed at \(g.mspID)'s gateway") {
                (try await g.admin.get(cc).json["committed"] as? [String: Any])?["sequence"] as? Int == 2
            }
        }
        // The block that commits sequence 2 can reach the gateway's tracking before the commit
        // operation, which waits for its transaction's status at its own peer, is marked done.
        try await PerOrgFixture.eventually("Org1's auto-commit operation succeeded") {
            let commits = try await f.org1.admin.get("/api/v1/operations?kind=commit").json["items"] as? [[String: Any]] ?? []
            return commits.contains { $0["createdBy"] as? String == "auto-commit" && $0["state"] as? String == "succeeded" }
        }
        let committed = try await f.org2.admin.get(cc).json["committed"] as? [String: Any]
        let text = (committed?["endorsementPolicy"] as? [String: Any])?["text"] as? String
        #expect(committed?["sequence"] as? Int == 2 && text?.hasPrefix("OR(") == true, "\(committed ?? [:])")
    }

    static func approve(_ g: PerOrgFixture.Gateway, sequence: Int) async throws {
        let r = try await g.admin.post(cc + "/approvals", ["orgs": [g.mspID]])
        #expect(r.status == 200 && S.result(r, g.mspID)?["validationCode"] as? String == "VALID", "\(g.mspID) #\(sequence): \(r.text)")
    }

    /// `g` has no draft: it sees the definition pending on the channel (list and approval
    /// status, from the blocks), adopts `from`'s approval with its own package, and approves.
    static func adoptAndApprove(_ g: PerOrgFixture.Gateway, from: String, sequence: Int, package: String) async throws {
        try await PerOrgFixture.eventually("\(from)'s approval of sequence \(sequence) at \(g.mspID)'s gateway") {
            let list = try await g.admin.get(S.channel + "/chaincodes").json["items"] as? [[String: Any]] ?? []
            let pending = list.first { $0["name"] as? String == "basic" }?["pending"] as? [String: Any]
            return pending?["sequence"] as? Int == sequence
        }
        let status = try await g.admin.get(cc + "/approvals")
        #expect(status.status == 200 && status.json["sequence"] as? Int == sequence && status.json["ready"] as? Bool == false,
                "\(status.text)")
        #expect(S.orgs(status.json)[from]?["state"] as? String == "approved", "\(status.text)")
        #expect(status.json["missing"] as? [String] == [g.mspID], "\(status.text)")

        let adopted = try await g.admin.post(cc + "/draft/adopt", ["fromOrg": from])
        #expect(adopted.status == 200 && adopted.json["sequence"] as? Int == sequence, "\(adopted.text)")
        #expect(adopted.json["packageIds"] as? [String: String] == [g.mspID: package], "\(adopted.text)")
        try await approve(g, sequence: sequence)
    }

    /// `g` commits (endorsed by its own peer and the other org's, found by discovery; ordered
    /// through the orderer discovery names); `other` sees the committed sequence.
    static func commit(_ g: PerOrgFixture.Gateway, sequence: Int, seenBy other: PerOrgFixture.Gateway) async throws {
        try await PerOrgFixture.eventually("both approvals of sequence \(sequence) at \(g.mspID)'s gateway") {
            try await g.admin.get(cc + "/approvals").json["ready"] as? Bool == true
        }
        let committed = try await g.admin.post(cc + "/commit")
        #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(g.mspID): \(committed.text)")
        try await PerOrgFixture.eventually("sequence \(sequence) committed at \(other.mspID)'s gateway") {
            (try await other.admin.get(cc).json["committed"] as? [String: Any])?["sequence"] as? Int == sequence
        }
    }

    /// Submit on one gateway, read on the other, both ways.
    static func invokeFromBoth(_ f: PerOrgFixture, asset: String) async throws {
        for (writer, reader) in [(f.org1, f.org2), (f.org2, f.org1)] {
            let id = "\(asset)-\(writer.mspID)"
            let submitted = try await writer.admin.post(cc + "/submit", ["function": "CreateAsset", "args": [id, "blue", "5", "Tom", "300"]])
            #expect(submitted.status == 200 && submitted.json["validationCode"] as? String == "VALID", "\(writer.mspID): \(submitted.text)")
            let read = try await reader.admin.post(cc + "/evaluate", ["function": "ReadAsset", "args": [id]])
            #expect(read.status == 200 && read.text.contains(id), "\(reader.mspID): \(read.text)")
        }
    }
}
