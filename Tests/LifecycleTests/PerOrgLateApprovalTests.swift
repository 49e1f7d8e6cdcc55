import AdminAPI
@testable import ChaincodeLifecycle
import Foundation
import Testing

/// Three organizations with MAJORITY, each with its own one-organization gateway: committed with
/// two approvals, the third sees the committed definition (its own approval missing) on the
/// channel list and approves late through its gateway, then runs the chaincode.
@Suite("three organizations, one gateway each: a late approval", .timeLimit(.minutes(5)))
struct PerOrgLateApprovalTests {
    @Test("committed with Org1 and Org2; Org3's gateway sees it, adopts Org1's approval and approves late")
    func lateApproval() async throws {
        try await DiscoveryInvokeTests.Org2Gateway.run { g in
            try g.deploy("cc-late", policy: nil, approveOrgs: "Org1MSP,Org2MSP")
            let org3 = try await g.services(of: "Org3MSP")
            do {
                let definitions = org3.lifecycle!.definitions
                func listed() async throws -> [String: Bool]? {
                    try await definitions.channelChaincodes(channel: "mychannel").first { $0.name == "cc-late" }?.committed?.approvals
                }
                try await PerOrgFixture.eventually("the commit tracked by Org3's gateway") { try await listed()?["Org1MSP"] == true }
                #expect(try await listed() == ["Org1MSP": true, "Org2MSP": true, "Org3MSP": false])
                _ = try await definitions.adopt(channel: "mychannel", name: "cc-late",
                                                input: .init(fromOrg: "Org1MSP", sequence: 1, packageID: nil, orgs: ["Org3MSP"]), by: "test")
                let results = try await definitions.approve(channel: "mychannel", name: "cc-late", orgs: ["Org3MSP"], packageOverrides: [:],
                                                            by: "test")
                #expect(results.count == 1 && results[0].error == nil, "\(results.map { $0.error.map { "\($0)" } ?? "ok" })")
                try await PerOrgFixture.eventually("Org3's late approval on the channel list") { try await listed()?["Org3MSP"] == true }
                // Org3's own peer now runs it: evaluate and submit from Org3's gateway.
                let invoke = org3.lifecycle!.invocations
                let (_, status) = try await invoke.submit(DiscoveryInvokeTests.call("CreateAsset", ["late", "gold", "1", "ann", "5"]),
                                                          channel: "mychannel", name: "cc-late")
                #expect(status.validationCode == .valid)
            } catch {
                await org3.close()
                throw error
            }
            await org3.close()
        }
    }
}
