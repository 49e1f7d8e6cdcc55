import EventLoop
import SystemIO
import TLSCrypto
import Foundation

/// The loop-confined half of a `GRPCChannel`: which connection takes new calls, reconnect
/// backoff, deadlines and cancellation. `@unchecked Sendable`: touched on the loop thread only.
final class GRPCChannelCore: GRPCConnectionDelegate, @unchecked Sendable {
    let target: GRPCTarget
    let loop: EventLoop
    let options: GRPCConnectionOptions
    private var tlsContext: TLSClientContext?
    /// The connection new calls go to (nil = open one on the next call).
    private var current: GRPCConnection?
    /// Every connection not yet closed, including ones draining after GOAWAY.
    private var connections: [ObjectIdentifier: GRPCConnection] = [:]
    private var isClosed = false
    private var failedAttempts = 0
    private var lastFailureNanos: UInt64 = 0
    /// After a failed connect: when the next attempt may start, and why the last one failed.
    /// A call whose deadline comes before that attempt fails at once with the last error rather
    /// than hanging until its deadline; a call with more time waits for the attempt.
    private var retryAtNanos: UInt64 = 0
    private var lastFailure: GRPCConnectionError?
    /// Connections opened so far (tests read it to see reconnects).
    private(set) var connectionsOpened = 0

    init(target: GRPCTarget, loop: EventLoop, options: GRPCConnectionOptions) {
        self.target = target
        self.loop = loop
        self.options = options
    }

    /// Starts a call: arms its deadline and places it on a connection.
    func start(_ call: GRPCCall) {
        if let timeout = call.timeout {
            let nanos = GRPCConnectionOptions.nanos(timeout)
            call.deadlineNanos = Sys.monotonicNanos() + nanos
            call.deadlineTimer = loop.scheduleTimer(afterNanos: nanos) { [self] in
                call.deadlineTimer = nil
                cancel(call, GRPCStatusError(code: .deadlineExceeded, message: "deadline of \(timeout) exceeded"))
            }
        }
        place(call)
    }

    private func place(_ call: GRPCCall) {
        guard !call.isFinished else { return }
        guard !isClosed else {
            call.clearDeadline(on: loop)
            call.finish(GRPCConnectionError.closed(target.description))
            return
        }
        do {
            try connectionForNewCall(deadline: call.deadlineNanos).enqueue(call)
        } catch {
            call.clearDeadline(on: loop)
            call.finish(error)
        }
    }

    private func connectionForNewCall(deadline: UInt64?) throws -> GRPCConnection {
        if let current, current.acceptsCalls { return current }
        let now = Sys.monotonicNanos()
        if failedAttempts > 0, now < retryAtNanos, let last = lastFailure, let deadline, deadline <= retryAtNanos {
            let wait = (retryAtNanos - now) / 1_000_000
            throw GRPCConnectionError(target: target.description, message: "\(last.message) (next attempt in \(wait) ms)")
        }
        let connection: GRPCConnection
        do {
            connection = try GRPCConnection(target: target, loop: loop, options: options, tlsContext: try tls())
        } catch let error as HTTP2Error {
            throw GRPCConnectionError.connectFailed(target.description, error.message)
        }
        connection.delegate = self
        connectionsOpened += 1
        current = connection
        connections[ObjectIdentifier(connection)] = connection
        connection.start(afterNanos: retryAtNanos > now ? retryAtNanos - now : 0)
        return connection
    }

    private func tls() throws -> TLSClientContext? {
        guard let configuration = target.tls else { return nil }
        if let tlsContext { return tlsContext }
        do {
            tlsContext = try TLSClientContext(configuration: configuration)
        } catch {
            throw GRPCConnectionError(target: target.description,
                                      message: "invalid TLS configuration for \(target): \(error.message)")
        }
        return tlsContext
    }

    /// Exponential backoff with ±20 % jitter after `failedAttempts` failed attempts; none after
    /// a connection that worked was lost (the next call reconnects at once).
    private func backoffDelayNanos() -> UInt64 {
        guard failedAttempts > 0 else { return 0 }
        let initial = Double(GRPCConnectionOptions.nanos(options.backoffInitial))
        let cap = Double(GRPCConnectionOptions.nanos(options.backoffMax))
        let exponent = Double(failedAttempts - 1)
        return UInt64(min(cap, initial * pow(options.backoffMultiplier, exponent)) * Double.random(in: 0.8...1.2))
    }

    /// Cancels a call locally (deadline, Task cancellation, `GRPCBidiCall.cancel`).
    func cancel(_ call: GRPCCall, _ error: GRPCStatusError) {
        guard !call.isFinished else { return }
        if let connection = call.connection {
            connection.cancel(call, error)
        } else {
            call.clearDeadline(on: loop)
            call.finish(error)
        }
    }

    /// Fails every call and closes every connection (sending GOAWAY first when possible).
    func close() {
        isClosed = true
        current = nil
        for connection in connections.values {
            if connection.state == .ready { connection.http2.goAway(); connection.pump(readable: false) }
            connection.close(error: .closed(target.description))
        }
    }

    // MARK: GRPCConnectionDelegate

    func connectionStoppedAcceptingCalls(_ connection: GRPCConnection) {
        if current === connection { current = nil }
    }

    func reroute(_ call: GRPCCall) {
        call.connection = nil
        place(call)
    }

    func connectionClosed(_ connection: GRPCConnection, error: GRPCConnectionError?, wasReady: Bool) {
        connections[ObjectIdentifier(connection)] = nil
        if current === connection { current = nil }
        if wasReady {
            failedAttempts = 0
            lastFailure = nil
        } else if let error, !isClosed {
            failedAttempts += 1
            lastFailureNanos = Sys.monotonicNanos()
            lastFailure = error
            retryAtNanos = lastFailureNanos &+ backoffDelayNanos()
        }
    }
}

extension GRPCChannelCore {
    /// Open connections (tests; loop thread only).
    var connectionCount: Int { connections.count }
    /// Calls waiting or running on any connection (tests; loop thread only).
    var activeCallCount: Int { connections.values.reduce(0) { $0 + $1.waitingCalls.count + $1.activeCalls.count } }
}

extension GRPCChannelCore {
    /// Keepalive PINGs sent and still unanswered, over open connections (tests; loop thread only).
    var keepaliveCounts: (sent: Int, outstanding: Int) {
        connections.values.reduce((0, 0)) { total, connection in
            guard let keepalive = connection.keepalive else { return total }
            return (total.0 + keepalive.pingsSent, total.1 + (keepalive.pingOutstanding ? 1 : 0))
        }
    }
}
