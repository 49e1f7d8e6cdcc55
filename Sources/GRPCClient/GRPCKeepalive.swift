/// When to PING (docs/fabric-notes.md §12.3): only after a full interval in which nothing was
/// received, never two PINGs less than an interval apart, one PING outstanding at a time.
/// Pure: the clock is passed in.
struct GRPCKeepalive: Equatable {
    enum Decision: Equatable {
        case ping
        /// Check again after this many nanoseconds.
        case wait(UInt64)
    }

    let intervalNanos: UInt64
    private(set) var lastActivityNanos: UInt64
    private(set) var pingOutstanding = false
    private(set) var pingsSent = 0

    init(intervalNanos: UInt64, now: UInt64) {
        precondition(intervalNanos > 0, "keepalive interval must be positive")
        self.intervalNanos = intervalNanos
        self.lastActivityNanos = now
    }

    /// Something arrived from the server.
    mutating func received(now: UInt64) { lastActivityNanos = max(lastActivityNanos, now) }

    /// The outstanding PING was acknowledged.
    mutating func acknowledged() { pingOutstanding = false }

    mutating func decide(now: UInt64) -> Decision {
        let idle = now >= lastActivityNanos ? now - lastActivityNanos : 0
        guard idle >= intervalNanos else { return .wait(intervalNanos - idle) }
        guard !pingOutstanding else { return .wait(intervalNanos) }
        pingOutstanding = true
        pingsSent += 1
        // The PING counts as activity, so the next one is at least a full interval later.
        lastActivityNanos = now
        return .ping
    }
}
