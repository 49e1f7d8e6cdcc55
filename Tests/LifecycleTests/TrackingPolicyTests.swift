@testable import AdminAPI
import Fabric
import Testing

/// The LifecycleEndorsement evaluator: who still has to approve.
@Suite("lifecycle policy evaluator")
struct TrackingPolicyTests {
    let orgs = ["AMSP", "BMSP", "CMSP"]

    @Test("MAJORITY of 3 after one approval: any one of the other two")
    func majority() {
        let rule = LifecyclePolicyEvaluator(policy: .implicitMeta(rule: .majority, subPolicy: "Endorsement"), orgs: orgs)
        #expect(!rule.isSatisfied(by: ["AMSP"]))
        #expect(rule.smallestSets(approved: ["AMSP"], candidates: orgs) == [["BMSP"], ["CMSP"]])
        #expect(rule.isSatisfied(by: ["AMSP", "CMSP"]))
        #expect(rule.smallestSets(approved: ["AMSP", "CMSP"], candidates: orgs).isEmpty)
        #expect(rule.smallestSets(approved: [], candidates: orgs) == [["AMSP", "BMSP"], ["AMSP", "CMSP"], ["BMSP", "CMSP"]])
    }

    @Test("ANY and ALL; absent policy falls back to a majority")
    func implicitMeta() {
        #expect(LifecyclePolicyEvaluator(policy: .implicitMeta(rule: .any, subPolicy: "Endorsement"), orgs: orgs)
            .smallestSets(approved: [], candidates: orgs) == [["AMSP"], ["BMSP"], ["CMSP"]])
        let all = LifecyclePolicyEvaluator(policy: .implicitMeta(rule: .all, subPolicy: "Endorsement"), orgs: orgs)
        #expect(all.smallestSets(approved: ["BMSP"], candidates: orgs) == [["AMSP", "CMSP"]])
        #expect(LifecyclePolicyEvaluator(policy: nil, orgs: orgs) == .outOf(2, orgs.map(LifecyclePolicyEvaluator.org)))
    }

    @Test("signature policy OutOf(2, A, B, C) and nested gates")
    func signature() throws {
        guard case .signaturePolicy(let envelope) = try EndorsementPolicy.signaturePolicy(dsl: "OutOf(2, 'AMSP.peer', 'BMSP.peer', 'CMSP.peer')") else {
            Issue.record("not a signature policy")
            return
        }
        let rule = LifecyclePolicyEvaluator(policy: .signature(envelope), orgs: orgs)
        #expect(rule.smallestSets(approved: [], candidates: orgs) == [["AMSP", "BMSP"], ["AMSP", "CMSP"], ["BMSP", "CMSP"]])
        #expect(rule.smallestSets(approved: ["BMSP"], candidates: orgs) == [["AMSP"], ["CMSP"]])
        #expect(rule.isSatisfied(by: ["AMSP", "CMSP"]))

        guard case .signaturePolicy(let nested) = try EndorsementPolicy.signaturePolicy(dsl: "OR('AMSP.admin', AND('BMSP.peer', 'CMSP.peer'))") else {
            Issue.record("not a signature policy")
            return
        }
        let n = LifecyclePolicyEvaluator(policy: .signature(nested), orgs: orgs)
        #expect(n.smallestSets(approved: [], candidates: orgs) == [["AMSP"]])
        #expect(n.smallestSets(approved: ["BMSP"], candidates: orgs) == [["AMSP"], ["CMSP"]])
        #expect(!n.isSatisfied(by: ["CMSP"]) && n.isSatisfied(by: ["BMSP", "CMSP"]))
    }

    @Test("50 orgs, MAJORITY: 26 needed with none approved (first 100 sets, truncated); one short; ALL")
    func fiftyOrgs() {
        let many = (1...50).map { "Org\($0)MSP" }
        let majority = LifecyclePolicyEvaluator(policy: .implicitMeta(rule: .majority, subPolicy: "Endorsement"), orgs: many)
        let none = majority.smallestSets(approved: [], candidates: many, limit: 100)
        #expect(none.truncated && none.sets.count == 100 && none.sets.allSatisfy { $0.count == 26 })
        #expect(none.sets.first == Array(many.sorted().prefix(26)) && Set(none.sets.map { $0.joined() }).count == 100)
        let approved = Set(many.prefix(25))
        let oneShort = majority.smallestSets(approved: approved, candidates: many, limit: 100)
        #expect(!oneShort.truncated && oneShort.sets == many.dropFirst(25).sorted().map { [$0] })
        let all = LifecyclePolicyEvaluator(policy: .implicitMeta(rule: .all, subPolicy: "Endorsement"), orgs: many)
        #expect(all.smallestSets(approved: [], candidates: many, limit: 100) == ([many.sorted()], false))
        #expect(majority.smallestSets(approved: [], candidates: Array(many.prefix(20))).isEmpty)
    }

    @Test("an org named twice counts once: OutOf(2, A, OutOf(1, A, B)) needs A only")
    func repeated() {
        let rule = LifecyclePolicyEvaluator.outOf(2, [.org("AMSP"), .outOf(1, [.org("AMSP"), .org("BMSP")])])
        #expect(rule.additionalOrgs(approved: []) == 2)
        #expect(rule.smallestSets(approved: [], candidates: orgs) == [["AMSP"]])
    }
}
