import Fabric
import FabricAccess
import Foundation
import Logging
import Store

/// The block listeners of every configured channel, started and stopped with the services.
public final class ApprovalTracker: Sendable {
    let listeners: [String: BlockListener]
    let queue: DatabaseQueue
    let network: FabricNetwork
    /// Channel configurations for the approval status (the network's), dropped at each config block.
    var configurations: ChannelConfigurationCache { network.channelConfigurations }

    public init(network: FabricNetwork, queue: DatabaseQueue, events: EventHub, logger: Logger) {
        self.queue = queue
        self.network = network
        var listeners: [String: BlockListener] = [:]
        for channel in network.config.channels {
            listeners[channel] = BlockListener(channel: channel, network: network, queue: queue, events: events,
                                               configurations: network.channelConfigurations, logger: logger)
        }
        self.listeners = listeners
    }

    /// Starts following every channel from its checkpoint.
    public func start() {
        for l in listeners.values { l.start() }
        configurations.setActive(true)
    }

    /// Stops every listener; returns once none will write again.
    public func stop() async {
        configurations.setActive(false)
        for l in listeners.values { await l.stop() }
    }

    /// Returns once `channel`'s listener has processed block `number` (immediately if it is not running).
    public func processed(channel: String, through number: UInt64) async {
        await listeners[channel]?.processed(through: number)
    }

    /// The peer `channel`'s listener is streaming blocks from now (nil while it reconnects).
    public func streamingPeer(channel: String) -> String? {
        listeners[channel]?.streamingPeer
    }

    /// The last block processed on `channel`, as stored.
    public func checkpoint(channel: String) async throws -> UInt64? {
        try await queue.read { try TrackingRepository($0).checkpoint(channel: channel) }
    }

    func history(channel: String, name: String) async throws -> [LifecycleRecord] {
        try await queue.read { try TrackingRepository($0).history(channel: channel, name: name) }
    }

    func latestApprovals(channel: String, name: String, sequence: Int64) async throws -> [String: LifecycleRecord] {
        try await queue.read { try TrackingRepository($0).latestApprovals(channel: channel, name: name, sequence: sequence) }
    }
}
