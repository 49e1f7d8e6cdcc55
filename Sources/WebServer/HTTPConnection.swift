import EventLoop
import HTTP1
import Logging
import SystemIO

/// One client connection: owns the socket, the input buffer, the output queue and the event-loop
/// interest. What happens (bytes read, parser events, handler completions, drained output, the
/// loop's timeout sweep) is fed to an `HTTPConnectionStateMachine`, and the actions it returns are
/// performed here. Lives on one loop thread; other threads reach it only through `loop.execute`.
/// Requests are answered strictly in order (pipelined requests wait, unread, in the buffer — and
/// in the kernel — until the previous response is written).
final class HTTPConnection: IOHandler {
    /// What is known about the request being served; its progress is the state machine's. A
    /// class: it is updated in place many times per request.
    final class InFlight {
        let head: HTTPRequestHead
        let requestID: String
        let startNanos: UInt64
        var routePattern: String?
        var route: Route?
        var params: [String: String] = [:]
        var buffered: [UInt8] = []
        var stream: RequestBodyStream?
        /// What the route's admission check returned (`Request.admitted`).
        var admitted: (any Sendable)?
        var status = 0
        var sentBytes = 0
        var isHead: Bool { head.method == "HEAD" }

        init(head: HTTPRequestHead, requestID: String, startNanos: UInt64) {
            self.head = head
            self.requestID = requestID
            self.startNanos = startNanos
        }
    }

    let socket: Socket
    let owner: ServerLoop
    /// The client's address as text, formatted once per connection.
    lazy var clientHost: String = socket.peerAddress?.host ?? ""
    var registration: IORegistration?
    var machine: HTTPConnectionStateMachine
    private var parser: HTTPRequestParser
    var readBuffer: [UInt8] = []
    var output = OutputQueue()
    var inFlight: InFlight?
    /// Set while `processInput` runs, so completions inside it do not re-enter it.
    private var processing = false
    private var interest: IOInterest = .read
    /// Set when bytes arrived while read interest was kept only lazily (`InputDemand.park`).
    private var readDeferred = false
    /// Continuations of streaming-response writers waiting for the output to drain.
    var drainWaiters: [@Sendable (Bool) -> Void] = []

    /// Above this many pending output bytes, streaming writers wait.
    static let outputHighWater = 64 << 10

    init(socket: Socket, owner: ServerLoop) {
        self.socket = socket
        self.owner = owner
        self.parser = HTTPRequestParser(limits: owner.config.parserLimits)
        let c = owner.config
        let timeouts = HTTPConnectionStateMachine.Timeouts(header: c.headerTimeoutNanos, body: c.bodyTimeoutNanos,
                                                           idle: c.idleTimeoutNanos, linger: c.lingerTimeoutNanos,
                                                           minBodyRate: .init(bytes: c.minBodyBytes, window: c.minBodyRateWindowNanos))
        self.machine = HTTPConnectionStateMachine(timeouts: timeouts, now: Sys.monotonicNanos())
    }

    var isIdle: Bool { machine.isIdle && readBuffer.isEmpty }
    var closed: Bool { machine.isClosed }

    // MARK: Readiness

    func ioReady(readable: Bool, writable: Bool, hangup: Bool) {
        if writable { flush() }
        if closed { return }
        if readable && machine.inputDemand == .read {
            readAvailable()
        } else if hangup {
            // The client closed (or reset) while we were not reading.
            perform(machine.inputEnded(eof: false))
        } else if readable {
            // Bytes arrived while a request awaits its response (a pipelined request): stop
            // polling for them until the response is done.
            readDeferred = true
            updateInterest()
        }
    }

    /// While a fully received request awaits its response the connection reads nothing more, but
    /// its read interest stays registered until bytes actually arrive: a request/response
    /// exchange then costs no epoll_ctl at all (clients rarely pipeline).
    func updateInterest() {
        guard !closed else { return }
        var i: IOInterest = []
        switch machine.inputDemand {
        case .read:
            i.insert(.read)
            readDeferred = false
        case .park:
            if !readDeferred { i.insert(.read) }
        case .none:
            break
        }
        if !output.isEmpty { i.insert(.write) }
        guard let reg = registration else {
            if !i.isEmpty { register(i) }
            return
        }
        if i.isEmpty && machine.inputEnded {
            // epoll reports the peer's shutdown on every wait (the loop always asks for
            // EPOLLRDHUP): leave epoll while the response is being produced.
            owner.loop.deregister(reg)
            registration = nil
        } else if i != interest {
            interest = i
            owner.loop.setInterest(reg, i)
        }
    }

    private func register(_ i: IOInterest) {
        do {
            registration = try owner.loop.register(fd: socket.fd, interest: i, handler: self)
            interest = i
        } catch {
            close()
        }
    }

    private func readAvailable() {
        var budget = owner.config.maxReadBytesPerWakeup
        var sawEOF = false
        while budget > 0 && !closed {
            let r: IOResult<Int>
            do {
                r = try owner.scratch.withUnsafeMutableBytes { try socket.read(into: $0) }
            } catch {
                close()
                return
            }
            guard case .processed(let n) = r else { break }
            if n == 0 { sawEOF = true; break }
            budget -= n
            if machine.isLingering {
                if machine.discardedWhileLingering(n) { close(); return }
                continue // draining and discarding
            }
            machine.bytesRead(now: Sys.monotonicNanos(), bufferWasEmpty: readBuffer.isEmpty)
            readBuffer.append(contentsOf: owner.scratch[0..<n])
            if n < owner.scratch.count { break }
        }
        // Bytes read before the end are a request too (a client may send it and shut down).
        if !machine.isLingering && !closed { processInput() }
        if sawEOF && !closed { perform(machine.inputEnded(eof: true)) }
    }

    // MARK: Parsing

    /// Parses buffered bytes while the connection may accept them.
    func processInput() {
        if processing { return }
        processing = true
        var offset = 0
        defer {
            processing = false
            if offset > 0 { readBuffer.removeFirst(min(offset, readBuffer.count)) }
            updateInterest()
        }
        while machine.acceptsInput {
            let step: (HTTPParserEvent, Int)
            do {
                step = try readBuffer.withUnsafeBytes { raw in
                    try parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                }
            } catch let e as HTTPParseError {
                offset = readBuffer.count
                perform(machine.parseFailed(e, now: Sys.monotonicNanos()))
                return
            } catch {
                preconditionFailure("parser threw a non-HTTPParseError: \(error)")
            }
            let (event, consumed) = step
            let base = offset
            offset += consumed
            switch event {
            case .needMoreData:
                return
            case .head(let head):
                beginRequest(head)
            case .body(let range):
                receiveBody(start: base + range.lowerBound, end: base + range.upperBound)
            case .end:
                perform(machine.receivedEnd())
            }
        }
    }

    private func beginRequest(_ head: HTTPRequestHead) {
        let now = Sys.monotonicNanos()
        let x = InFlight(head: head, requestID: owner.requestID(inbound: head.headers["X-Request-ID"]), startNanos: now)
        inFlight = x
        perform(machine.receivedHead(head, plan: plan(for: x), now: now))
    }

    /// Routes the request; records the route on `inFlight`.
    private func plan(for x: InFlight) -> HTTPConnectionStateMachine.RequestPlan {
        let head = x.head
        switch owner.app.router.match(method: head.method, path: String(head.path)) {
        case .badPath:
            return .refuse(HTTPError.badRequest("malformed percent-encoding or encoded '/' in the path"))
        case .methodNotAllowed(let allowed):
            var e = HTTPError(status: 405, code: "method_not_allowed", message: "method \(head.method) not allowed on \(head.path)")
            e.headers.set("Allow", allowed.joined(separator: ", "))
            return .refuse(e)
        case .notFound:
            guard head.method == "GET" || head.method == "HEAD", owner.app.staticFiles != nil else {
                return .refuse(.notFound("no route for \(head.method) \(head.path)"))
            }
            return .serveStatic
        case .found(let route, let params):
            x.routePattern = route.pattern
            x.route = route
            x.params = params
            let streams = if case .stream = route.bodyMode { true } else { false }
            return .route(limit: route.bodyMode.limit, streamsBody: streams, defersLimit: route.deferBodyLimit,
                          admits: route.admission != nil)
        }
    }

    private func receiveBody(start: Int, end: Int) {
        switch machine.receivedBody(count: end - start, now: Sys.monotonicNanos()) {
        case .buffer:
            inFlight?.buffered.append(contentsOf: readBuffer[start..<end])
        case .push:
            if let stream = inFlight?.stream, stream.push(Array(readBuffer[start..<end])) { machine.bodyPaused() }
        case .discard:
            break
        case .act(let action):
            perform(action)
        }
    }

    /// Resumes a body paused for back-pressure (called via loop.execute from the consumer).
    func resumeReading() {
        if machine.resumeReading(now: Sys.monotonicNanos()) { processInput() }
    }

    /// Called by the loop's sweep: enforces the header, body, idle and linger timeouts.
    func checkTimeouts(now: UInt64) {
        perform(machine.checkTimeouts(now: now, inputBuffered: !readBuffer.isEmpty, draining: owner.draining))
    }
}
