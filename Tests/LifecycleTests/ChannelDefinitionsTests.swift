import Foundation
import Testing
import TestSupport

/// Definitions on the channel, not only drafts: what another organization approved with another
/// tool shows as pending (list, detail, approval status) without a local draft, and an operator
/// of another organization adopts it, approves and commits.
@Suite("definitions on the channel: pending approvals from other tools, adopt", .serialized, .timeLimit(.minutes(3)))
struct ChannelDefinitionsTests {
    typealias S = SeedScenario
    static func base(_ name: String) -> String { S.channel + "/chaincodes/" + name }

    /// The Python client (as `peer lifecycle chaincode` would): install on both orgs, approve as `approving`, no commit.
    static func approveOutside(_ f: LifecycleFixture, _ name: String, approving: String, version: String = "1.0",
                               label: String = "vec_1.0", installOn: String = "Org1MSP,Org2MSP") throws -> String {
        let script = LifecycleFixture.repoRoot.appendingPathComponent("tools/fabric-sim/tests/peer_cli_deploy.py").path
        let r = try runCommand([LifecycleFixture.python, script, f.directory.appendingPathComponent("sim").path, name, "--orgs", installOn,
                                "--approve-orgs", approving, "--version", version, "--label", label, "--no-commit"],
                               standardError: .capture).checked()
        let out = try #require(try JSONSerialization.jsonObject(with: Data(r.output)) as? [String: Any], "\(r.text)")
        return try #require(out["packageId"] as? String)
    }

    /// Polls until the block listener has recorded what `ready` looks for (bounded).
    static func eventually(_ what: String, _ ready: () async throws -> Bool) async throws {
        for _ in 0..<100 {
            if try await ready() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("not seen within 10 s: \(what)")
    }

    static func pendingItem(_ f: LifecycleFixture, _ name: String) async throws -> [String: Any]? {
        let list = try await f.viewer.get(S.channel + "/chaincodes").json["items"] as? [[String: Any]] ?? []
        return list.first { $0["name"] as? String == name }?["pending"] as? [String: Any]
    }

    @Test("Org1 approves with another tool: pending in the list, the detail and the status; Org2's operator adopts, approves, commits")
    func pendingThenAdopt() async throws {
        try await LifecycleFixture.run { f in
            let packageID = try await onThread { try Self.approveOutside(f, "vectest", approving: "Org1MSP") }
            try await Self.eventually("Org1's approval in the list") { try await Self.pendingItem(f, "vectest") != nil }
            let pending = try #require(try await Self.pendingItem(f, "vectest"))
            #expect(pending["sequence"] as? Int == 1 && pending["referenceSource"] as? String == "most-approved", "\(pending)")
            let states = Dictionary(uniqueKeysWithValues: (pending["orgs"] as? [[String: Any]] ?? []).map { ($0["mspId"] as? String ?? "", $0) })
            #expect(states["Org1MSP"]?["state"] as? String == "approved" && states["Org1MSP"]?["packageId"] == nil, "the list is a summary: \(pending)")
            #expect(states["Org2MSP"]?["state"] as? String == "not-approved", "\(pending)")

            let detail = try await f.viewer.get(Self.base("vectest")).json
            #expect(detail["committed"] is NSNull && detail["draft"] is NSNull, "\(detail)")
            #expect((detail["pending"] as? [String: Any])?["sequence"] as? Int == 1, "\(detail)")
            let detailOrgs = (detail["pending"] as? [String: Any])?["orgs"] as? [[String: Any]] ?? []
            let org1 = detailOrgs.first { $0["mspId"] as? String == "Org1MSP" }
            #expect(org1?["packageId"] as? String == packageID && org1?["txId"] is String, "the detail names the transaction: \(detail)")
            let status = try await f.viewer.get(Self.base("vectest") + "/approvals")
            #expect(status.status == 200 && status.json["sequence"] as? Int == 1 && status.json["ready"] as? Bool == false, "\(status.text)")
            #expect(S.orgs(status.json)["Org1MSP"]?["state"] as? String == "approved", "\(status.text)")
            let badSequence = try await f.viewer.get(Self.base("vectest") + "/approvals?sequence=zero")
            #expect(badSequence.status == 400, "\(badSequence.text)")
            let noSuch = try await f.viewer.get(Self.base("vectest") + "/approvals?sequence=7")
            #expect(noSuch.status == 404 && S.errorCode(noSuch) == "draft_not_found", "\(noSuch.text)")

            let org2Token = try await f.services.tokens.create(name: "org2-operator", role: .operator, orgs: ["Org2MSP"]).token
            let org2 = HTTPTestClient(port: f.port, token: org2Token)
            let adopted = try await org2.post(Self.base("vectest") + "/draft/adopt", ["fromOrg": "Org1MSP"])
            #expect(adopted.status == 200 && adopted.json["version"] as? String == "1.0" && adopted.json["sequence"] as? Int == 1, "\(adopted.text)")
            // Org2's package matched by label among its peers' installed packages; Org1's entry is not Org2's to set.
            #expect(adopted.json["packageIds"] as? [String: String] == ["Org2MSP": packageID], "\(adopted.text)")
            #expect((adopted.json["packageSources"] as? [String: [String: Any]])?["Org2MSP"]?["kind"] as? String == "installed-label")
            let audit = try await f.admin.get("/api/v1/audit?action=chaincode.draft&limit=20").json["items"] as? [[String: Any]] ?? []
            #expect(audit.contains { ($0["detail"] as? String)?.hasPrefix("adopted Org1MSP's approval of sequence 1") == true }, "\(audit)")

            let approved = try await org2.post(Self.base("vectest") + "/approvals", ["orgs": ["Org2MSP"]])
            #expect(approved.status == 200 && S.result(approved, "Org2MSP")?["validationCode"] as? String == "VALID", "\(approved.text)")
            let committed = try await org2.post(Self.base("vectest") + "/commit")
            #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(committed.text)")
            let read = try await f.admin.post(Self.base("vectest") + "/evaluate", ["function": "GetAllAssets", "args": [String]()])
            #expect(read.status == 200, "\(read.text)")
        }
    }

    @Test("orgs that approved different contents show as variants; adopting with no package of that label installed is 422")
    func variantsAndNoMatch() async throws {
        try await LifecycleFixture.run { f in
            _ = try await onThread { try Self.approveOutside(f, "split", approving: "Org1MSP", version: "1.0", label: "split_a") }
            _ = try await onThread { try Self.approveOutside(f, "split", approving: "Org2MSP", version: "2.0", label: "split_b") }
            try await Self.eventually("both approvals") {
                ((try await Self.pendingItem(f, "split"))?["variants"] as? [[String: Any]])?.count == 2
            }
            let pending = try #require(try await Self.pendingItem(f, "split"))
            let variants = pending["variants"] as? [[String: Any]] ?? []
            let versions = variants.map { (($0["definition"] as? [String: Any])?["version"] as? String ?? "", $0["orgs"] as? [String] ?? []) }
            #expect(versions.map(\.0).sorted() == ["1.0", "2.0"] && versions.allSatisfy { $0.1.count == 1 }, "\(pending)")
            let states = (pending["orgs"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }.sorted()
            #expect(states == ["approved", "approved-different"], "\(pending)")

            // Org2's package was installed on Org2's peer only: nothing on Org1's peers has its label.
            _ = try await onThread { try Self.approveOutside(f, "lonely", approving: "Org2MSP", label: "lonely_1", installOn: "Org2MSP") }
            try await Self.eventually("Org2's approval of lonely") { try await Self.pendingItem(f, "lonely") != nil }
            let org1 = f.org1Operator
            let noMatch = try await org1.post(Self.base("lonely") + "/draft/adopt", ["fromOrg": "Org2MSP"])
            #expect(noMatch.status == 422 && S.errorField(noMatch) == "packageId" && noMatch.text.contains("lonely_1"), "\(noMatch.text)")
            let refused = try await org1.post(Self.base("split") + "/draft/adopt", ["fromOrg": "Org3MSP"])
            #expect(refused.status == 404 && S.errorCode(refused) == "approval_not_found", "\(refused.text)")
            let explicit = try await org1.post(Self.base("split") + "/draft/adopt", ["fromOrg": "Org2MSP", "packageId": "split_b:abc"])
            #expect(explicit.status == 200 && explicit.json["version"] as? String == "2.0", "\(explicit.text)")
            #expect(explicit.json["packageIds"] as? [String: String] == ["Org1MSP": "split_b:abc"], "\(explicit.text)")
            let sources = explicit.json["packageSources"] as? [String: [String: Any]]
            #expect(sources?["Org1MSP"]?["installed"] as? Bool == false, "not installed: \(explicit.text)")
        }
    }
}
