@testable import ChaincodeLifecycle
import Fabric
import Foundation
import Testing

/// A lifecycle commit asks the smallest set of approving organizations that satisfies the
/// channel's LifecycleEndorsement policy (the gateway's own first), and another set when a
/// peer does not answer.
@Suite("commit endorsers", .timeLimit(.minutes(5)))
struct CommitEndorsersTests {
    static let three = ["Org1MSP", "Org2MSP", "Org3MSP"]
    static func majority(_ orgs: [String]) -> LifecyclePolicyEvaluator { .outOf(orgs.count / 2 + 1, orgs.map { .org($0) }) }

    static func choose(_ rule: LifecyclePolicyEvaluator, _ approving: [String] = three, own: String = "Org2MSP",
                       configured: Set<String> = [], failed: Set<String> = []) -> [String]? {
        DefinitionService.commitEndorsingOrgs(rule: rule, approving: approving, own: own, configured: configured, excluding: failed)
    }

    @Test("the smallest satisfying set: own org first, then orgs with configured peers, then name order")
    func selection() {
        #expect(Self.choose(Self.majority(Self.three)) == ["Org2MSP", "Org1MSP"])
        #expect(Self.choose(Self.majority(Self.three), configured: ["Org2MSP", "Org3MSP"]) == ["Org2MSP", "Org3MSP"])
        #expect(Self.choose(Self.majority(Self.three), failed: ["Org1MSP"]) == ["Org2MSP", "Org3MSP"])
        #expect(Self.choose(Self.majority(Self.three), failed: ["Org1MSP", "Org3MSP"]) == nil)
        // The own org has not approved (or its peer failed): two others.
        #expect(Self.choose(Self.majority(Self.three), ["Org1MSP", "Org3MSP"]) == ["Org1MSP", "Org3MSP"])
        #expect(Self.choose(Self.majority(Self.three), failed: ["Org2MSP"]) == ["Org1MSP", "Org3MSP"])
        // ANY: the own org alone; a rule that does not name the own org leaves it out.
        #expect(Self.choose(.outOf(1, Self.three.map { .org($0) })) == ["Org2MSP"])
        #expect(Self.choose(.outOf(2, [.org("Org1MSP"), .org("Org3MSP")])) == ["Org1MSP", "Org3MSP"])
        // MAJORITY of 5 with 5 approving: 3 orgs, not 5.
        let five = (1...5).map { "Org\($0)MSP" }
        #expect(Self.choose(Self.majority(five), five, own: "Org5MSP", configured: ["Org5MSP", "Org4MSP"]) == ["Org5MSP", "Org1MSP", "Org4MSP"])
        // Not enough approving orgs left.
        #expect(Self.choose(Self.majority(five), ["Org1MSP", "Org2MSP"], own: "Org1MSP") == nil)
    }

    @Test("an Org2-only gateway commits a 3-org MAJORITY definition while Org1's peer is down")
    func peerDown() async throws {
        try await DiscoveryInvokeTests.Org2Gateway.run { g in
            try g.deploy("cc-commit", policy: nil, orgs: Self.three.joined(separator: ","), commit: false)
            let definitions = g.services.lifecycle!.definitions
            var pending: PendingDefinition?
            for _ in 0..<100 where pending?.orgs.filter({ $0.state == "approved" }).count != 3 {
                pending = try await definitions.pending(channel: "mychannel", name: "cc-commit")
                try await Task.sleep(for: .milliseconds(100))
            }
            let definition = try #require(pending?.referenceDefinition, "the three approvals were not tracked")
            try await g.control("peer0.org1.example.com", "stop")
            // Before: a peer of every approving org was asked, so Org1's absence failed the commit.
            let status = try await definitions.commit(definition, channel: "mychannel", approving: Self.three, submitter: "Org2MSP", by: "test")
            #expect(status.validationCode == .valid)
            try await g.control("peer0.org1.example.com", "start")
        }
    }
}
