import HTTP1

/// Transitions driven by the request side: bytes arriving, parser events, back-pressure.
extension HTTPConnectionStateMachine {
    /// Bytes were read into the owner's input buffer. The header timeout counts from the first
    /// byte of a head; the body timeout from the last progress.
    mutating func bytesRead(now: UInt64, bufferWasEmpty: Bool) {
        switch state {
        case .idle:
            if bufferWasEmpty { state = .idle(since: now) }
        case .exchange(var x):
            x.lastProgress = now
            state = .exchange(x)
        case .lingering, .closed:
            break
        }
    }

    /// A request head was parsed and routed.
    mutating func receivedHead(_ head: HTTPRequestHead, plan: RequestPlan, now: UInt64) -> Action {
        guard case .idle = state else { preconditionFailure("a request head while another request is in progress") }
        var x = Exchange(body: .complete, response: .pending, keepAlive: head.keepAlive, lastProgress: now)
        if head.hasBody {
            // Until a route says otherwise the body is unread; refusing it closes the connection.
            x.body = .receiving(BodyProgress(limit: 0, sink: .discard, defersLimit: false))
        }
        state = .exchange(x)
        switch plan {
        case .refuse(let error):
            return refuse(error, now: now)
        case .serveStatic:
            if head.hasBody { return refuse(Self.bodyWithStaticGet, now: now) }
            return .dispatchStatic
        case .route(let limit, let streamsBody, let defersLimit, let admits):
            return routeHead(head, x: x, limit: limit, streamsBody: streamsBody, defersLimit: defersLimit, admits: admits, now: now)
        }
    }

    private mutating func routeHead(_ head: HTTPRequestHead, x: Exchange, limit: Int, streamsBody: Bool,
                                    defersLimit: Bool, admits: Bool, now: UInt64) -> Action {
        var x = x
        if case .contentLength(let n) = head.bodyFraming, n > limit {
            // Refused from the declared length, before any of the body is read (and without
            // `100 Continue`, so a client that waits for it never sends the body).
            guard defersLimit else { return refuse(Self.tooLarge(limit), now: now) }
            x.body = .complete
            x.closeAfterResponse = true
            state = .exchange(x)
            return .dispatch(.tooLarge(limit: limit), sendContinue: false)
        }
        guard head.hasBody else { return .dispatch(.none, sendContinue: false) }
        let sendContinue = head.expectsContinue
        let progress = BodyProgress(limit: limit, sink: streamsBody ? .stream : .buffer, defersLimit: defersLimit, startedAt: now)
        if admits {
            // Authentication and permission before the body (issue 17 §3, issue 20 item 3): a
            // refused request is answered without its body being read, and without `100 Continue`.
            x.body = .awaitingAdmission(progress, sendContinue: sendContinue)
            state = .exchange(x)
            return .admit
        }
        return startBody(x, progress, sendContinue: sendContinue)
    }

    /// The route's admission check passed: the body is read from now on (its rate counted from now).
    mutating func admitted(now: UInt64) -> Action {
        guard case .exchange(var x) = state, case .awaitingAdmission(var progress, let sendContinue) = x.body else { return .none }
        progress.startedAt = now
        x.lastProgress = now
        return startBody(x, progress, sendContinue: sendContinue)
    }

    private mutating func startBody(_ x: Exchange, _ progress: BodyProgress, sendContinue: Bool) -> Action {
        var x = x
        let streamsBody = progress.sink == .stream
        x.body = .receiving(progress)
        if streamsBody {
            state = .exchange(x)
            return .dispatch(.stream, sendContinue: sendContinue)
        }
        x.response = .awaitingBody
        state = .exchange(x)
        return sendContinue ? .sendContinue : .none
    }

    /// `count` body bytes were parsed.
    mutating func receivedBody(count: Int, now: UInt64) -> BodyAction {
        guard case .exchange(var x) = state, case .receiving(var p) = x.body else {
            preconditionFailure("body bytes without a body being received")
        }
        p.received += count
        if p.received > p.limit { return bodyOverLimit(x, p, now: now) }
        x.body = .receiving(p)
        state = .exchange(x)
        switch p.sink {
        case .buffer: return .buffer
        case .stream: return .push
        case .discard: return .discard
        }
    }

    /// The body grew past the route's limit while it arrived (a chunked body: a declared length
    /// over the limit is refused with the head).
    private mutating func bodyOverLimit(_ x: Exchange, _ p: BodyProgress, now: UInt64) -> BodyAction {
        var x = x
        let error = Self.tooLarge(p.limit)
        if p.sink == .discard {
            // The response is already on its way (and closes the connection): stop parsing.
            x.body = .complete
            state = .exchange(x)
            return .discard
        }
        guard p.defersLimit else { return .act(refuse(error, endStream: p.sink == .stream, now: now)) }
        x.body = .complete
        x.closeAfterResponse = true
        if p.sink == .stream {
            state = .exchange(x)
            return .act(.endStream(.failed(error))) // the running handler sees the 413 when it reads on
        }
        x.response = .pending
        state = .exchange(x)
        return .act(.dispatch(.tooLarge(limit: p.limit), sendContinue: false))
    }

    /// The parser reached the end of the body.
    mutating func receivedEnd() -> Action {
        guard case .exchange(var x) = state, case .receiving(let p) = x.body else { return .none }
        x.body = .complete
        var action = Action.none
        switch p.sink {
        case .stream:
            action = .endStream(.complete)
        case .buffer:
            if x.response == .awaitingBody {
                x.response = .pending
                action = .dispatch(.buffered, sendContinue: false)
            }
        case .discard:
            break
        }
        state = .exchange(x)
        return action
    }

    /// The parser rejected the input (400, 413, 414, 431, 501, 505...).
    mutating func parseFailed(_ error: HTTPParseError, now: UInt64) -> Action {
        refuse(error.httpError, discardInput: true, now: now)
    }

    /// The body stream's consumer is behind: stop reading until `resumeReading`.
    mutating func bodyPaused() {
        guard case .exchange(var x) = state, case .receiving(var p) = x.body else { return }
        p.paused = true
        x.body = .receiving(p)
        state = .exchange(x)
    }

    /// The consumer caught up. Returns true when the owner should parse again.
    mutating func resumeReading(now: UInt64) -> Bool {
        guard case .exchange(var x) = state, case .receiving(var p) = x.body, p.paused else { return false }
        p.paused = false
        // Not the client's delay: the minimum rate starts a new window.
        if p.window != nil { p.window = (now, p.received) }
        x.body = .receiving(p)
        x.lastProgress = now
        state = .exchange(x)
        return true
    }

    /// Refuses the current request (or, between requests, a request that never got a valid
    /// head) before its handler answers. With its body left unread, after a parse error (400) or
    /// a timeout (408) the connection closes after the response: its remaining input cannot be
    /// trusted.
    mutating func refuse(_ error: HTTPError, endStream: Bool = false, discardInput: Bool = false, now: UInt64) -> Action {
        var x: Exchange
        if case .exchange(let current) = state {
            x = current
            if !x.body.isComplete || error.status == 400 || error.status == 408 { x.closeAfterResponse = true }
        } else {
            x = Exchange(body: .complete, response: .pending, keepAlive: false, closeAfterResponse: true, lastProgress: now)
        }
        x.body = .complete
        let started = x.response.hasStarted
        if !started { x.response = .pending }
        state = .exchange(x)
        // Once a response is on its way no other can be sent: the connection just closes after it.
        if started { return discardInput ? .discardInput : .none }
        return .respond(error, endStream: endStream, discardInput: discardInput)
    }
}
