import Fabric
import Foundation

/// Channel configurations for the approval status, kept only while block listeners follow the
/// network's channels: fetching one costs three Deliver round trips and parsing every org's MSP
/// (milliseconds with 50 orgs), and it changes only at a config block, which the listener sees.
/// The listener drops a channel's entry when it processes a config block; a fetch that started
/// before such a drop is not stored (generation check), so a stale configuration never sticks.
/// A configuration changed while the listener is behind shows once it catches up, like the
/// tracked approvals (`trackedThroughBlock`).
final class ChannelConfigurationCache: Sendable {
    struct Entry: Sendable {
        var generation: UInt64 = 0
        var configuration: ChannelConfiguration?
    }

    private let entries = Locked<[String: Entry]>([:])

    /// The cached configuration of `channel`, else `fetch()`'s (stored unless a config block was
    /// processed meanwhile).
    func configuration(_ channel: String, fetch: () async throws -> ChannelConfiguration) async throws -> ChannelConfiguration {
        let entry = entries.withLock { $0[channel] ?? Entry() }
        if let cached = entry.configuration { return cached }
        let fresh = try await fetch()
        entries.withLock { e in
            if (e[channel]?.generation ?? 0) == entry.generation { e[channel] = Entry(generation: entry.generation, configuration: fresh) }
        }
        return fresh
    }

    /// Forgets `channel`'s configuration (a config block was processed).
    func invalidate(_ channel: String) {
        entries.withLock { e in e[channel] = Entry(generation: (e[channel]?.generation ?? 0) + 1) }
    }

    // MARK: - per network

    private struct WeakCache: Sendable { weak var cache: ChannelConfigurationCache? }
    private static let registry = Locked<[ObjectIdentifier: WeakCache]>([:])

    /// The cache a running approval tracker keeps current for `network`; nil without one (then
    /// every caller fetches).
    static func registered(for network: FabricNetwork) -> ChannelConfigurationCache? {
        registry.withLock { $0[ObjectIdentifier(network)]?.cache }
    }

    static func register(_ cache: ChannelConfigurationCache, for network: FabricNetwork) {
        registry.withLock { $0[ObjectIdentifier(network)] = WeakCache(cache: cache) }
    }

    static func unregister(_ cache: ChannelConfigurationCache, for network: FabricNetwork) {
        registry.withLock { r in
            if r[ObjectIdentifier(network)]?.cache === cache { r[ObjectIdentifier(network)] = nil }
        }
    }
}
