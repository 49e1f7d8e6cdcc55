import Dispatch
import Glibc
import EventLoop
import SystemIO
import TLSCrypto

/// Callbacks from a connection to the channel that owns it (on the loop thread).
protocol GRPCConnectionDelegate: AnyObject {
    /// The connection will accept no new calls (GOAWAY, failure or close).
    func connectionStoppedAcceptingCalls(_ connection: GRPCConnection)
    /// A call queued here but never opened (the server sent GOAWAY first): place it again.
    func reroute(_ call: GRPCCall)
    /// The connection is closed; `error` is nil for an orderly close. `wasReady` tells
    /// whether it ever completed its handshake (a failed attempt grows the backoff).
    func connectionClosed(_ connection: GRPCConnection, error: GRPCConnectionError?, wasReady: Bool)
}

/// One HTTP/2 connection (TCP, optional TLS) multiplexing calls, driven by an EventLoop.
/// Loop-confined; `@unchecked Sendable` only to cross into `execute` closures.
final class GRPCConnection: @unchecked Sendable {
    enum State { case idle, resolving, connecting, handshaking, ready, closed }

    let target: GRPCTarget
    let loop: EventLoop
    let options: GRPCConnectionOptions
    let tlsContext: TLSClientContext?
    weak var delegate: (any GRPCConnectionDelegate)?

    var state: State = .idle
    var socket: Socket?
    var registration: IORegistration?
    var tls: TLSClientSession?
    let http2: HTTP2Session
    /// Bytes (ciphertext with TLS) waiting for the socket; written from `outboundOffset`.
    var outbound: [UInt8] = []
    var outboundOffset = 0
    /// `flush` stopped at its per-wakeup cap with HTTP/2 output still to produce.
    var outputCapped = false
    /// A `pump` is queued on the loop for output produced by `enqueue`/`send` (see `scheduleFlush`).
    var flushScheduled = false
    var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    /// Calls waiting for the connection to become ready.
    var waitingCalls: [GRPCCall] = []
    var activeCalls: [Int32: GRPCCall] = [:]
    /// Calls with senders waiting for their request bytes to drain.
    var callsWithSendWaiters: [Int32: GRPCCall] = [:]
    var isGoingAway = false
    var wasReady = false
    var connectTimer: TimerID?
    var keepaliveTimer: TimerID?
    var pingTimeoutTimer: TimerID?
    var keepalive: GRPCKeepalive?
    var addresses: [SocketAddress] = []

    init(target: GRPCTarget, loop: EventLoop, options: GRPCConnectionOptions,
         tlsContext: TLSClientContext?) throws(HTTP2Error) {
        self.target = target
        self.loop = loop
        self.options = options
        self.tlsContext = tlsContext
        self.http2 = try HTTP2Session()
    }

    /// True while new calls may be queued on this connection.
    var acceptsCalls: Bool { state != .closed && !isGoingAway }

    var hasCalls: Bool { !waitingCalls.isEmpty || !activeCalls.isEmpty }

    /// Resolves the host off the loop (getaddrinfo blocks), then connects. `delayNanos`
    /// postpones the attempt (reconnect backoff).
    func start(afterNanos delayNanos: UInt64) {
        precondition(state == .idle, "connection started twice")
        state = .resolving
        connectTimer = loop.scheduleTimer(afterNanos: delayNanos + GRPCConnectionOptions.nanos(options.connectTimeout)) { [self] in
            connectTimer = nil
            fail(.connectFailed(target.description, "timed out after \(options.connectTimeout)"))
        }
        if delayNanos == 0 { resolve() } else { loop.scheduleTimer(afterNanos: delayNanos) { [self] in resolve() } }
    }

    private func resolve() {
        guard state == .resolving else { return }
        let host = target.host, port = target.port
        DispatchQueue.global().async { [self] in
            let result = Result { try SocketAddress.resolve(host: host, port: port) }
            loop.execute { [self] in resolved(result) }
        }
    }

    private func resolved(_ result: Result<[SocketAddress], any Error>) {
        guard state == .resolving else { return }
        switch result {
        case .success(let found) where !found.isEmpty:
            addresses = found
            connectNextAddress(lastError: nil)
        case .success:
            fail(.connectFailed(target.description, "no addresses for host '\(target.host)'"))
        case .failure(let error):
            // SystemIO puts getaddrinfo's own text (gai_strerror) in `call`; errno adds nothing.
            let reason = (error as? SystemError)?.call ?? "\(error)"
            fail(.connectFailed(target.description, "cannot resolve host '\(target.host)': \(reason)"))
        }
    }

    /// Tries the resolved addresses in order until one accepts the TCP connection.
    func connectNextAddress(lastError: (any Error)?) {
        guard !addresses.isEmpty else {
            fail(.connectFailed(target.description, lastError.map(Self.describe) ?? "no address left"))
            return
        }
        let address = addresses.removeFirst()
        do {
            let (socket, connected) = try Socket.connectTCP(to: address)
            self.socket = socket
            state = .connecting
            registration = try loop.register(fd: socket.fd, interest: .write, handler: self)
            if connected { try tcpConnected() }
        } catch {
            closeSocket()
            connectNextAddress(lastError: error)
        }
    }

    /// TCP is up: set TCP_NODELAY, then start TLS or (h2c) become ready.
    func tcpConnected() throws {
        try socket?.setNoDelay()
        if let tlsContext {
            let name = target.tls?.serverNameOverride ?? target.host
            tls = try TLSClientSession(context: tlsContext, serverName: name)
            state = .handshaking
            _ = try tls!.handshake()  // queues the ClientHello
        } else {
            becomeReady()
        }
        pump(readable: false)
    }

    /// A system error as its errno text ("Connection refused"); the target is named already.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? SystemError else { return "\(error)" }
        return String(cString: strerror(error.code))
    }

    func closeSocket() {
        if let registration { loop.deregister(registration) }
        registration = nil
        socket?.close()
        socket = nil
    }
}
