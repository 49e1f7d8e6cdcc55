import FabricProtos
import Foundation

/// Who still has to approve: the channel's LifecycleEndorsement policy as a rule over orgs
/// (an org counts once it approved, since only approving orgs' peers endorse a commit).
/// ImplicitMeta ANY/ALL/MAJORITY over the orgs' sub-policy, or a signature policy with
/// nested OutOf whose principals name MSP IDs.
public indirect enum LifecyclePolicyEvaluator: Sendable, Equatable {
    case org(String)
    case outOf(Int, [LifecyclePolicyEvaluator])

    /// The rule for `policy` on a channel with `orgs` (nil policy: the peer's fallback majority).
    public init(policy: ChannelPolicy?, orgs: [String]) {
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
            // A principal that is out of range or no decodable role is satisfied by no org ("").
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
    public func isSatisfied(by approved: Set<String>) -> Bool {
        switch self {
        case .org(let msp): return !msp.isEmpty && approved.contains(msp)
        case .outOf(let n, let rules): return rules.filter { $0.isSatisfied(by: approved) }.count >= n
        }
    }

    /// The smallest sets of further orgs (from `candidates`) whose approval would satisfy the
    /// rule, each sorted, in lexicographic order; empty when it is already satisfied or cannot
    /// be satisfied. At most `limit` sets (`truncated` says there are more: MAJORITY of 50 orgs
    /// with none approved has C(50, 26) of them).
    public func smallestSets(approved: Set<String>, candidates: [String], limit: Int = 100) -> (sets: [[String]], truncated: Bool) {
        guard !isSatisfied(by: approved) else { return ([], false) }
        let members = orgs
        let pool = Set(candidates).subtracting(approved).filter(members.contains).sorted()
        guard let bound = additionalOrgs(approved: approved), bound >= 1, bound <= pool.count else { return ([], false) }
        // With every org at most once in the rule the bound is exact; otherwise an org can count
        // twice and a smaller set may do, so smaller sizes are searched first.
        let first = hasRepeatedOrgs ? 1 : bound
        for size in first...bound {
            let found = Self.combinations(of: pool, size: size, limit: limit) { isSatisfied(by: approved.union($0)) }
            if !found.sets.isEmpty { return found }
        }
        return ([], false)
    }

    /// `smallestSets(...).sets`.
    public func smallestSets(approved: Set<String>, candidates: [String]) -> [[String]] {
        smallestSets(approved: approved, candidates: candidates, limit: 100).sets
    }

    /// How many more orgs satisfy the rule if no org counts twice (nil: impossible).
    public func additionalOrgs(approved: Set<String>) -> Int? {
        switch self {
        case .org(let msp): return msp.isEmpty ? nil : (approved.contains(msp) ? 0 : 1)
        case .outOf(let n, let rules):
            guard n > 0 else { return 0 }
            let costs = rules.compactMap { $0.additionalOrgs(approved: approved) }.sorted()
            return costs.count < n ? nil : costs.prefix(n).reduce(0, +)
        }
    }

    /// Every org the rule names (an empty name: a principal that is not an org role).
    var orgs: Set<String> {
        switch self {
        case .org(let msp): return msp.isEmpty ? [] : [msp]
        case .outOf(_, let rules): return rules.reduce(into: Set<String>()) { $0.formUnion($1.orgs) }
        }
    }

    var hasRepeatedOrgs: Bool {
        func leaves(_ r: LifecyclePolicyEvaluator) -> [String] {
            switch r {
            case .org(let msp): return [msp]
            case .outOf(_, let rules): return rules.flatMap(leaves)
            }
        }
        let all = leaves(self).filter { !$0.isEmpty }
        return Set(all).count != all.count
    }

    /// The `size`-combinations of `items` (sorted) accepted by `accept`, in lexicographic order,
    /// at most `limit` of them; examines at most `work` combinations (then reports truncation).
    static func combinations(of items: [String], size: Int, limit: Int, work: Int = 200_000,
                             accept: (Set<String>) -> Bool) -> (sets: [[String]], truncated: Bool) {
        guard size > 0, size <= items.count else { return ([], false) }
        var index = Array(0..<size)
        var sets: [[String]] = []
        for _ in 0..<work {
            let candidate = index.map { items[$0] }
            if accept(Set(candidate)) {
                if sets.count == limit { return (sets, true) }
                sets.append(candidate)
            }
            // Next combination: the rightmost index that can move, then the ones after it.
            guard let i = (0..<size).last(where: { index[$0] < items.count - size + $0 }) else { return (sets, false) }
            index[i] += 1
            for j in (i + 1)..<size { index[j] = index[j - 1] + 1 }
        }
        return (sets, true)
    }
}
