import Fabric

/// Which peers to ask for endorsements, from a discovery `EndorsementDescriptor`
/// (discovery/client/client.go `Endorsers`/`selectPeersForLayout`): one layout at a time, the
/// layouts using the caller's own organization first, then the smaller ones; in a group, own-org
/// peers first, then the highest ledger. Peers that failed are left out, so the next candidate
/// is another layout (or other peers of the same groups).
public struct EndorsementPlan: Sendable {
    public let descriptor: EndorsementDescriptor
    public let ownOrg: String

    public init(descriptor: EndorsementDescriptor, ownOrg: String) {
        self.descriptor = descriptor
        self.ownOrg = ownOrg
    }

    /// Fabric's client-side words when no layout can be filled (discovery/client/client.go `Endorsers`).
    public static let unsatisfiable = "no endorsement combination can be satisfied"

    /// Peers that together satisfy some layout, avoiding `failed` addresses (advertised
    /// endpoints); nil when no layout can be filled. Peers in `endorsed` already endorsed:
    /// they fill their groups first and are not returned (internal/pkg/gateway/endorsement.go
    /// `processEndorsement`: the first endorser counts toward the plan), so the result is what
    /// is still to ask; layouts that use them come first.
    public func endorsers(excluding failed: Set<String> = [], endorsed: Set<String> = []) -> [DiscoveredPeer]? {
        var best: [DiscoveredPeer]?
        for layout in orderedLayouts() {
            guard let peers = select(layout, excluding: failed, endorsed: endorsed) else { continue }
            let missing = peers.filter { !endorsed.contains($0.endpoint) }
            if missing.count < peers.count { return missing }
            if best == nil { best = missing }
        }
        return best
    }

    /// Every peer that can run the chaincode, best first: for a query one of them is enough.
    public func evaluationPeers() -> [DiscoveredPeer] {
        var seen = Set<String>()
        return descriptor.groups.values.flatMap { $0 }.sorted(by: preferred).filter { seen.insert($0.endpoint).inserted }
    }

    func orderedLayouts() -> [[String: Int]] {
        let ownGroups = Set(descriptor.groups.filter { $0.value.contains { $0.mspID == ownOrg } }.keys)
        return descriptor.layouts.enumerated().sorted { a, b in
            let ownA = a.element.keys.contains(where: ownGroups.contains), ownB = b.element.keys.contains(where: ownGroups.contains)
            if ownA != ownB { return ownA }
            let sizeA = a.element.values.reduce(0, +), sizeB = b.element.values.reduce(0, +)
            return sizeA != sizeB ? sizeA < sizeB : a.offset < b.offset
        }.map(\.element)
    }

    func select(_ layout: [String: Int], excluding failed: Set<String>, endorsed: Set<String> = []) -> [DiscoveredPeer]? {
        var chosen: [DiscoveredPeer] = []
        for group in layout.keys.sorted() {
            let quantity = layout[group] ?? 0
            let available = (descriptor.groups[group] ?? []).filter { peer in
                !failed.contains(peer.endpoint) && !chosen.contains { $0.endpoint == peer.endpoint }
            }.sorted { a, b in
                let (ea, eb) = (endorsed.contains(a.endpoint), endorsed.contains(b.endpoint))
                return ea != eb ? ea : preferred(a, b)
            }
            guard available.count >= quantity else { return nil }
            chosen += available.prefix(quantity)
        }
        return chosen
    }

    func preferred(_ a: DiscoveredPeer, _ b: DiscoveredPeer) -> Bool {
        if (a.mspID == ownOrg) != (b.mspID == ownOrg) { return a.mspID == ownOrg }
        if a.ledgerHeight != b.ledgerHeight { return a.ledgerHeight > b.ledgerHeight }
        return a.endpoint < b.endpoint
    }
}
