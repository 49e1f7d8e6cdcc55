import FabricProtos

/// The peers of a channel by organization (discovery `PeerMembershipResult`).
public struct PeerMembership: Sendable, Hashable {
    /// MSP ID -> peers; an organization whose peers are all down may map to an empty list.
    public var peersByOrg: [String: [DiscoveredPeer]]

    public init(peersByOrg: [String: [DiscoveredPeer]]) { self.peersByOrg = peersByOrg }

    init(_ result: Discovery_PeerMembershipResult) throws {
        peersByOrg = try result.peersByOrg.mapValues { try $0.peers.map(DiscoveredPeer.init) }
    }

    /// Every peer, in a stable order (organization, then endpoint).
    public var all: [DiscoveredPeer] {
        peersByOrg.keys.sorted().flatMap { org in peersByOrg[org, default: []].sorted { $0.endpoint < $1.endpoint } }
    }
}
