import FabricProtos

/// A Deliver stream answered a block request with a status instead of the block. The facts stay
/// typed so callers need not read the message.
///
/// Fabric's deliver handler (common/deliver/deliver.go `deliverBlocks`) answers NOT_FOUND in
/// two cases: the channel is unknown to the node (`ChainManager.GetChain` returned nil), or a
/// specified block is beyond the height with FAIL_IF_NOT_READY. A request for the newest block
/// can only meet the first, so NOT_FOUND to it means the channel does not exist there.
public struct DeliverStatusError: Error, CustomStringConvertible, Sendable, Hashable {
    public let channelID: String
    public let peer: String
    public let status: Common_Status
    public let position: SeekPosition

    public init(channelID: String, peer: String, status: Common_Status, position: SeekPosition) {
        (self.channelID, self.peer, self.status, self.position) = (channelID, peer, status, position)
    }

    /// The node does not know the channel (see the type's comment).
    public var isChannelNotFound: Bool { status == .notFound && position == .newest }

    public var description: String {
        "peer \(peer) answered the block request for channel '\(channelID)' with status \(FabricClient.name(status))"
    }
}
