import FabricProtos

extension FabricClient {
    /// Fetches one block from a peer's Deliver service (`newest`, `oldest` or a number),
    /// as `peer channel fetch` does. Needs channel Readers.
    public func fetchBlock(channelID: String, position: SeekPosition, from peer: FabricEndpoint) async throws -> Common_Block {
        let seek = try SeekEnvelope.make(channelID: channelID, start: position, stop: position,
                                         failIfNotReady: true, signer: signer, tlsCertHash: peer.tlsCertificateHash ?? tlsCertificateHash)
        for try await response in transport.deliver(peer: peer, seek) {
            switch response.type {
            case .block(let block)?:
                return block
            case .status(let status)?:
                throw DeliverStatusError(channelID: channelID, peer: "\(peer)", status: status, position: position)
            default:
                continue
            }
        }
        throw FabricProtocolError("peer \(peer) ended the deliver stream without a block")
    }

    /// The channel's current configuration: newest block -> last config index -> config block
    /// (the newest block itself when it is a config block, e.g. a genesis block).
    public func channelConfiguration(channelID: String, from peer: FabricEndpoint) async throws -> ChannelConfiguration {
        let newest = try await fetchBlock(channelID: channelID, position: .newest, from: peer)
        if try newest.transactions().first?.headerType == Int32(Common_HeaderType.config.rawValue) {
            return try ChannelConfiguration(configBlock: newest)
        }
        let index = try newest.lastConfigIndex()
        let configBlock = index == newest.header.number
            ? newest : try await fetchBlock(channelID: channelID, position: .specified(index), from: peer)
        return try ChannelConfiguration(configBlock: configBlock)
    }
}
