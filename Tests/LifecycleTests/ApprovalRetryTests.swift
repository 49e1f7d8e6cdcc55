import Foundation
import Testing

/// Retried approvals and approvals that fail for every org, against fabric-sim.
@Suite(.timeLimit(.minutes(3))) struct ApprovalRetryTests {
    static let cc = "/api/v1/channels/mychannel/chaincodes/retried"

    @Test("approving again what already landed answers alreadyApproved with its block and no transaction")
    func retriedApproval() async throws {
        try await LifecycleFixture.run { f in
            #expect(try await f.admin.put(Self.cc + "/draft", ["version": "1.0"]).status == 200)
            let first = try await f.admin.post(Self.cc + "/approvals", ["orgs": ["Org1MSP"]])
            let landed = try #require(SeedScenario.result(first, "Org1MSP"), "\(first.text)")
            #expect(first.status == 200 && landed["validationCode"] as? String == "VALID" && landed["alreadyApproved"] as? Bool == false)
            let block = try #require(landed["blockNumber"] as? Int)

            let again = try await f.admin.post(Self.cc + "/approvals", ["orgs": ["Org1MSP"]])
            let result = try #require(SeedScenario.result(again, "Org1MSP"), "\(again.text)")
            #expect(again.status == 200, "\(again.text)")
            #expect(result["alreadyApproved"] as? Bool == true && result["error"] == nil, "\(again.text)")
            #expect(result["blockNumber"] as? Int == block && result["txId"] is NSNull, "\(again.text)")
        }
    }

    @Test("when every requested org fails, the answer has the first failure's status and each org's result in details")
    func everyOrgFailed() async throws {
        try await LifecycleFixture.run { f in
            #expect(try await f.admin.put(Self.cc + "/draft", ["version": "1.0"]).status == 200)
            try await f.control("peer0.org2.example.com", "stop")
            let r = try await f.admin.post(Self.cc + "/approvals", ["orgs": ["Org2MSP"]])
            #expect(r.status == 502 && SeedScenario.errorCode(r) == "peer_unreachable", "\(r.text)")
            let details = (r.json["error"] as? [String: Any])?["details"] as? [String: Any]
            let results = details?["results"] as? [[String: Any]] ?? []
            #expect(results.count == 1 && results.first?["mspId"] as? String == "Org2MSP" && results.first?["error"] != nil, "\(r.text)")
        }
    }
}
