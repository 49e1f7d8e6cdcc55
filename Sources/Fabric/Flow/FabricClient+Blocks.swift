import FabricProtos

extension FabricClient {
    /// Fetches one block from a peer's Deliver service (`newest`, `oldest` or a number),
    /// as `peer channel fetch` does. Needs channel Readers.
    /// `timeout` bounds the whole exchange (default: the endorse deadline): a peer that accepts the
    /// stream but never answers (a frozen process) fails with `DeadlineExceededError`.
    public func fetchBlock(channelID: String, position: SeekPosition, from peer: FabricEndpoint, timeout: Duration? = nil) async throws
        -> Common_Block {
        let seek = try SeekEnvelope.make(channelID: channelID, start: position, stop: position,
                                         failIfNotReady: true, signer: signer, tlsCertHash: peer.tlsCertificateHash ?? tlsCertificateHash)
        let limit = timeout ?? timeouts.endorse
        return try await withThrowingTaskGroup(of: Common_Block.self) { group in
            group.addTask { try await self.firstBlock(channelID: channelID, position: position, from: peer, seek: seek) }
            group.addTask {
                try await Task.sleep(for: limit)  // a deadline, not synchronisation
                throw DeadlineExceededError(operation: "fetching block \(position) of channel '\(channelID)' from \(peer)", after: limit)
            }
            defer { group.cancelAll() }
            guard let block = try await group.next() else { throw CancellationError() }
            return block
        }
    }

    private func firstBlock(channelID: String, position: SeekPosition, from peer: FabricEndpoint, seek: Common_Envelope) async throws
        -> Common_Block {
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
    public func channelConfiguration(channelID: String, from peer: FabricEndpoint, timeout: Duration? = nil) async throws
        -> ChannelConfiguration {
        let newest = try await fetchBlock(channelID: channelID, position: .newest, from: peer, timeout: timeout)
        if try newest.transactions().first?.headerType == Int32(Common_HeaderType.config.rawValue) {
            return try ChannelConfiguration(configBlock: newest)
        }
        let index = try newest.lastConfigIndex()
        let configBlock = index == newest.header.number
            ? newest : try await fetchBlock(channelID: channelID, position: .specified(index), from: peer, timeout: timeout)
        return try ChannelConfiguration(configBlock: configBlock)
    }
}
