import EventLoop

/// Loop-confined state of one RPC: request bytes not yet handed to HTTP/2, the response
/// decoder and where responses go (a stream's continuation, or for a unary call the one
/// awaiting task). Ends exactly once via `finish`.
/// `@unchecked Sendable` only so it can ride in `EventLoop.execute` closures; it is touched
/// on the loop thread only.
final class GRPCCall: @unchecked Sendable {
    typealias Responses = AsyncThrowingStream<[UInt8], any Error>

    let path: String
    let timeout: Duration?
    /// Where responses go.
    enum Sink {
        case stream(Responses.Continuation)
        /// A unary call: the one response (a second one is an error at the end).
        case unary(CheckedContinuation<[UInt8], any Error>)
    }
    private let sink: Sink
    private var unaryResponse: [UInt8]?
    private var unaryExtraResponses = false
    var deframer: GRPCMessageDeframer
    /// Set once HEADERS for the stream were submitted.
    var streamID: Int32?
    /// The connection that owns (or will open) the stream.
    weak var connection: GRPCConnection?
    /// Framed request messages queued before the stream exists.
    var queuedRequest: [[UInt8]] = []
    var queuedRequestBytes = 0
    /// The client has half-closed (or will, once the stream opens).
    var isRequestFinished = false
    /// Response HEADERS seen (so the next header block is the trailers).
    var httpStatus: Int?
    private(set) var isFinished = false
    private(set) var finishError: (any Error)?
    var deadlineTimer: TimerID?
    /// Monotonic deadline (from `timeout`), sent as `grpc-timeout` when the stream opens.
    var deadlineNanos: UInt64?
    /// Callers of `GRPCBidiCall.send` waiting for queued request bytes to drain.
    var sendWaiters: [CheckedContinuation<Void, any Error>] = []

    init(path: String, timeout: Duration?, maxMessageBytes: Int, sink: Sink) {
        self.path = path
        self.timeout = timeout
        self.deframer = GRPCMessageDeframer(maxBytes: maxMessageBytes)
        self.sink = sink
    }

    convenience init(path: String, timeout: Duration?, maxMessageBytes: Int, continuation: Responses.Continuation) {
        self.init(path: path, timeout: timeout, maxMessageBytes: maxMessageBytes, sink: .stream(continuation))
    }

    /// Hands a decoded response message to the consumer.
    func deliver(_ message: [UInt8]) {
        guard !isFinished else { return }
        switch sink {
        case .stream(let continuation): continuation.yield(message)
        case .unary:
            if unaryResponse == nil { unaryResponse = message } else { unaryExtraResponses = true }
        }
    }

    /// Ends the call: nil = status OK. Later calls are ignored (exactly-once).
    func finish(_ error: (any Error)?) {
        guard !isFinished else { return }
        isFinished = true
        finishError = error
        switch sink {
        case .stream(let continuation):
            if let error { continuation.finish(throwing: error) } else { continuation.finish() }
        case .unary(let continuation):
            if let error {
                continuation.resume(throwing: error)
            } else if unaryExtraResponses {
                continuation.resume(throwing: GRPCStatusError(code: .internalError, message: "server sent more than one response to a unary call"))
            } else if let response = unaryResponse {
                continuation.resume(returning: response)
            } else {
                continuation.resume(throwing: GRPCStatusError(code: .internalError, message: "server sent no response to a unary call"))
            }
            unaryResponse = nil
        }
        resumeSendWaiters()
    }

    /// Resumes every waiting sender (with the call's error if it ended with one).
    func resumeSendWaiters() {
        let waiters = sendWaiters
        sendWaiters = []
        for waiter in waiters {
            // After an OK end the message is dropped, as grpc-go's SendMsg does (the status is
            // what the response stream reports).
            if let error = finishError {
                waiter.resume(throwing: error)
            } else {
                waiter.resume()
            }
        }
    }
}
