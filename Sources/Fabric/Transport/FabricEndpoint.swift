/// A peer or orderer node as the flows address it.
public struct FabricEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `host:port` (used in error details and to pick the connection).
    public var address: String
    /// The node's organisation MSP ID (used to pick own-org peers).
    public var mspID: String
    /// SHA-256 of the client TLS certificate presented on the connection to this node (mutual
    /// TLS), which Deliver and Discovery requests must carry (docs/fabric-notes.md §5.2): each
    /// node's connection may present another organization's certificate, so it belongs to the
    /// endpoint, not to the signing client. nil: the client's default.
    public var tlsCertificateHash: [UInt8]?

    public init(address: String, mspID: String, tlsCertificateHash: [UInt8]? = nil) {
        self.address = address
        self.mspID = mspID
        self.tlsCertificateHash = tlsCertificateHash
    }

    // A node is its address and organization; the certificate hash describes the connection.
    public static func == (a: FabricEndpoint, b: FabricEndpoint) -> Bool { a.address == b.address && a.mspID == b.mspID }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(address)
        hasher.combine(mspID)
    }

    public var description: String { address }
}
