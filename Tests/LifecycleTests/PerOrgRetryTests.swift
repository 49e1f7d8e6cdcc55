import Foundation
import Testing
import TestSupport

/// The crash suite's retry answers in the consortium shape: two gateways, each holding only its
/// own organization's keys. A retried approval answers alreadyApproved from the org's own peer,
/// and both gateways committing the same definition at once get one commit and one 409
/// already_committed.
@Suite("Retries, one gateway per organization", .serialized, .timeLimit(.minutes(3)))
struct PerOrgRetryTests {
    static let cc = "/api/v1/channels/mychannel/chaincodes/retried"

    @Test("a retried approval is alreadyApproved on each org's own gateway; two gateways commit at once: one 200, one 409")
    func retriesFromEachSide() async throws {
        try await PerOrgFixture.run { f in
            for gw in [f.org1, f.org2] {
                let draft = try await gw.admin.put(Self.cc + "/draft", ["version": "1.0"])
                #expect(draft.status == 200, "\(gw.mspID): \(draft.text)")
                let first = try await gw.admin.post(Self.cc + "/approvals", ["orgs": [gw.mspID]])
                let landed = try #require(SeedScenario.result(first, gw.mspID), "\(gw.mspID): \(first.text)")
                #expect(landed["validationCode"] as? String == "VALID" && landed["alreadyApproved"] as? Bool == false, "\(first.text)")
                let again = try await gw.admin.post(Self.cc + "/approvals", ["orgs": [gw.mspID]])
                let result = try #require(SeedScenario.result(again, gw.mspID), "\(gw.mspID): \(again.text)")
                #expect(again.status == 200 && result["alreadyApproved"] as? Bool == true && result["error"] == nil, "\(again.text)")
            }
            async let a = f.org1.admin.post(Self.cc + "/commit", ["allowNoPackage": true])
            async let b = f.org2.admin.post(Self.cc + "/commit", ["allowNoPackage": true])
            let answers = try await [a, b]
            #expect(answers.filter { $0.status == 200 }.count == 1, "\(answers.map(\.text))")
            #expect(answers.filter { $0.status == 409 && SeedScenario.errorCode($0) == "already_committed" }.count == 1,
                    "\(answers.map(\.text))")
        }
    }
}
