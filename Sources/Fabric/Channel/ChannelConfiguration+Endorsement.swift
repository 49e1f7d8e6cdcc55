extension ChannelConfiguration {
    /// How many application orgs must endorse a `_lifecycle` commit: from an ImplicitMeta
    /// `LifecycleEndorsement` (ANY 1, ALL every org, MAJORITY ⌊n/2⌋+1) or, when the policy is
    /// absent, the peer's fallback majority (core/chaincode/lifecycle `LifecycleEndorsementPolicyAsBytes`).
    /// Nil for signature policies, whose needs depend on the principals.
    public var lifecycleEndorsingOrganizationCount: Int? {
        let n = applicationOrganizations.count
        guard let policy = lifecycleEndorsementPolicy else { return n / 2 + 1 }
        guard case .implicitMeta(let rule, _) = policy else { return nil }
        switch rule {
        case .any: return min(1, n)
        case .all: return n
        case .majority: return n / 2 + 1
        }
    }
}
