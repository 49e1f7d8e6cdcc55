import EventLoop
import GRPCClient

/// gRPC channels to nodes the gateway learned from discovery (peers of other organizations,
/// orderers), opened on the shared `fabric-grpc` loop with TLS roots from the channel's MSP
/// configuration. Statically configured nodes never come here: they keep their own TLS settings.
final class DiscoveredNodes: Sendable {
    private let loop: EventLoop
    private let channels = Locked<[String: GRPCChannel]>([:])

    init(loop: EventLoop) { self.loop = loop }

    /// The channel to `address`, created with `target` on first use.
    func register(address: String, target: @autoclosure () -> GRPCTarget) {
        channels.withLock { map in
            if map[address] == nil { map[address] = GRPCChannel(target: target(), loop: loop) }
        }
    }

    func channel(to address: String) -> GRPCChannel? { channels.withLock { $0[address] } }

    func closeAll() async {
        let all = channels.withLock { map -> [GRPCChannel] in
            defer { map = [:] }
            return Array(map.values)
        }
        for c in all { await c.close() }
    }
}
