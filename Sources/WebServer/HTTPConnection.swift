import EventLoop
import HTTP1
import Logging
import SystemIO

/// One client connection: a state machine driven by socket readiness, handler completions and
/// the loop's timeout sweep. Lives on one loop thread; other threads reach it only through
/// `loop.execute`. Requests are answered strictly in order (pipelined requests wait, unread,
/// in the buffer — and in the kernel — until the previous response is written).
final class HTTPConnection: IOHandler {
    /// The request being served, from its head until its response is written. A class: it is
    /// updated in place many times per request, and copying a struct of this size costs.
    final class InFlight {
        var head: HTTPRequestHead
        var requestID: String
        var startNanos: UInt64
        var routePattern: String?
        var route: Route?
        var params: [String: String] = [:]
        var bodyMode: BodyMode = .defaultBuffered
        var bodyDone = false
        var bodyBytes = 0
        var buffered: [UInt8] = []
        var stream: RequestBodyStream?
        /// The handler has been started (no more routing decisions).
        var dispatched = false
        var responseStarted = false
        var responseComplete = false
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
    private lazy var clientHost: String = socket.peerAddress?.host ?? ""
    var registration: IORegistration?
    private var parser: HTTPRequestParser
    private var readBuffer: [UInt8] = []
    private var output = OutputQueue()
    private var inFlight: InFlight?
    private var closeAfterResponse = false
    private var readPaused = false
    private(set) var closed = false
    private var lingering = false
    /// Bytes a lingering close still discards before giving up on the client.
    private var lingerBytesLeft = 0
    /// Set while `processInput` runs, so completions inside it do not re-enter it.
    private var processing = false
    private var interest: IOInterest = .read
    /// Continuations of streaming-response writers waiting for the output to drain.
    private var drainWaiters: [@Sendable (Bool) -> Void] = []
    /// When the current phase started (idle, partial head, body progress, linger).
    private var phaseStart: UInt64

    /// Above this many pending output bytes, streaming writers wait.
    static let outputHighWater = 64 << 10

    init(socket: Socket, owner: ServerLoop) {
        self.socket = socket
        self.owner = owner
        self.parser = HTTPRequestParser(limits: owner.config.parserLimits)
        self.phaseStart = Sys.monotonicNanos()
    }

    var isIdle: Bool { inFlight == nil && readBuffer.isEmpty }

    // MARK: Readiness

    func ioReady(readable: Bool, writable: Bool, hangup: Bool) {
        if writable { flush() }
        if closed { return }
        if readable && wantsRead {
            readAvailable()
        } else if hangup {
            // The client closed (or reset) while we were not reading: nobody to answer.
            close()
        } else if readable {
            // Bytes arrived while a request awaits its response (a pipelined request): stop
            // polling for them until the response is done.
            readDeferred = true
            updateInterest()
        }
    }

    /// Set when bytes arrived while read interest was kept only lazily (see `keepsReadInterest`).
    private var readDeferred = false

    /// While a fully received request awaits its response the connection reads nothing more, but
    /// its read interest stays registered until bytes actually arrive: a request/response
    /// exchange then costs no epoll_ctl at all (clients rarely pipeline).
    private var keepsReadInterest: Bool {
        guard !closed, !readPaused, !readDeferred, let f = inFlight else { return false }
        return f.bodyDone
    }

    private var wantsRead: Bool {
        if closed { return false }
        if lingering { return true }
        if readPaused { return false }
        guard let f = inFlight else { return true }
        return !f.bodyDone
    }

    private func updateInterest() {
        guard !closed, let reg = registration else { return }
        var i: IOInterest = []
        if wantsRead {
            i.insert(.read)
            readDeferred = false
        } else if keepsReadInterest {
            i.insert(.read)
        }
        if !output.isEmpty { i.insert(.write) }
        if i != interest {
            interest = i
            owner.loop.setInterest(reg, i)
        }
    }

    private func readAvailable() {
        var budget = owner.config.maxReadBytesPerWakeup
        while budget > 0 && !closed {
            let r: IOResult<Int>
            do {
                r = try owner.scratch.withUnsafeMutableBytes { try socket.read(into: $0) }
            } catch {
                close()
                return
            }
            guard case .processed(let n) = r else { break }
            if n == 0 {
                clientClosedWrite()
                return
            }
            budget -= n
            if lingering {
                lingerBytesLeft -= n
                if lingerBytesLeft <= 0 { close(); return }
                continue // draining and discarding
            }
            if readBuffer.isEmpty && inFlight == nil { phaseStart = Sys.monotonicNanos() }
            readBuffer.append(contentsOf: owner.scratch[0..<n])
            if inFlight != nil { phaseStart = Sys.monotonicNanos() }
            if n < owner.scratch.count { break }
        }
        if !lingering { processInput() }
    }

    private func clientClosedWrite() {
        if lingering || isIdle { close(); return }
        if let f = inFlight, !f.bodyDone {
            f.stream?.finish(HTTPError(status: 400, code: "client_closed", message: "client closed the connection mid-body"))
        }
        close()
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
        while !closed && !lingering && !readPaused {
            if let f = inFlight, f.bodyDone { break } // waiting for the response: keep the rest
            let step: (HTTPParserEvent, Int)
            do {
                step = try readBuffer.withUnsafeBytes { raw in
                    try parser.parse(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                }
            } catch let e as HTTPParseError {
                offset = readBuffer.count
                failRequest(e.httpError)
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
                endBody()
            }
        }
    }

    private func beginRequest(_ head: HTTPRequestHead) {
        let now = Sys.monotonicNanos()
        phaseStart = now
        let f = InFlight(head: head, requestID: owner.requestID(inbound: head.headers["X-Request-ID"]), startNanos: now)
        f.bodyDone = !head.hasBody
        let match = owner.app.router.match(method: head.method, path: String(head.path))
        inFlight = f
        switch match {
        case .badPath:
            failRequest(HTTPError.badRequest("malformed percent-encoding or encoded '/' in the path"))
        case .methodNotAllowed(let allowed):
            var e = HTTPError(status: 405, code: "method_not_allowed", message: "method \(head.method) not allowed on \(head.path)")
            e.headers.set("Allow", allowed.joined(separator: ", "))
            failRequest(e)
        case .notFound:
            guard head.method == "GET" || head.method == "HEAD", owner.app.staticFiles != nil else {
                failRequest(.notFound("no route for \(head.method) \(head.path)"))
                return
            }
            f.routePattern = nil
            inFlight = f
            if head.hasBody { failRequest(.badRequest("GET request with a body")); return }
            dispatchStatic()
        case .found(let route, let params):
            f.routePattern = route.pattern
            f.route = route
            f.params = params
            f.bodyMode = route.bodyMode
            if case .contentLength(let n) = head.bodyFraming, n > route.bodyMode.limit {
                inFlight = f
                refuseBody(f, route: route, params: params)
                return
            }
            if head.expectsContinue && head.hasBody { output.append(HTTPResponseEncoder.continueResponse) }
            inFlight = f
            if case .stream = route.bodyMode, head.hasBody {
                let bound = LoopBound(self)
                let loop = owner.loop
                let stream = RequestBodyStream(resume: { loop.execute { bound.value.resumeReading() } })
                inFlight?.stream = stream
                dispatch(route: route, params: params, body: .stream(stream))
            }
            if !head.hasBody { dispatch(route: route, params: params, body: .none) }
            return
        }
    }

    static func tooLarge(_ limit: Int) -> HTTPError {
        HTTPError(status: 413, code: "payload_too_large", message: "request body larger than \(limit) bytes")
    }

    /// The body is over the route's limit: stop reading it (the connection closes after the
    /// response) and answer 413 — or let a `deferBodyLimit` route answer after its own checks.
    private func refuseBody(_ f: InFlight, route: Route, params: [String: String]) {
        let error = Self.tooLarge(route.bodyMode.limit)
        guard route.deferBodyLimit else {
            f.stream?.finish(error)
            failRequest(error)
            return
        }
        f.bodyDone = true
        closeAfterResponse = true
        if let stream = f.stream {
            stream.finish(error) // the running handler sees the 413 when it reads on
        } else {
            dispatch(route: route, params: params, body: .tooLarge(limit: route.bodyMode.limit))
        }
    }

    private func receiveBody(start: Int, end: Int) {
        guard let f = inFlight else { return }
        f.bodyBytes += end - start
        if f.bodyBytes > f.bodyMode.limit {
            if let route = f.route {
                refuseBody(f, route: route, params: f.params)
            } else {
                failRequest(Self.tooLarge(f.bodyMode.limit))
            }
            return
        }
        if let stream = f.stream {
            inFlight = f
            if stream.push(Array(readBuffer[start..<end])) { readPaused = true }
        } else if !f.responseStarted {
            f.buffered.append(contentsOf: readBuffer[start..<end])
            inFlight = f
        } else {
            inFlight = f
        }
    }

    private func endBody() {
        guard let f = inFlight else { return }
        let wasDone = f.bodyDone
        f.bodyDone = true
        inFlight = f
        if let stream = f.stream {
            stream.finish()
        } else if !wasDone && !f.dispatched && !f.responseStarted, let route = f.route {
            let body = f.buffered
            f.buffered = []
            dispatch(route: route, params: f.params, body: .buffered(body))
        }
        if let f = inFlight, f.responseComplete, output.isEmpty { finishRequest() }
    }

    /// Resumes a body paused for back-pressure (called via loop.execute from the consumer).
    func resumeReading() {
        guard readPaused, !closed else { return }
        readPaused = false
        phaseStart = Sys.monotonicNanos()
        processInput()
    }

    // MARK: Dispatch

    private func makeRequest(_ f: InFlight, params: [String: String], pattern: String?, body: RequestBody) -> Request {
        var r = Request(method: f.head.method, path: String(f.head.path), rawQuery: String(f.head.query),
                        headers: f.head.headers, requestID: f.requestID,
                        remoteAddress: clientHost, body: body)
        r.pathParameters = params
        r.routePattern = pattern
        return r
    }

    private func dispatch(route: Route, params: [String: String], body: RequestBody) {
        guard let f = inFlight, !f.dispatched else { return }
        inFlight?.dispatched = true
        let request = makeRequest(f, params: params, pattern: route.pattern, body: body)
        switch route.handler {
        case .inline(let handler):
            let response: Response
            do { response = try handler(request) } catch { response = owner.app.errorResponse(error, requestID: f.requestID) }
            startResponse(response)
        case .async(let handler):
            runAsync(request) { try await handler($0) }
        }
    }

    private func dispatchStatic() {
        guard let f = inFlight, !f.dispatched, let files = owner.app.staticFiles else { return }
        inFlight?.dispatched = true
        let request = makeRequest(f, params: [:], pattern: nil, body: .none)
        if let cached = files.cachedResponse(for: request) {
            startResponse(cached)
        } else {
            runAsync(request) { try await files.serve($0) }
        }
    }

    private func runAsync(_ request: Request, _ body: @escaping @Sendable (Request) async throws -> Response) {
        let bound = LoopBound(self)
        let loop = owner.loop
        let app = owner.app
        // The handler runs on this connection's loop (it must not block): its awaits resume here
        // directly instead of hopping through the global pool and back.
        Task(executorPreference: loop) {
            let response: Response
            do { response = try await body(request) } catch { response = app.errorResponse(error, requestID: request.requestID) }
            loop.execute { bound.value.startResponse(response) }
        }
    }

    // MARK: Responses

    /// Refuses the current request before its handler runs. After a parse error, or with a
    /// request body left unread, the connection closes: its remaining input cannot be trusted.
    private func failRequest(_ error: HTTPError) {
        if inFlight == nil || inFlight?.bodyDone == false || error.status == 400 || error.status == 408 {
            closeAfterResponse = true
        }
        if inFlight == nil {
            inFlight = InFlight(head: HTTPRequestHead(method: "-", target: "-", minorVersion: 1, headers: HTTPHeaders(),
                                                      keepAlive: false, expectsContinue: false, bodyFraming: .none),
                                requestID: owner.requestID(inbound: nil), startNanos: Sys.monotonicNanos())
        }
        inFlight?.dispatched = true
        inFlight?.bodyDone = true
        startResponse(owner.app.errorResponse(error, requestID: inFlight!.requestID))
    }

    func startResponse(_ response: Response) {
        guard !closed, let f = inFlight, !f.responseStarted else { return }
        f.responseStarted = true
        f.status = response.status
        if !f.bodyDone {
            // Answered before the body was read: the rest will be drained, not parsed.
            closeAfterResponse = true
            f.stream?.finish(HTTPError(status: 499, code: "response_sent", message: "response already sent"))
        }
        if !f.head.keepAlive || owner.draining { closeAfterResponse = true }
        var headers = response.headers
        headers.set("X-Request-ID", f.requestID)
        headers.set("Date", owner.dateHeader)
        if closeAfterResponse { headers.set("Connection", "close") }
        else if f.head.minorVersion == 0 { headers.set("Connection", "keep-alive") }
        let noBody = f.isHead || response.status == 304 || response.status == 204
        var head: [UInt8] = []
        head.reserveCapacity(256)
        switch response.body {
        case .empty:
            if response.status != 304 && response.status != 204 { headers.set("Content-Length", "0") }
            HTTPResponseEncoder.encodeHead(status: response.status, headers: headers, into: &head)
            output.append(head)
            f.responseComplete = true
        case .bytes(let bytes):
            if response.status != 304 && response.status != 204 { headers.set("Content-Length", String(bytes.count)) }
            HTTPResponseEncoder.encodeHead(status: response.status, headers: headers, into: &head)
            output.append(head)
            if !noBody { output.append(bytes); f.sentBytes = bytes.count }
            f.responseComplete = true
        case .file(let file):
            headers.set("Content-Length", String(file.size))
            HTTPResponseEncoder.encodeHead(status: response.status, headers: headers, into: &head)
            output.append(head)
            if !noBody { output.append(file: file); f.sentBytes = file.size }
            f.responseComplete = true
        case .stream(let producer):
            if noBody {
                HTTPResponseEncoder.encodeHead(status: response.status, headers: headers, into: &head)
                output.append(head)
                f.responseComplete = true
            } else {
                headers.remove("Content-Length")
                headers.set("Transfer-Encoding", "chunked")
                HTTPResponseEncoder.encodeHead(status: response.status, headers: headers, into: &head)
                output.append(head)
                inFlight = f
                startStream(producer)
                flush()
                return
            }
        }
        inFlight = f
        flush()
    }

    private func startStream(_ producer: @escaping @Sendable (ResponseBodyWriter) async throws -> Void) {
        let bound = LoopBound(self)
        let loop = owner.loop
        let writer = ResponseBodyWriter { bytes, done in
            loop.execute { bound.value.enqueueChunk(bytes, done) }
        }
        let logger = owner.app.logger
        Task(executorPreference: loop) {
            var failed = false
            do { try await producer(writer) } catch is ResponseBodyWriter.ClientGone {
                failed = true
            } catch {
                logger.warning("streaming response failed", metadata: ["error": "\(error)"])
                failed = true
            }
            let outcome = failed
            loop.execute { bound.value.endStream(failed: outcome) }
        }
    }

    private func enqueueChunk(_ bytes: [UInt8], _ done: @escaping @Sendable (Bool) -> Void) {
        guard !closed else { done(false); return }
        var chunk: [UInt8] = []
        chunk.reserveCapacity(bytes.count + 16)
        bytes.withUnsafeBytes { HTTPResponseEncoder.encodeChunk($0, into: &chunk) }
        output.append(chunk)
        inFlight?.sentBytes += bytes.count
        if output.bufferedBytes < Self.outputHighWater { done(true) } else { drainWaiters.append(done) }
        flush()
    }

    private func endStream(failed: Bool) {
        guard !closed else { return }
        if failed {
            // A chunked body cut short must not look complete: close without the last chunk.
            closeAfterResponse = true
            finishAccessLog()
            close()
            return
        }
        output.append(HTTPResponseEncoder.lastChunk)
        inFlight?.responseComplete = true
        flush()
    }

    // MARK: Writing

    func flush() {
        guard !closed else { return }
        let result: OutputQueue.FlushResult
        do {
            result = try output.flush(to: socket, budget: owner.config.maxWriteBytesPerWakeup)
        } catch {
            close()
            return
        }
        if output.bufferedBytes < Self.outputHighWater && !drainWaiters.isEmpty {
            let waiters = drainWaiters
            drainWaiters.removeAll()
            for w in waiters { w(true) }
        }
        if result == .drained, let f = inFlight, f.responseComplete {
            if f.bodyDone || closeAfterResponse { finishRequest() }
        }
        updateInterest()
    }

    private func finishAccessLog() {
        guard let f = inFlight else { return }
        let nanos = Sys.monotonicNanos() &- f.startNanos
        owner.app.onRequestComplete?(f.head.method, f.routePattern ?? "static", f.status, nanos)
        guard owner.config.accessLog else { return }
        owner.app.logger.info("\(f.head.method) \(f.head.path) \(f.status) \(f.sentBytes)B \(Double(nanos / 1000) / 1000)ms", metadata: [
            "request-id": "\(f.requestID)", "client": "\(clientHost)",
        ])
    }

    private func finishRequest() {
        finishAccessLog()
        inFlight = nil
        phaseStart = Sys.monotonicNanos()
        if closeAfterResponse {
            beginLinger()
            return
        }
        processInput() // pipelined requests already buffered (no-op when called from inside it)
    }

    // MARK: Closing

    /// Half-closes and drains unread input for a while so the client reads our response
    /// instead of a TCP reset.
    private func beginLinger() {
        socket.shutdownWrite()
        lingering = true
        lingerBytesLeft = 1 << 20
        readBuffer = []
        phaseStart = Sys.monotonicNanos()
        updateInterest()
    }

    func close() {
        guard !closed else { return }
        closed = true
        inFlight?.stream?.finish(HTTPError(status: 400, code: "client_closed", message: "connection closed"))
        for w in drainWaiters { w(false) }
        drainWaiters.removeAll()
        output.removeAll()
        if let reg = registration { owner.loop.deregister(reg) }
        socket.close()
        owner.connectionClosed(self)
    }

    /// Called by the loop's sweep: enforces the header, body, idle and linger timeouts.
    func checkTimeouts(now: UInt64) {
        guard !closed else { return }
        let age = now &- phaseStart
        let c = owner.config
        if lingering {
            if age > c.lingerTimeoutNanos { close() }
        } else if let f = inFlight {
            if !f.bodyDone && !readPaused && age > c.bodyTimeoutNanos {
                let e = HTTPError(status: 408, code: "request_timeout", message: "request body not received in time")
                f.stream?.finish(e)
                if f.responseStarted { close() } else { failRequest(e) }
            }
        } else if !readBuffer.isEmpty {
            if age > c.headerTimeoutNanos {
                readBuffer = []
                failRequest(HTTPError(status: 408, code: "request_timeout", message: "request head not received in time"))
            }
        } else if age > c.idleTimeoutNanos || owner.draining {
            close()
        }
    }
}
