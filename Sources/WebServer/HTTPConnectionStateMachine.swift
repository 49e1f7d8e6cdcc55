import HTTP1

/// The lifecycle of one HTTP/1.1 server connection, as a pure state machine (after Hummingbird's
/// `HTTPConnectionStateHandler` and SwiftNIO's `HTTPServerPipelineHandler`): each event method
/// updates the state and returns the `Action` the owner (`HTTPConnection`, which holds the socket,
/// the buffers and the event-loop interest) must perform. No I/O and no clock: every method that
/// measures time takes `now` (monotonic nanoseconds), so tests drive it with plain numbers.
///
/// One request is served at a time (RFC 9112 §9.3.2: responses go out in request order); a
/// pipelined request waits in the input until the previous response has been written.
struct HTTPConnectionStateMachine {
    enum State {
        /// Between requests. Part of the next head may be buffered (the owner knows); `since` is
        /// when this phase began: the idle and slow-header timeouts count from it.
        case idle(since: UInt64)
        /// A request has arrived (at least its head), and its response is not yet written.
        case exchange(Exchange)
        /// The response that ends the connection is written and our side shut down: unread input
        /// is drained so the client reads that response instead of a reset (RFC 9112 §9.6).
        case lingering(since: UInt64, bytesLeft: Int)
        case closed
    }

    /// One request and its response.
    struct Exchange {
        var body: Body
        var response: ResponsePhase
        /// The request allows the connection to be reused (RFC 9112 §9.3).
        var keepAlive: Bool
        /// Set once the connection must end after this response: its remaining input cannot be
        /// trusted (an unread body, a parse error) or the client or the server asked for it.
        var closeAfterResponse = false
        /// The client shut down its sending side after this (complete) request: answer, then close.
        var inputEnded = false
        /// The last time the body made progress (the body timeout counts from it).
        var lastProgress: UInt64
    }

    enum Body {
        /// The route checks the request before its body is read (`Route.admission`): nothing of
        /// the body is parsed, and `100 Continue` (`sendContinue`) waits, until it is admitted.
        case awaitingAdmission(BodyProgress, sendContinue: Bool)
        case receiving(BodyProgress)
        /// Received to its end, or given up on (then `closeAfterResponse` is set).
        case complete

        var isComplete: Bool { if case .complete = self { return true } else { return false } }
    }

    struct BodyProgress {
        var received = 0
        let limit: Int
        var sink: BodySink
        /// The route answers a too-large body itself (`Route.deferBodyLimit`).
        let defersLimit: Bool
        /// The body stream's consumer is behind: the socket is not read until it catches up.
        var paused = false
        /// When the body began to be read (admitted): the minimum rate applies after its grace.
        var startedAt: UInt64 = 0
        /// Start of the current minimum-rate window and the bytes received by then.
        var window: (at: UInt64, received: Int)?
    }

    /// Where the body bytes of the current request go.
    enum BodySink: Equatable {
        case buffer
        case stream
        /// The response has started: the rest of the body is read and thrown away.
        case discard
    }

    enum ResponsePhase: Equatable {
        /// A buffered route: its handler runs once the whole body is in.
        case awaitingBody
        /// The handler (or the error response) is being produced.
        case pending
        /// The head is queued; a chunked body is still being produced.
        case streaming
        /// Everything is queued; the exchange ends when the output has drained.
        case written

        var hasStarted: Bool { self == .streaming || self == .written }
    }

    /// What the router decided for a request head.
    enum RequestPlan {
        /// Answer with this error without running a handler (404, 405, bad path).
        case refuse(HTTPError)
        /// No route: a static file (which takes no body).
        case serveStatic
        /// A route: its body limit, whether it streams its body, whether it defers the limit, and
        /// whether it checks the request (`Route.admission`) before a body is read.
        case route(limit: Int, streamsBody: Bool, defersLimit: Bool, admits: Bool = false)
    }

    /// The body handed to a handler.
    enum DispatchBody: Equatable {
        case none
        case buffered
        case stream
        case tooLarge(limit: Int)
    }

    /// What happens after a response has been written.
    enum NextStep: Equatable {
        /// Keep-alive: parse the next (perhaps already buffered) request.
        case readNext
        /// Shut down our sending side and drain the input for a while.
        case linger
    }

    enum Action {
        case none
        /// Run the route's admission check; its outcome comes back as `admitted` or a response.
        case admit
        /// Queue the `100 Continue` interim response (RFC 9110 §10.1.1).
        case sendContinue
        /// Run the route's handler, optionally after queueing `100 Continue`.
        case dispatch(DispatchBody, sendContinue: Bool)
        case dispatchStatic
        /// Answer with this error instead of a handler's response; `endStream`: also fail the
        /// request body stream with it; `discardInput`: drop the buffered input (it is garbage).
        case respond(HTTPError, endStream: Bool, discardInput: Bool)
        /// Drop the buffered input (after a parse error once the response has already started).
        case discardInput
        /// End the request body stream (complete, failed, or abandoned because the response went out).
        case endStream(RequestBodyStream.End)
        /// Queue the last chunk of a streamed response.
        case writeLastChunk
        /// A streamed response failed midway: log it and close without the last chunk, so the
        /// body cannot look complete.
        case abortResponse
        /// The response is written: log the exchange, then go on as told.
        case completeRequest(then: NextStep)
        /// The client ended its input after a complete request: stop reading, keep answering.
        case stopReading
        /// Close now, failing the body stream with this error first if given.
        case close(failStream: HTTPError?)
    }

    /// What to do with the body bytes just parsed.
    enum BodyAction {
        case buffer
        case push
        case discard
        case act(Action)
    }

    /// Whether the owner should read the socket.
    enum InputDemand: Equatable {
        case read
        /// A complete request awaits its response: read nothing, but read interest may stay
        /// registered until bytes actually arrive (clients rarely pipeline).
        case park
        case none
    }

    /// The configuration's timeouts in nanoseconds; `HTTPServerConfiguration` says why each value
    /// and what happens when it expires.
    struct Timeouts {
        var header: UInt64
        var body: UInt64
        var idle: UInt64
        var linger: UInt64
        /// Off when `bytes` is 0.
        var minBodyRate = MinimumBodyRate(bytes: 0, window: 0)
    }

    /// A body must bring at least `bytes` per `window` once it has been read for one `window`
    /// (the grace for a slow start): a client trickling a byte now and then, which the
    /// no-progress timeout never catches, gets 408 and the connection closes.
    struct MinimumBodyRate {
        var bytes: Int
        var window: UInt64
    }

    /// Bytes a lingering close discards before giving up on the client: enough for any body a
    /// client sends before it notices the response, small enough to cap the work.
    static let lingerBytes = 1 << 20

    let timeouts: Timeouts
    /// Changed only by the transition methods (here and in the `+Request`/`+Response` extensions,
    /// which is why the setter cannot be private).
    var state: State

    init(timeouts: Timeouts, now: UInt64) {
        self.timeouts = timeouts
        state = .idle(since: now)
    }

    // MARK: Queries

    var isIdle: Bool { if case .idle = state { return true } else { return false } }
    var isClosed: Bool { if case .closed = state { return true } else { return false } }
    var isLingering: Bool { if case .lingering = state { return true } else { return false } }

    /// The parser may run: between requests, or while a body is arriving and not paused.
    var acceptsInput: Bool {
        switch state {
        case .idle: return true
        case .exchange(let x):
            if case .receiving(let p) = x.body { return !p.paused }
            return false
        case .lingering, .closed: return false
        }
    }

    /// The route's admission check is running: the body waits, unread.
    var awaitsAdmission: Bool {
        if case .exchange(let x) = state, case .awaitingAdmission = x.body { return true }
        return false
    }

    var inputDemand: InputDemand {
        switch state {
        case .idle, .lingering: return .read
        case .closed: return .none
        case .exchange(let x):
            if x.inputEnded { return .none }
            if case .receiving(let p) = x.body { return p.paused ? .none : .read }
            return .park
        }
    }

    /// The client has shut down its sending side: nothing more will be read.
    var inputEnded: Bool { if case .exchange(let x) = state { return x.inputEnded } else { return false } }

    static func tooLarge(_ limit: Int) -> HTTPError {
        HTTPError(status: 413, code: "payload_too_large", message: "request body larger than \(limit) bytes")
    }

    static let clientClosedMidBody = HTTPError(status: 400, code: "client_closed", message: "client closed the connection mid-body")
    static let headTimeout = HTTPError(status: 408, code: "request_timeout", message: "request head not received in time")
    static let bodyTimeout = HTTPError(status: 408, code: "request_timeout", message: "request body not received in time")
    static let bodyWithStaticGet = HTTPError.badRequest("GET request with a body")

    func bodyTooSlow() -> HTTPError {
        HTTPError(status: 408, code: "request_timeout",
                  message: "request body slower than \(timeouts.minBodyRate.bytes) bytes per \(timeouts.minBodyRate.window / 1_000_000_000) s")
    }
}
