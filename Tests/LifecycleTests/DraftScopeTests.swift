import Foundation
import Testing

/// Which package an org runs is that org's choice: an operator may propose the definition's
/// fields, but only set or change the package IDs of the orgs it acts for.
@Suite("draft package IDs are org-scoped", .timeLimit(.minutes(5)))
struct DraftScopeTests {
    static let cc = "/api/v1/channels/mychannel/chaincodes/scoped"

    @Test("an Org1 operator sets Org1's package ID, not Org2's; an admin sets both")
    func packageIDsScoped() async throws {
        try await LifecycleFixture.run { f in
            let own = try await f.org1Operator.put(Self.cc + "/draft", ["version": "1.0", "packageIds": ["Org1MSP": "scoped_1:aa"]])
            #expect(own.status == 200, "\(own.text)")
            // Keeping Org1's entry and saving other fields again is allowed (nothing of Org2 changes).
            let same = try await f.org1Operator.put(Self.cc + "/draft", ["version": "1.1", "packageIds": ["Org1MSP": "scoped_1:aa"]])
            #expect(same.status == 200 && same.json["version"] as? String == "1.1", "\(same.text)")

            let other = try await f.org1Operator.put(Self.cc + "/draft", ["version": "1.1", "packageIds": ["Org1MSP": "scoped_1:aa", "Org2MSP": "scoped_1:bb"]])
            #expect(other.status == 403, "\(other.text)")
            #expect((other.json["error"] as? [String: Any])?["message"] as? String == "token 'org1-operator' may not act for Org2MSP", "\(other.text)")

            let admin = try await f.admin.put(Self.cc + "/draft", ["version": "1.1", "packageIds": ["Org1MSP": "scoped_1:aa", "Org2MSP": "scoped_1:bb"]])
            #expect(admin.status == 200, "\(admin.text)")
            // Removing Org2's entry is a change to Org2's choice too.
            let removed = try await f.org1Operator.put(Self.cc + "/draft", ["version": "1.1", "packageIds": ["Org1MSP": "scoped_1:aa"]])
            #expect(removed.status == 403, "\(removed.text)")
            let stored = try await f.viewer.get(Self.cc).json["draft"] as? [String: Any]
            #expect(stored?["packageIds"] as? [String: String] == ["Org1MSP": "scoped_1:aa", "Org2MSP": "scoped_1:bb"])
        }
    }
}
