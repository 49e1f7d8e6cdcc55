/// Transitions driven by the response side, the end of input and the clock.
extension HTTPConnectionStateMachine {
    /// How a response about to be queued must be framed.
    struct ResponseStart: Equatable {
        /// Send `Connection: close` and end the connection after this response.
        var closeConnection: Bool
        /// The body stream is still open: abandon it (the handler no longer needs it).
        var abandonStream: Bool
        /// The request was refused before its body was read: drop what is buffered of it.
        var discardInput = false
    }

    /// A response is ready to be queued. Nil when no response can be sent now (the connection is
    /// closed, or this exchange already has its response).
    mutating func responseStarted(streaming: Bool, draining: Bool) -> ResponseStart? {
        guard case .exchange(var x) = state, !x.response.hasStarted else { return nil }
        var abandonStream = false
        var discardInput = false
        if case .awaitingAdmission = x.body {
            // Refused by the route's admission check: the body is never read, and the connection
            // closes after the response (its input holds the unread body).
            x.closeAfterResponse = true
            x.body = .complete
            discardInput = true
        } else if case .receiving(var p) = x.body {
            // Answered before the body was read: the rest is read and thrown away, and the
            // connection ends after the response (its end in the input is not worth waiting for).
            x.closeAfterResponse = true
            abandonStream = p.sink == .stream
            p.sink = .discard
            x.body = .receiving(p)
        }
        if !x.keepAlive || draining { x.closeAfterResponse = true }
        x.response = streaming ? .streaming : .written
        state = .exchange(x)
        return ResponseStart(closeConnection: x.closeAfterResponse, abandonStream: abandonStream, discardInput: discardInput)
    }

    /// The producer of a streamed (chunked) response body finished.
    mutating func responseStreamEnded(failed: Bool) -> Action {
        guard case .exchange(var x) = state, x.response == .streaming else { return .none }
        if failed {
            x.closeAfterResponse = true
            state = .exchange(x)
            return .abortResponse
        }
        x.response = .written
        state = .exchange(x)
        return .writeLastChunk
    }

    /// The output queue is empty. A written response then completes its exchange: a response
    /// started before its body ended always closes the connection, so nothing is left to wait for.
    mutating func outputDrained(now: UInt64) -> Action {
        guard case .exchange(let x) = state, x.response == .written else { return .none }
        if x.closeAfterResponse {
            state = .lingering(since: now, bytesLeft: Self.lingerBytes)
            return .completeRequest(then: .linger)
        }
        state = .idle(since: now)
        return .completeRequest(then: .readNext)
    }

    /// `count` bytes were read and discarded while lingering. True: enough, close now.
    mutating func discardedWhileLingering(_ count: Int) -> Bool {
        guard case .lingering(let since, let left) = state else { return false }
        state = .lingering(since: since, bytesLeft: left - count)
        return left - count <= 0
    }

    /// The client ended its input: `eof` when a read returned 0, otherwise epoll reported a
    /// hangup (the peer's shutdown, a reset or an error) while the socket was not being read.
    mutating func inputEnded(eof: Bool) -> Action {
        switch state {
        case .closed:
            return .none
        case .idle, .lingering:
            // Nothing to answer (a partial head cannot be), or the answer is already written.
            return .close(failStream: nil)
        case .exchange(var x):
            switch x.body {
            case .receiving:
                return .close(failStream: eof ? Self.clientClosedMidBody : nil)
            case .awaitingAdmission:
                // The whole body may be in the buffer already (sent, then `shutdown(SHUT_WR)`):
                // the check goes on, and once admitted the owner parses what is buffered and
                // reports the end again (`inputEnded` is set): a body cut short then closes.
                guard !x.inputEnded else { return .none }
                x.inputEnded = true
                x.closeAfterResponse = true
                state = .exchange(x)
                return .stopReading
            case .complete:
                break
            }
            // A complete request: the client half-closed (`shutdown(SHUT_WR)`), which HTTP/1.1
            // allows (RFC 9112 §9.6). It still reads: answer, then close.
            guard !x.inputEnded else { return .none }
            x.inputEnded = true
            x.closeAfterResponse = true
            state = .exchange(x)
            return .stopReading
        }
    }

    /// The owner closed the connection (for any reason).
    mutating func closed() {
        state = .closed
    }

    /// The periodic sweep: enforces the header, body, idle and linger timeouts. `inputBuffered`:
    /// part of a request head is waiting in the owner's buffer; `draining`: the server is
    /// shutting down (idle connections close at once).
    mutating func checkTimeouts(now: UInt64, inputBuffered: Bool, draining: Bool) -> Action {
        switch state {
        case .closed:
            return .none
        case .lingering(let since, _):
            return now &- since > timeouts.linger ? .close(failStream: nil) : .none
        case .exchange(var x):
            // Nothing is read while the body is paused (our consumer is behind) or awaits admission.
            guard case .receiving(var p) = x.body, !p.paused else { return .none }
            var error: HTTPError?
            if now &- x.lastProgress > timeouts.body {
                error = Self.bodyTimeout
            } else if timeouts.minBodyRate.bytes > 0 {
                let rate = timeouts.minBodyRate
                if let w = p.window {
                    guard now &- w.at >= rate.window else { return .none }
                    if p.received - w.received < rate.bytes { error = bodyTooSlow() } else { p.window = (now, p.received) }
                } else if now &- p.startedAt >= rate.window {
                    p.window = (now, p.received) // the grace is over: the first window starts
                }
                if error == nil {
                    x.body = .receiving(p)
                    state = .exchange(x)
                }
            }
            guard let error else { return .none }
            if x.response.hasStarted { return .close(failStream: error) }
            return refuse(error, endStream: p.sink == .stream, now: now)
        case .idle(let since):
            if inputBuffered {
                // Slowloris protection: the head must arrive within the header timeout.
                guard now &- since > timeouts.header else { return .none }
                return refuse(Self.headTimeout, discardInput: true, now: now)
            }
            return now &- since > timeouts.idle || draining ? .close(failStream: nil) : .none
        }
    }
}
