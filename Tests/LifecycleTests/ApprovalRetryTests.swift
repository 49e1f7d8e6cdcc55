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

    @Test("two identical approvals at once (a retry racing the first attempt): one lands, the other answers alreadyApproved")
    func racingApprovals() async throws {
        try await LifecycleFixture.run { f in
            #expect(try await f.admin.put(Self.cc + "/draft", ["version": "1.0"]).status == 200)
            // Both are endorsed before either commits: in one block the second is an MVCC_READ_CONFLICT
            // (the crash suite's killed-and-retried approval), later it is refused as unchanged content.
            async let a = f.admin.post(Self.cc + "/approvals", ["orgs": ["Org1MSP"]])
            async let b = f.admin.post(Self.cc + "/approvals", ["orgs": ["Org1MSP"]])
            let answers = try await [a, b]
            let results = answers.compactMap { SeedScenario.result($0, "Org1MSP") }
            #expect(answers.allSatisfy { $0.status == 200 } && results.count == 2, "\(answers.map(\.text))")
            #expect(results.filter { $0["alreadyApproved"] as? Bool == true }.count == 1, "\(answers.map(\.text))")
            #expect(results.filter { $0["validationCode"] as? String == "VALID" && $0["alreadyApproved"] as? Bool == false }.count == 1)
            #expect(results.allSatisfy { $0["error"] == nil }, "\(answers.map(\.text))")
        }
    }

    @Test("two commits of the same definition at once: one commits, the other answers 409 already_committed")
    func racingCommits() async throws {
        try await LifecycleFixture.run { f in
            #expect(try await f.admin.put(Self.cc + "/draft", ["version": "1.0"]).status == 200)
            let approved = try await f.admin.post(Self.cc + "/approvals", ["orgs": ["Org1MSP", "Org2MSP"]])
            #expect(approved.status == 200, "\(approved.text)")
            async let a = f.admin.post(Self.cc + "/commit", ["allowNoPackage": true])
            async let b = f.admin.post(Self.cc + "/commit", ["allowNoPackage": true])
            let answers = try await [a, b]
            #expect(answers.filter { $0.status == 200 }.count == 1, "\(answers.map(\.text))")
            #expect(answers.filter { $0.status == 409 && SeedScenario.errorCode($0) == "already_committed" }.count == 1,
                    "\(answers.map(\.text))")
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
