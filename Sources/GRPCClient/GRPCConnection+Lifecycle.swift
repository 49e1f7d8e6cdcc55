import EventLoop
import SystemIO

extension GRPCConnection {
    /// TLS (or TCP for h2c) is up: open the queued calls and start keepalive.
    func becomeReady() {
        state = .ready
        wasReady = true
        if let connectTimer { loop.cancelTimer(connectTimer) }
        connectTimer = nil
        lastReceivedNanos = Sys.monotonicNanos()
        scheduleKeepalive()
        let calls = waitingCalls
        waitingCalls = []
        for call in calls { open(call) }
    }

    /// Fails every call and closes (a world condition: refused, TLS, lost, timed out).
    func fail(_ error: GRPCConnectionError) {
        close(error: error)
    }

    /// Closes the socket and ends every call still here (with `error`, or UNAVAILABLE).
    func close(error: GRPCConnectionError?) {
        guard state != .closed else { return }
        state = .closed
        for timer in [connectTimer, keepaliveTimer, pingTimeoutTimer].compactMap({ $0 }) { loop.cancelTimer(timer) }
        connectTimer = nil
        keepaliveTimer = nil
        pingTimeoutTimer = nil
        closeSocket()
        let calls = waitingCalls + activeCalls.values.sorted { $0.streamID ?? 0 < $1.streamID ?? 0 }
        waitingCalls = []
        activeCalls = [:]
        callsWithSendWaiters = [:]
        let callError: any Error = error ?? GRPCStatusError(code: .unavailable, message: "connection to \(target) closed")
        for call in calls {
            call.clearDeadline(on: loop)
            call.finish(callError)
        }
        delegate?.connectionStoppedAcceptingCalls(self)
        delegate?.connectionClosed(self, error: error, wasReady: wasReady)
    }

    /// Stops taking new calls and closes once the running ones end (channel shutdown).
    func shutDownGracefully() {
        switch state {
        case .ready:
            isGoingAway = true
            http2.goAway()
            pump(readable: false)
        case .closed:
            return
        default:
            close(error: nil)
        }
    }

    // MARK: keepalive (fabric-protocol.md §11: never more often than every 60 s, only when idle)

    func scheduleKeepalive() {
        let interval = GRPCConnectionOptions.nanos(options.keepaliveInterval)
        let idleFor = Sys.monotonicNanos() &- lastReceivedNanos
        let wait = idleFor >= interval ? interval : interval - idleFor
        keepaliveTimer = loop.scheduleTimer(afterNanos: wait) { [self] in keepaliveDue() }
    }

    private func keepaliveDue() {
        keepaliveTimer = nil
        guard state == .ready else { return }
        let interval = GRPCConnectionOptions.nanos(options.keepaliveInterval)
        if Sys.monotonicNanos() &- lastReceivedNanos >= interval && pingTimeoutTimer == nil {
            http2.ping()
            pingTimeoutTimer = loop.scheduleTimer(afterNanos: GRPCConnectionOptions.nanos(options.keepaliveTimeout)) { [self] in
                pingTimeoutTimer = nil
                fail(.lost(target.description, "keepalive ping not answered within \(options.keepaliveTimeout)"))
            }
            pump(readable: false)
            // Count the ping as activity so the next one waits a full interval.
            lastReceivedNanos = Sys.monotonicNanos()
        }
        if state == .ready { scheduleKeepalive() }
    }

    func pingAcknowledged() {
        if let pingTimeoutTimer { loop.cancelTimer(pingTimeoutTimer) }
        pingTimeoutTimer = nil
    }
}
