import FabricProtos

/// Who can endorse an invocation (discovery `EndorsementDescriptor`): peers in groups, and
/// layouts, each naming how many peers of which groups together satisfy the policy
/// (discovery/endorsement/endorsement.go `computeEndorsementResponse`).
public struct EndorsementDescriptor: Sendable, Hashable {
    public var chaincode: String
    /// Group name (`G0`, `G1`, ...) -> its peers.
    public var groups: [String: [DiscoveredPeer]]
    /// Each layout: group -> number of its peers that must endorse.
    public var layouts: [[String: Int]]

    public init(chaincode: String, groups: [String: [DiscoveredPeer]], layouts: [[String: Int]]) {
        self.chaincode = chaincode
        self.groups = groups
        self.layouts = layouts
    }

    init(_ d: Discovery_EndorsementDescriptor) throws {
        chaincode = d.chaincode
        groups = try d.endorsersByGroups.mapValues { try $0.peers.map(DiscoveredPeer.init) }
        layouts = d.layouts.map { $0.quantitiesByGroup.mapValues(Int.init) }
    }
}
