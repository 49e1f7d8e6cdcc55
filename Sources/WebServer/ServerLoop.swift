import EventLoop
import Glibc
import HTTP1
import Logging
import Synchronization
import SystemIO

/// Shared across loops: the connection count behind the connection cap.
final class ConnectionCounter: Sendable {
    private let count = Atomic<Int>(0)
    func tryAcquire(max: Int) -> Bool {
        while true {
            let c = count.load(ordering: .relaxed)
            if c >= max { return false }
            if count.compareExchange(expected: c, desired: c + 1, ordering: .relaxed).exchanged { return true }
        }
    }
    func release() { count.subtract(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// One loop's share of the server: its listener, its connections, its timeout sweep.
/// Loop-confined.
final class ServerLoop: IOHandler {
    let loop: EventLoop
    let config: HTTPServerConfiguration
    let app: HTTPApplication
    private let listener: ListeningSocket
    private var listenerRegistration: IORegistration?
    private let counter: ConnectionCounter
    private var connections: [ObjectIdentifier: HTTPConnection] = [:]
    /// Reused read buffer: reads land here, then only the bytes read are copied.
    var scratch = [UInt8](repeating: 0, count: 64 << 10)
    private(set) var draining = false
    private var drainDone: (@Sendable () -> Void)?
    private(set) var dateHeader = ""
    private var dateSecond = 0
    private let requestIDPrefix: String
    /// `config.securityHeaders`, encoded once: every response head ends with these bytes.
    let fixedHeaderBytes: [UInt8]
    /// Nil when the access log is off.
    let accessLog: AccessLog?
    private var requestCounter: UInt64 = 0

    static let serviceUnavailable: [UInt8] = Array((
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 85\r\n\r\n" +
        "{\"error\":{\"code\":\"too_many_connections\",\"message\":\"connection limit reached; retry\"}}"
    ).utf8)

    init(loop: EventLoop, listener: ListeningSocket, config: HTTPServerConfiguration, app: HTTPApplication,
         counter: ConnectionCounter, index: Int) {
        self.loop = loop
        self.listener = listener
        self.config = config
        self.app = app
        self.counter = counter
        requestIDPrefix = String(UInt32.random(in: .min ... .max), radix: 16) + "-\(index)-"
        fixedHeaderBytes = HTTPResponseEncoder.encodeFields(config.securityHeaders)
        accessLog = config.accessLog ? AccessLog(sink: config.accessLogSink, loop: loop) : nil
        refreshDate()
    }

    /// Loop thread: starts accepting and the sweep.
    func start() throws {
        listenerRegistration = try loop.register(fd: listener.fd, interest: .read, handler: self)
        scheduleSweep()
    }

    private func scheduleSweep() {
        // A quarter of the shortest timeout (at most 1 s) keeps enforcement within 25 %.
        let shortest = min(config.headerTimeoutNanos, config.idleTimeoutNanos, config.bodyTimeoutNanos, config.lingerTimeoutNanos)
        let interval = max(min(shortest / 4, 1_000_000_000), 5_000_000)
        loop.scheduleTimer(afterNanos: interval) { [weak self] in
            guard let self else { return }
            self.refreshDate()
            let now = Sys.monotonicNanos()
            for c in Array(self.connections.values) { c.checkTimeouts(now: now) }
            self.scheduleSweep()
        }
    }

    // MARK: Accepting

    func ioReady(readable: Bool, writable: Bool, hangup: Bool) {
        guard !draining else { return }
        for _ in 0..<config.maxAcceptsPerWakeup {
            let result: IOResult<Socket>
            do { result = try listener.accept() } catch {
                app.logger.warning("accept failed", metadata: ["error": "\(error)"])
                return
            }
            guard case .processed(let socket) = result else { return }
            guard counter.tryAcquire(max: config.maxConnections) else {
                // Best effort: the connection is refused and closed whether the 503 got out or not.
                _ = Self.serviceUnavailable.withUnsafeBytes { try? socket.write(from: $0) }
                socket.close()
                continue
            }
            // Best effort: without TCP_NODELAY responses only wait for Nagle; the connection works.
            try? socket.setNoDelay()
            let conn = HTTPConnection(socket: socket, owner: self)
            do {
                conn.registration = try loop.register(fd: socket.fd, interest: .read, handler: conn)
                connections[ObjectIdentifier(conn)] = conn
            } catch {
                counter.release()
                socket.close()
            }
        }
    }

    func connectionClosed(_ conn: HTTPConnection) {
        if connections.removeValue(forKey: ObjectIdentifier(conn)) != nil { counter.release() }
        if draining && connections.isEmpty { finishDrain() }
    }

    // MARK: Request IDs and dates

    /// Echoes a well-formed inbound ID (so a proxy's ID ties the logs together), else mints one.
    func requestID(inbound: String?) -> String {
        if let id = inbound, (1...128).contains(id.utf8.count),
           id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7a) || $0 == 0x2d || $0 == 0x5f || $0 == 0x2e }) {
            return id
        }
        requestCounter &+= 1
        return requestIDPrefix + String(requestCounter, radix: 16)
    }

    private func refreshDate() {
        var now = time(nil)
        guard Int(now) != dateSecond else { return }
        dateSecond = Int(now)
        var tmv = tm()
        gmtime_r(&now, &tmv)
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, 64, "%a, %d %b %Y %H:%M:%S GMT", &tmv)
        dateHeader = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if let accessLog {
            let m = strftime(&buf, 64, "%Y-%m-%dT%H:%M:%SZ", &tmv)
            accessLog.timestamp = buf[0..<m].map { UInt8(bitPattern: $0) }
        }
    }

    // MARK: Shutdown

    /// Stops accepting, closes idle connections, lets in-flight requests finish; `done` runs
    /// when no connection is left (or the grace period ended and the rest were closed).
    func beginDrain(done: @escaping @Sendable () -> Void) {
        draining = true
        drainDone = done
        if let r = listenerRegistration { loop.deregister(r); listenerRegistration = nil }
        listener.close()
        for c in Array(connections.values) where c.isIdle { c.close() }
        if connections.isEmpty { finishDrain(); return }
        loop.scheduleTimer(afterNanos: config.shutdownGraceNanos) { [weak self] in
            guard let self else { return }
            for c in Array(self.connections.values) { c.close() }
        }
    }

    private func finishDrain() {
        accessLog?.flush() // every line of a graceful stop is written
        let d = drainDone
        drainDone = nil
        d?()
    }
}
