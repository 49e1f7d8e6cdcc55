import EventLoop
import SystemIO

extension GRPCConnection {
    /// TLS (or TCP for h2c) is up: open the queued calls and start keepalive.
    func becomeReady() {
        state = .ready
        wasReady = true
        if let connectTimer { loop.cancelTimer(connectTimer) }
        connectTimer = nil
        keepalive = GRPCKeepalive(intervalNanos: GRPCConnectionOptions.nanos(options.keepaliveInterval),
                                  now: Sys.monotonicNanos())
        keepaliveDue()
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

    // MARK: keepalive (docs/fabric-notes.md §12.3: never more often than every 60 s, only when idle)

    private func keepaliveDue() {
        keepaliveTimer = nil
        guard state == .ready, var policy = keepalive else { return }
        let decision = policy.decide(now: Sys.monotonicNanos())
        keepalive = policy
        switch decision {
        case .wait(let nanos):
            keepaliveTimer = loop.scheduleTimer(afterNanos: nanos) { [self] in keepaliveDue() }
        case .ping:
            http2.ping()
            pingTimeoutTimer = loop.scheduleTimer(afterNanos: GRPCConnectionOptions.nanos(options.keepaliveTimeout)) { [self] in
                pingTimeoutTimer = nil
                fail(.lost(target.description, "keepalive ping not answered within \(options.keepaliveTimeout)"))
            }
            pump(readable: false)
            keepaliveDue()
        }
    }

    func pingAcknowledged() {
        keepalive?.acknowledged()
        if let pingTimeoutTimer { loop.cancelTimer(pingTimeoutTimer) }
        pingTimeoutTimer = nil
    }
}
