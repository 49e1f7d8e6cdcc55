import Foundation
import Testing

extension SeedScenarioPackages {
    /// After an upgrade to sequence 2, a draft for sequence 1 is invisible (`draft: null`) and
    /// cannot be approved: 404 `draft_not_found`, as its approval status, before any
    /// transaction (no approve operation recorded). A draft at the committed sequence cannot be
    /// committed again: 409 `already_committed` (Fabric commits only committed + 1).
    func staleDraft(_ f: LifecycleFixture, _ msps: [String], packageID: String) async throws {
        let name = "either"
        let upgrade = try await f.admin.post(Self.path(name) + "/draft/upgrade", ["endorsementPolicy": Self.policy("AND", msps)])
        #expect(upgrade.status == 200 && upgrade.json["sequence"] as? Int == 2, "\(upgrade.text)")
        _ = try await Self.approve(f, name, msps)
        let committed = try await f.admin.post(Self.path(name) + "/commit")
        #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(committed.text)")

        let again = try await f.admin.post(Self.path(name) + "/commit")
        #expect(again.status == 409 && S.errorCode(again) == "already_committed", "\(again.text)")

        let old = try await f.admin.put(Self.path(name) + "/draft", ["version": "1.0", "sequence": 1, "packageIds": [msps[0]: packageID]])
        #expect(old.status == 200 && old.json["sequence"] as? Int == 1, "\(old.text)")
        #expect(try await f.viewer.get(Self.path(name)).json["draft"] is NSNull)
        let status = try await f.viewer.get(Self.path(name) + "/approvals")
        #expect(status.status == 404 && S.errorCode(status) == "draft_not_found", "\(status.text)")

        let approvesBefore = try await f.admin.get("/api/v1/operations?kind=approve").json["total"] as? Int
        let refused = try await f.admin.post(Self.path(name) + "/approvals", ["orgs": [msps[0]]])
        #expect(refused.status == 404 && S.errorCode(refused) == "draft_not_found", "\(refused.text)")
        let message = (refused.json["error"] as? [String: Any])?["message"] as? String
        #expect(message == (status.json["error"] as? [String: Any])?["message"] as? String, "\(refused.text)")
        #expect(message?.contains("older than the committed definition (sequence 2)") == true, "\(refused.text)")
        #expect(try await f.admin.get("/api/v1/operations?kind=approve").json["total"] as? Int == approvesBefore)
        let commit = try await f.admin.post(Self.path(name) + "/commit")
        #expect(commit.status == 404 && S.errorCode(commit) == "draft_not_found", "\(commit.text)")

        // The chain still runs sequence 2 under its AND policy.
        let def = try await f.viewer.get(Self.path(name)).json["committed"] as? [String: Any]
        #expect(def?["sequence"] as? Int == 2 && (def?["endorsementPolicy"] as? [String: Any])?["text"] as? String
                == Self.policy("AND", msps, rendered: true), "\(String(describing: def))")
    }
}
