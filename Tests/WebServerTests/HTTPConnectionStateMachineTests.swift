import HTTP1
import Testing
@testable import WebServer

/// The connection's lifecycle without sockets: events in, actions out, time as plain numbers.
@Suite struct HTTPConnectionStateMachineTests {
    typealias Machine = HTTPConnectionStateMachine

    static let timeouts = Machine.Timeouts(header: 10, body: 60, idle: 100, linger: 2)

    static func get(keepAlive: Bool = true, minor: Int = 1) -> HTTPRequestHead {
        HTTPRequestHead(method: "GET", target: "/x", minorVersion: minor, keepAlive: keepAlive)
    }

    static func post(_ framing: HTTPRequestHead.BodyFraming = .chunked, expectsContinue: Bool = false) -> HTTPRequestHead {
        HTTPRequestHead(method: "POST", target: "/x", expectsContinue: expectsContinue, bodyFraming: framing)
    }

    static let buffered = Machine.RequestPlan.route(limit: 100, streamsBody: false, defersLimit: false)
    static let streamed = Machine.RequestPlan.route(limit: 100, streamsBody: true, defersLimit: false)

    /// A machine in the middle of a request: its head was received at time 0.
    static func machine(_ head: HTTPRequestHead = get(), plan: Machine.RequestPlan = buffered) -> (Machine, String) {
        var m = Machine(timeouts: timeouts, now: 0)
        let action = m.receivedHead(head, plan: plan, now: 0)
        return (m, describe(action))
    }

    @Test("keep-alive: a request without a body is dispatched, answered, and the next one is read")
    func keepAlive() {
        var (m, action) = Self.machine()
        #expect(action == "dispatch none")
        #expect(m.inputDemand == .park && !m.acceptsInput)
        #expect(m.responseStarted(streaming: false, draining: false) == Machine.ResponseStart(closeConnection: false, abandonStream: false))
        #expect(describe(m.outputDrained(now: 5)) == "complete readNext")
        guard case .idle(let since) = m.state else { Issue.record("not idle: \(m.state)"); return }
        #expect(since == 5 && m.acceptsInput && m.inputDemand == .read)
    }

    @Test("HTTP/1.0 and Connection: close end the connection after the response, with a lingering close")
    func closeAfterResponse() {
        for head in [Self.get(keepAlive: false, minor: 0), Self.get(keepAlive: false, minor: 1)] {
            var (m, _) = Self.machine(head)
            #expect(m.responseStarted(streaming: false, draining: false)?.closeConnection == true)
            #expect(describe(m.outputDrained(now: 1)) == "complete linger")
            #expect(m.isLingering && m.inputDemand == .read && !m.acceptsInput)
            let withinBudget = m.discardedWhileLingering(Machine.lingerBytes - 1)
            #expect(!withinBudget)
            let exhausted = m.discardedWhileLingering(1)
            #expect(exhausted, "gives up after the linger budget")
        }
    }

    @Test("a shutting-down server closes after the response it is writing")
    func draining() {
        var (m, _) = Self.machine()
        #expect(m.responseStarted(streaming: false, draining: true)?.closeConnection == true)
    }

    @Test("pipelining: a request arriving while a response is written waits until it has drained")
    func pipelining() {
        var (m, _) = Self.machine()
        _ = m.responseStarted(streaming: false, draining: false)
        m.bytesRead(now: 3, bufferWasEmpty: true) // the next request: parked, not parsed
        #expect(!m.acceptsInput && m.inputDemand == .park)
        #expect(describe(m.outputDrained(now: 4)) == "complete readNext")
        #expect(m.acceptsInput)
        #expect(describe(m.receivedHead(Self.get(), plan: Self.buffered, now: 4)) == "dispatch none")
    }

    @Test("a response cannot start twice, nor drain before it is written")
    func oneResponse() {
        var (m, _) = Self.machine()
        #expect(describe(m.outputDrained(now: 1)) == "none", "nothing written yet")
        #expect(m.responseStarted(streaming: false, draining: false) != nil)
        #expect(m.responseStarted(streaming: false, draining: false) == nil)
    }

    @Test("a buffered body is collected, then the handler runs")
    func bufferedBody() {
        var (m, action) = Self.machine(Self.post(.contentLength(10)))
        #expect(action == "none" && m.acceptsInput && m.inputDemand == .read)
        #expect(describe(m.receivedBody(count: 10, now: 1)) == "buffer")
        #expect(describe(m.receivedEnd()) == "dispatch buffered")
        #expect(m.inputDemand == .park)
    }

    @Test("Expect: 100-continue is answered for a body the route accepts, never for one it refuses")
    func expectContinue() {
        #expect(Self.machine(Self.post(.contentLength(10), expectsContinue: true)).1 == "continue")
        #expect(Self.machine(Self.post(.contentLength(10), expectsContinue: true), plan: Self.streamed).1 == "dispatch stream +continue")
        let (m, action) = Self.machine(Self.post(.contentLength(1000), expectsContinue: true))
        #expect(action == "respond 413 payload_too_large")
        if case .exchange(let x) = m.state { #expect(x.closeAfterResponse) } else { Issue.record("no exchange") }
    }

    @Test("a streamed body is pushed, paused and resumed under back-pressure, then ended")
    func streamedBody() {
        var (m, action) = Self.machine(Self.post(), plan: Self.streamed)
        #expect(action == "dispatch stream")
        #expect(describe(m.receivedBody(count: 50, now: 1)) == "push")
        m.bodyPaused()
        #expect(!m.acceptsInput && m.inputDemand == .none)
        #expect(describe(m.checkTimeouts(now: 1000, inputBuffered: false, draining: false)) == "none", "no body timeout while paused")
        let resumed = m.resumeReading(now: 1000)
        #expect(resumed)
        let resumedAgain = m.resumeReading(now: 1000)
        #expect(!resumedAgain, "resuming twice is a no-op")
        #expect(m.acceptsInput)
        #expect(describe(m.receivedEnd()) == "endStream complete")
    }

    @Test("a body growing over the limit is refused, or handed over as too large when the route defers")
    func bodyOverLimit() {
        var (b, _) = Self.machine(Self.post())
        #expect(describe(b.receivedBody(count: 101, now: 1)) == "respond 413 payload_too_large")
        var (s, _) = Self.machine(Self.post(), plan: Self.streamed)
        #expect(describe(s.receivedBody(count: 101, now: 1)) == "respond 413 payload_too_large +endStream")
        var (db, _) = Self.machine(Self.post(), plan: .route(limit: 100, streamsBody: false, defersLimit: true))
        #expect(describe(db.receivedBody(count: 101, now: 1)) == "dispatch tooLarge(100)")
        var (ds, _) = Self.machine(Self.post(), plan: .route(limit: 100, streamsBody: true, defersLimit: true))
        #expect(describe(ds.receivedBody(count: 101, now: 1)) == "endStream failed 413")
        for var m in [b, s, db, ds] {
            #expect(!m.acceptsInput, "the rest of the body is never parsed")
            #expect(m.responseStarted(streaming: false, draining: false)?.closeConnection == true)
        }
    }

    @Test("a declared length over the limit is refused before the body, or deferred to the route")
    func declaredTooLarge() {
        #expect(Self.machine(Self.post(.contentLength(101))).1 == "respond 413 payload_too_large")
        var (m, action) = Self.machine(Self.post(.contentLength(101)), plan: .route(limit: 100, streamsBody: false, defersLimit: true))
        #expect(action == "dispatch tooLarge(100)")
        #expect(m.responseStarted(streaming: false, draining: false)?.closeConnection == true)
    }

    @Test("routing refusals: keep-alive without a body, close with an unread one; static files take no body")
    func refusals() {
        var (m, action) = Self.machine(Self.get(), plan: .refuse(.notFound()))
        #expect(action == "respond 404 not_found")
        #expect(m.responseStarted(streaming: false, draining: false)?.closeConnection == false)
        var (n, _) = Self.machine(Self.post(.contentLength(5)), plan: .refuse(.notFound()))
        #expect(n.responseStarted(streaming: false, draining: false)?.closeConnection == true)
        #expect(Self.machine(Self.get(), plan: .serveStatic).1 == "dispatchStatic")
        var (s, staticBody) = Self.machine(Self.post(.contentLength(5)), plan: .serveStatic)
        #expect(staticBody == "respond 400 bad_request")
        #expect(s.responseStarted(streaming: false, draining: false)?.closeConnection == true)
    }

    @Test("a client closing mid-body closes the connection and fails the body stream")
    func closedMidBody() {
        var (m, _) = Self.machine(Self.post(), plan: Self.streamed)
        #expect(describe(m.inputEnded(eof: true)) == "close 400 client_closed")
        var (h, _) = Self.machine(Self.post(), plan: Self.streamed)
        #expect(describe(h.inputEnded(eof: false)) == "close", "a hangup may be a reset: the stream gets the generic error")
    }

    @Test("an early response while the body arrives: the stream is abandoned, the rest drained, then close")
    func earlyResponse() {
        var (m, _) = Self.machine(Self.post(), plan: Self.streamed)
        #expect(describe(m.receivedBody(count: 10, now: 1)) == "push")
        #expect(m.responseStarted(streaming: false, draining: false) == Machine.ResponseStart(closeConnection: true, abandonStream: true))
        #expect(describe(m.receivedBody(count: 10, now: 2)) == "discard")
        #expect(m.acceptsInput, "the body is still read (and thrown away) while the response is written")
        #expect(describe(m.receivedEnd()) == "none")
        #expect(describe(m.outputDrained(now: 3)) == "complete linger")
        // Written before the body ended: the rest is drained by the lingering close.
        var (n, _) = Self.machine(Self.post(), plan: Self.streamed)
        _ = n.responseStarted(streaming: false, draining: false)
        #expect(describe(n.outputDrained(now: 3)) == "complete linger")
    }

    @Test("an early response stops parsing once the discarded body passes the limit")
    func earlyResponseOverLimit() {
        var (m, _) = Self.machine(Self.post(), plan: Self.streamed)
        _ = m.responseStarted(streaming: false, draining: false)
        #expect(describe(m.receivedBody(count: 101, now: 1)) == "discard")
        #expect(!m.acceptsInput)
    }

    static let admitted = Machine.RequestPlan.route(limit: 100, streamsBody: false, defersLimit: false, admits: true)
    static let admittedStream = Machine.RequestPlan.route(limit: 100, streamsBody: true, defersLimit: false, admits: true)

    @Test("a route's admission runs before any body byte is parsed and before 100 Continue; admitted, the body is read")
    func admissionBeforeBody() {
        var (m, action) = Self.machine(Self.post(.contentLength(10), expectsContinue: true), plan: Self.admitted)
        #expect(action == "admit")
        #expect(!m.acceptsInput && m.inputDemand == .park && m.awaitsAdmission)
        #expect(describe(m.checkTimeouts(now: 1_000, inputBuffered: true, draining: false)) == "none", "no body timeout while we check")
        #expect(describe(m.admitted(now: 1_000)) == "continue")
        #expect(m.acceptsInput && m.inputDemand == .read && !m.awaitsAdmission)
        #expect(describe(m.receivedBody(count: 10, now: 1_001)) == "buffer")
        #expect(describe(m.receivedEnd()) == "dispatch buffered")

        var (s, first) = Self.machine(Self.post(expectsContinue: true), plan: Self.admittedStream)
        #expect(first == "admit")
        #expect(describe(s.admitted(now: 1)) == "dispatch stream +continue")
        // Without a body there is nothing to hold back: the handler checks.
        #expect(Self.machine(Self.get(), plan: Self.admitted).1 == "dispatch none")
    }

    @Test("refused at admission: the response goes out without 100 Continue, the body is never read, the connection closes")
    func admissionRefused() {
        var (m, _) = Self.machine(Self.post(.contentLength(10), expectsContinue: true), plan: Self.admitted)
        let start = m.responseStarted(streaming: false, draining: false)
        #expect(start == Machine.ResponseStart(closeConnection: true, abandonStream: false, discardInput: true))
        #expect(!m.acceptsInput, "the body is not parsed")
        #expect(describe(m.admitted(now: 2)) == "none", "a late admission changes nothing")
        #expect(describe(m.outputDrained(now: 3)) == "complete linger")
        // The client shutting down its side while the check runs: the body may be buffered
        // whole, so the check goes on; admitted, a body cut short closes the connection.
        var (c, _) = Self.machine(Self.post(.contentLength(10)), plan: Self.admitted)
        #expect(describe(c.inputEnded(eof: true)) == "stopReading")
        #expect(c.inputDemand == .none && c.awaitsAdmission)
        #expect(describe(c.admitted(now: 1)) == "none")
        #expect(describe(c.receivedBody(count: 4, now: 1)) == "buffer")
        #expect(describe(c.inputEnded(eof: true)) == "close 400 client_closed")
    }

    static let rated = Machine.Timeouts(header: 10, body: 60, idle: 100, linger: 2, minBodyRate: .init(bytes: 1024, window: 10))

    @Test("minimum body rate: free for the first window, then at least 1 KiB per window or 408")
    func minimumBodyRate() {
        // A trickle: a byte every 5 ticks (never 60 ticks without progress).
        var m = Machine(timeouts: Self.rated, now: 0)
        _ = m.receivedHead(Self.post(.contentLength(100_000)), plan: .route(limit: 1 << 20, streamsBody: false, defersLimit: false), now: 0)
        var outcome = "none"
        var t: UInt64 = 0
        while outcome == "none" && t < 100 {
            t += 1
            if t % 5 == 0 { m.bytesRead(now: t, bufferWasEmpty: true); _ = m.receivedBody(count: 1, now: t) }
            outcome = describe(m.checkTimeouts(now: t, inputBuffered: false, draining: false))
        }
        #expect(outcome == "respond 408 request_timeout")
        #expect(t == 20, "grace until 10, then one window without 1 KiB")
        // A steady 200 bytes a tick never trips it.
        var fast = Machine(timeouts: Self.rated, now: 0)
        _ = fast.receivedHead(Self.post(.contentLength(100_000)), plan: .route(limit: 1 << 20, streamsBody: false, defersLimit: false), now: 0)
        for tick: UInt64 in 1...100 {
            fast.bytesRead(now: tick, bufferWasEmpty: true)
            _ = fast.receivedBody(count: 200, now: tick)
            #expect(describe(fast.checkTimeouts(now: tick, inputBuffered: false, draining: false)) == "none")
        }
        // Paused by our own consumer: not the client's delay.
        var p = Machine(timeouts: Self.rated, now: 0)
        _ = p.receivedHead(Self.post(), plan: .route(limit: 1 << 20, streamsBody: true, defersLimit: false), now: 0)
        _ = p.receivedBody(count: 10, now: 1)
        p.bodyPaused()
        #expect(describe(p.checkTimeouts(now: 50, inputBuffered: false, draining: false)) == "none")
    }
}

/// A short, comparable description of an action.
func describe(_ action: HTTPConnectionStateMachine.Action) -> String {
    switch action {
    case .none: return "none"
    case .admit: return "admit"
    case .sendContinue: return "continue"
    case .dispatch(let body, let sendContinue):
        let name = switch body {
        case .none: "none"
        case .buffered: "buffered"
        case .stream: "stream"
        case .tooLarge(let limit): "tooLarge(\(limit))"
        }
        return "dispatch \(name)" + (sendContinue ? " +continue" : "")
    case .dispatchStatic: return "dispatchStatic"
    case .respond(let e, let endStream, let discardInput):
        return "respond \(e.status) \(e.code)" + (endStream ? " +endStream" : "") + (discardInput ? " +discardInput" : "")
    case .discardInput: return "discardInput"
    case .endStream(.complete): return "endStream complete"
    case .endStream(.failed(let e)): return "endStream failed \(e.status)"
    case .endStream(.responseAlreadySent): return "endStream responseAlreadySent"
    case .writeLastChunk: return "writeLastChunk"
    case .abortResponse: return "abortResponse"
    case .completeRequest(let next): return "complete \(next)"
    case .stopReading: return "stopReading"
    case .close(let e): return "close" + (e.map { " \($0.status) \($0.code)" } ?? "")
    }
}

func describe(_ action: HTTPConnectionStateMachine.BodyAction) -> String {
    switch action {
    case .buffer: return "buffer"
    case .push: return "push"
    case .discard: return "discard"
    case .act(let a): return describe(a)
    }
}
