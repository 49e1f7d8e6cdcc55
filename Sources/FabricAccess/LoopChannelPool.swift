import EventLoop
import GRPCClient

/// gRPC channels per (event loop, node): a request handler runs on its connection's event loop,
/// so a call it makes on a channel driven by that same loop is sent and answered without waking
/// any other thread. Channels open lazily on first use from a loop and close when that loop stops
/// (or with `closeAll`). Callers not on an event loop get nil and use the shared channels.
final class LoopChannelPool: Sendable {
    private struct Key: Hashable {
        let loop: ObjectIdentifier
        let address: String
    }

    private struct State {
        var channels: [Key: GRPCChannel] = [:]
        var watchedLoops: Set<ObjectIdentifier> = []
        var stoppedLoops: Set<ObjectIdentifier> = []
        var closed = false
    }

    private let targets: [String: GRPCTarget]
    /// The shared loop's channels are not pooled here.
    private let sharedLoop: EventLoop
    private let state = Locked(State())

    init(targets: [String: GRPCTarget], sharedLoop: EventLoop) {
        self.targets = targets
        self.sharedLoop = sharedLoop
    }

    /// The channel to `address` driven by the calling thread's event loop, or nil.
    func channel(to address: String) -> GRPCChannel? {
        guard let loop = EventLoop.current, loop !== sharedLoop, let target = targets[address] else { return nil }
        let id = ObjectIdentifier(loop)
        let key = Key(loop: id, address: address)
        let (channel, watch) = state.withLock { s -> (GRPCChannel?, Bool) in
            if s.closed || s.stoppedLoops.contains(id) { return (nil, false) }
            if let c = s.channels[key] { return (c, false) }
            let c = GRPCChannel(target: target, loop: loop)
            s.channels[key] = c
            return (c, s.watchedLoops.insert(id).inserted)
        }
        if watch { loop.onStop { [self] in closeChannels(of: id) } }
        return channel
    }

    /// On the stopping loop's thread: closes its channels.
    private func closeChannels(of loop: ObjectIdentifier) {
        let channels = state.withLock { s -> [GRPCChannel] in
            s.stoppedLoops.insert(loop)
            let mine = s.channels.filter { $0.key.loop == loop }
            for k in mine.keys { s.channels[k] = nil }
            return Array(mine.values)
        }
        for c in channels { c.closeOnLoop() }
    }

    /// Closes every pooled channel (their loops may be running or stopped).
    func closeAll() async {
        let channels = state.withLock { s -> [GRPCChannel] in
            s.closed = true
            defer { s.channels = [:] }
            return Array(s.channels.values)
        }
        for c in channels { await c.close() }
    }
}
