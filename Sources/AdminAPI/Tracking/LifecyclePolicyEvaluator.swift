import Fabric
import FabricProtos
import Foundation

/// Who still has to approve: the channel's LifecycleEndorsement policy as a rule over orgs
/// (an org counts once it approved, since only approving orgs' peers endorse a commit).
/// ImplicitMeta ANY/ALL/MAJORITY over the orgs' sub-policy, or a signature policy with
/// nested OutOf whose principals name MSP IDs.
indirect enum LifecyclePolicyEvaluator: Sendable, Equatable {
    case org(String)
    case outOf(Int, [LifecyclePolicyEvaluator])

    /// The rule for `policy` on a channel with `orgs` (nil policy: the peer's fallback majority).
    init(policy: ChannelPolicy?, orgs: [String]) {
        let members = orgs.map(LifecyclePolicyEvaluator.org)
        switch policy {
        case .implicitMeta(.any, _)?: self = .outOf(1, members)
        case .implicitMeta(.all, _)?: self = .outOf(orgs.count, members)
        case .signature(let envelope)?: self = Self.rule(envelope.rule, envelope.identities)
        default: self = .outOf(orgs.count / 2 + 1, members)
        }
    }

    static func rule(_ rule: Common_SignaturePolicy, _ identities: [Common_MSPPrincipal]) -> LifecyclePolicyEvaluator {
        switch rule.type {
        case .signedBy(let index)?:
            guard index >= 0, Int(index) < identities.count, identities[Int(index)].principalClassification == .role,
                  let role = try? Common_MSPRole(serializedBytes: identities[Int(index)].principal) else { return .org("") }
            return .org(role.mspIdentifier)
        case .nOutOf(let n)?:
            return .outOf(Int(n.n), n.rules.map { Self.rule($0, identities) })
        case nil:
            return .outOf(1, [])
        }
    }

    /// Whether these orgs' approvals satisfy the rule.
    func isSatisfied(by approved: Set<String>) -> Bool {
        switch self {
        case .org(let msp): return !msp.isEmpty && approved.contains(msp)
        case .outOf(let n, let rules): return rules.filter { $0.isSatisfied(by: approved) }.count >= n
        }
    }

    /// The smallest sets of further orgs (from `candidates`) whose approval would satisfy the
    /// rule, sorted; empty when it is already satisfied or cannot be satisfied. Sets are
    /// searched by size, so at most 16 candidates are considered.
    func smallestSets(approved: Set<String>, candidates: [String]) -> [[String]] {
        guard !isSatisfied(by: approved) else { return [] }
        let pool = Array(candidates.filter { !approved.contains($0) }.sorted().prefix(16))
        for size in 1...max(1, pool.count) where size <= pool.count {
            let sets = Self.combinations(pool, size).filter { isSatisfied(by: approved.union($0)) }
            if !sets.isEmpty { return sets }
        }
        return []
    }

    static func combinations(_ items: [String], _ k: Int) -> [[String]] {
        guard k > 0 else { return [[]] }
        guard items.count >= k else { return [] }
        let head = items[0], rest = Array(items.dropFirst())
        return combinations(rest, k - 1).map { [head] + $0 } + combinations(rest, k)
    }
}
