import EventLoop
import HTTP1
import Logging
import SystemIO

/// Performing the state machine's actions: dispatch, responses, writing, closing.
extension HTTPConnection {
    func perform(_ action: HTTPConnectionStateMachine.Action) {
        switch action {
        case .none:
            break
        case .admit:
            runAdmission()
        case .sendContinue:
            output.append(HTTPResponseEncoder.continueResponse)
        case .dispatch(let body, let sendContinue):
            if sendContinue { output.append(HTTPResponseEncoder.continueResponse) }
            dispatch(body)
        case .dispatchStatic:
            dispatchStatic()
        case .respond(let error, let endStream, let discardInput):
            if endStream { inFlight?.stream?.finish(error) }
            if discardInput { readBuffer = [] }
            respond(with: error)
        case .discardInput:
            readBuffer = []
        case .endStream(let end):
            inFlight?.stream?.finish(end)
        case .writeLastChunk:
            output.append(HTTPResponseEncoder.lastChunk)
            flush()
        case .abortResponse:
            finishAccessLog()
            close()
        case .completeRequest(let next):
            finishAccessLog()
            inFlight = nil
            switch next {
            case .readNext: processInput() // pipelined requests already buffered (no-op from inside it)
            case .linger: beginLinger()
            }
        case .stopReading:
            updateInterest()
        case .close(let failStream):
            if let failStream { inFlight?.stream?.finish(failStream) }
            close()
        }
    }

    // MARK: Dispatch

    private func makeRequest(_ x: InFlight, body: RequestBody) -> Request {
        var r = Request(method: x.head.method, path: String(x.head.path), rawQuery: String(x.head.query),
                        headers: x.head.headers, requestID: x.requestID,
                        remoteAddress: clientHost, body: body)
        r.pathParameters = x.params
        r.routePattern = x.routePattern
        r.admitted = x.admitted
        return r
    }

    /// Runs the route's admission check on this loop (like a handler); the body stays unread
    /// until it admits the request, and a refusal is the response.
    private func runAdmission() {
        guard let x = inFlight, let admission = x.route?.admission else { preconditionFailure("admission without a route check") }
        let request = makeRequest(x, body: .none)
        let bound = LoopBound(self)
        let exchange = LoopBound(x)
        let loop = owner.loop
        Task(executorPreference: loop) {
            let result = await admission(request)
            loop.execute { bound.value.finishAdmission(result, of: exchange.value) }
        }
    }

    private func finishAdmission(_ result: AdmissionResult, of x: InFlight) {
        // The connection may have closed (client gone, shutdown) while the check ran.
        guard inFlight === x, machine.awaitsAdmission else { return }
        switch result {
        case .admit(let value):
            x.admitted = value
            perform(machine.admitted(now: Sys.monotonicNanos()))
            processInput() // body bytes that arrived with the head or meanwhile
            // The client had already shut down its side: nothing more comes (a partial body closes).
            if machine.inputEnded && !closed { perform(machine.inputEnded(eof: true)) }
        case .refuse(let response):
            startResponse(response)
        }
    }

    private func dispatch(_ body: HTTPConnectionStateMachine.DispatchBody) {
        guard let x = inFlight, let route = x.route else { preconditionFailure("dispatch without a route") }
        let requestBody: RequestBody
        switch body {
        case .none:
            requestBody = .none
        case .buffered:
            requestBody = .buffered(x.buffered)
            x.buffered = []
        case .stream:
            let bound = LoopBound(self)
            let loop = owner.loop
            let stream = RequestBodyStream(resume: { loop.execute { bound.value.resumeReading() } })
            x.stream = stream
            requestBody = .stream(stream)
        case .tooLarge(let limit):
            requestBody = .tooLarge(limit: limit)
        }
        let request = makeRequest(x, body: requestBody)
        switch route.handler {
        case .inline(let handler):
            let response: Response
            do { response = try handler(request) } catch { response = owner.app.errorResponse(error, requestID: x.requestID) }
            startResponse(response)
        case .async(let handler):
            runAsync(request) { try await handler($0) }
        }
    }

    private func dispatchStatic() {
        guard let x = inFlight, let files = owner.app.staticFiles else { preconditionFailure("static dispatch without files") }
        let request = makeRequest(x, body: .none)
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

    /// Answers with an error instead of a handler's response. Between requests (a parse error or
    /// a slow head) there is no request yet: a placeholder stands in for the access log.
    private func respond(with error: HTTPError) {
        let x = inFlight ?? InFlight(head: HTTPRequestHead(method: "-", target: "-", keepAlive: false),
                                     requestID: owner.requestID(inbound: nil), startNanos: Sys.monotonicNanos())
        inFlight = x
        startResponse(owner.app.errorResponse(error, requestID: x.requestID))
    }

    func startResponse(_ response: Response) {
        guard let x = inFlight else { return }
        let noBody = x.isHead || response.status == 304 || response.status == 204
        var streaming = false
        if case .stream = response.body, !noBody { streaming = true }
        guard let start = machine.responseStarted(streaming: streaming, draining: owner.draining) else { return }
        if start.abandonStream { x.stream?.finish(.responseAlreadySent) }
        if start.discardInput { readBuffer = [] }
        x.status = response.status
        var headers = response.headers
        headers.set("X-Request-ID", x.requestID)
        headers.set("Date", owner.dateHeader)
        if start.closeConnection { headers.set("Connection", "close") }
        else if x.head.minorVersion == 0 { headers.set("Connection", "keep-alive") }
        var head: [UInt8] = []
        head.reserveCapacity(256)
        switch response.body {
        case .empty:
            if response.status != 304 && response.status != 204 { headers.set("Content-Length", "0") }
            HTTPResponseEncoder.encodeHead(status: response.status, headers: headers, fixed: owner.fixedHeaderBytes, into: &head)
            output.append(head)
        case .bytes(let bytes):
            if response.status != 304 && response.status != 204 { headers.set("Content-Length", String(bytes.count)) }
            HTTPResponseEncoder.encodeHead(status: response.status, headers: headers, fixed: owner.fixedHeaderBytes, into: &head)
            output.append(head)
            if !noBody { output.append(bytes); x.sentBytes = bytes.count }
        case .file(let file):
            headers.set("Content-Length", String(file.size))
            HTTPResponseEncoder.encodeHead(status: response.status, headers: headers, fixed: owner.fixedHeaderBytes, into: &head)
            output.append(head)
            if !noBody { output.append(file: file); x.sentBytes = file.size }
        case .stream(let producer):
            if streaming {
                headers.remove("Content-Length")
                headers.set("Transfer-Encoding", "chunked")
            }
            HTTPResponseEncoder.encodeHead(status: response.status, headers: headers, fixed: owner.fixedHeaderBytes, into: &head)
            output.append(head)
            if streaming { startStream(producer) }
        }
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
        perform(machine.responseStreamEnded(failed: failed))
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
        if result == .drained { perform(machine.outputDrained(now: Sys.monotonicNanos())) }
        updateInterest()
    }

    private func finishAccessLog() {
        guard let x = inFlight else { return }
        let nanos = Sys.monotonicNanos() &- x.startNanos
        owner.app.onRequestComplete?(x.head.method, x.routePattern ?? "static", x.status, nanos)
        owner.accessLog?.record(method: x.head.method, path: x.head.path, status: x.status, bytes: x.sentBytes, nanos: nanos,
                                requestID: x.requestID, client: clientHost)
    }

    // MARK: Closing

    /// Half-closes and drains unread input for a while so the client reads our response
    /// instead of a TCP reset (RFC 9112 §9.6).
    private func beginLinger() {
        socket.shutdownWrite()
        readBuffer = []
        updateInterest()
    }

    func close() {
        guard !closed else { return }
        machine.closed()
        inFlight?.stream?.finish(HTTPError(status: 400, code: "client_closed", message: "connection closed"))
        for w in drainWaiters { w(false) }
        drainWaiters.removeAll()
        output.removeAll()
        if let reg = registration { owner.loop.deregister(reg) }
        socket.close()
        owner.connectionClosed(self)
    }
}
