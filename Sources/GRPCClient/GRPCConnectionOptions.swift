/// Tunables of a channel's connections. The message-size and keepalive defaults are Fabric's
/// (docs/fabric-notes.md §12.3).
struct GRPCConnectionOptions: Sendable {
    /// Largest message sent or received (Fabric: 100 MiB); larger = RESOURCE_EXHAUSTED.
    var maxMessageBytes = 100 * 1024 * 1024
    /// TCP connect + TLS handshake must finish within this, or the attempt fails.
    var connectTimeout: Duration = .seconds(20)
    /// PING an idle connection after this long without receiving anything. Fabric servers
    /// send GOAWAY(too_many_pings) to clients pinging more often than every 60 s.
    var keepaliveInterval: Duration = .seconds(60)
    /// A PING not acknowledged within this marks the connection dead (Fabric clients: 20 s).
    var keepaliveTimeout: Duration = .seconds(20)
    /// Delay before reconnecting after a failed attempt: initial, growth factor, cap.
    var backoffInitial: Duration = .seconds(1)
    var backoffMultiplier = 1.6
    var backoffMax: Duration = .seconds(30)
    /// Request bytes queued per stream before `GRPCBidiCall.send` waits for them to drain.
    var sendHighWaterBytes = 4 * 1024 * 1024

    static func nanos(_ d: Duration) -> UInt64 {
        let (s, a) = d.components
        return UInt64(max(0, s)) * 1_000_000_000 + UInt64(max(0, a) / 1_000_000_000)
    }
}
