import EventLoop
import Fabric
import Foundation

/// Channel configurations for the approval status, kept only while block listeners follow the
/// network's channels: fetching one costs three Deliver round trips and parsing every org's MSP
/// (milliseconds with 50 orgs), and it changes only at a config block, which the listener sees.
/// The listener drops a channel's entry when it processes a config block; a fetch that started
/// before such a drop is not stored (generation check), so a stale configuration never sticks.
/// A configuration changed while the listener is behind shows once it catches up, like the
/// tracked approvals (`trackedThroughBlock`).
public final class ChannelConfigurationCache: Sendable {
    struct Entry: Sendable {
        var generation: UInt64 = 0
        var configuration: ChannelConfiguration?
    }

    private let entries = Locked<(active: Bool, channels: [String: Entry])>((false, [:]))

    /// The cached configuration of `channel`, else `fetch()`'s (stored unless a config block was
    /// processed meanwhile). While no listener keeps the cache current, always `fetch()`.
    public func configuration(_ channel: String, fetch: () async throws -> ChannelConfiguration) async throws -> ChannelConfiguration {
        let (active, entry) = entries.withLock { ($0.active, $0.channels[channel] ?? Entry()) }
        guard active else { return try await fetch() }
        if let cached = entry.configuration { return cached }
        let fresh = try await fetch()
        entries.withLock { e in
            if e.active, (e.channels[channel]?.generation ?? 0) == entry.generation {
                e.channels[channel] = Entry(generation: entry.generation, configuration: fresh)
            }
        }
        return fresh
    }

    /// The listeners started (true) or stopped (false: everything cached is forgotten).
    public func setActive(_ active: Bool) {
        entries.withLock { e in
            e.active = active
            if !active { e.channels = [:] }
        }
    }

    /// Forgets `channel`'s configuration (a config block was processed).
    public func invalidate(_ channel: String) {
        entries.withLock { e in e.channels[channel] = Entry(generation: (e.channels[channel]?.generation ?? 0) + 1) }
    }
}
