/// A peer or orderer node as the flows address it.
public struct FabricEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `host:port` (used in error details and to pick the connection).
    public var address: String
    /// The node's organisation MSP ID (used to pick own-org peers).
    public var mspID: String

    public init(address: String, mspID: String) {
        self.address = address
        self.mspID = mspID
    }

    public var description: String { address }
}
