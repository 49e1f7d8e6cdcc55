import Synchronization
public import EventLoop

/// A gRPC client channel: one HTTP/2 connection at a time (reopened with exponential
/// backoff when it fails, replaced after GOAWAY) multiplexing any number of calls.
/// Thread-safe: every method may be called from any task; work hops to the event loop.
/// Call `close()` when done; dropping the channel closes its connections too, without waiting.
public final class GRPCChannel: Sendable {
    let core: GRPCChannelCore
    let loop: EventLoop
    let maxMessageBytes: Int

    /// - Parameter maxMessageBytes: largest message sent or received (default 100 MiB, as
    ///   Fabric peers and orderers); larger ones fail with RESOURCE_EXHAUSTED.
    public convenience init(target: GRPCTarget, loop: EventLoop, maxMessageBytes: Int = 100 * 1024 * 1024) {
        var options = GRPCConnectionOptions()
        options.maxMessageBytes = maxMessageBytes
        self.init(target: target, loop: loop, options: options)
    }

    init(target: GRPCTarget, loop: EventLoop, options: GRPCConnectionOptions) {
        self.core = GRPCChannelCore(target: target, loop: loop, options: options)
        self.loop = loop
        self.maxMessageBytes = options.maxMessageBytes
    }

    /// A channel dropped without `close()` still closes its connections (asynchronously).
    deinit {
        loop.execute { [core] in core.close() }
    }

    /// One request, one response. Throws `GRPCStatusError` for a non-OK status,
    /// `GRPCConnectionError` below gRPC, `CancellationError` if the task was cancelled.
    public func unary(path: String, request: [UInt8], timeout: Duration? = nil) async throws -> [UInt8] {
        let frame = try GRPCMessageFraming.frame(request, maxBytes: maxMessageBytes)
        let state = Mutex<UnaryCallState>(.pending)
        // No response stream: the call resumes the caller directly when it ends.
        let response: [UInt8]
        do {
            response = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8], any Error>) in
                    let call = GRPCCall(path: path, timeout: timeout, maxMessageBytes: maxMessageBytes, sink: .unary(continuation))
                    call.queuedRequest = [frame]
                    call.queuedRequestBytes = frame.count
                    call.isRequestFinished = true
                    let cancelledFirst = state.withLock { s -> Bool in
                        defer { s = .started(call) }
                        if case .cancelled = s { return true }
                        return false
                    }
                    let start = { @Sendable [core] in
                        core.start(call)
                        if cancelledFirst { core.cancel(call, GRPCStatusError(code: .cancelled, message: "call cancelled by the client")) }
                    }
                    // A handler running on this channel's loop starts the call at once (its
                    // bytes leave with the pass's flush); from elsewhere, hop to the loop.
                    if loop.inEventLoop { start() } else { loop.execute(start) }
                }
            } onCancel: { [core, loop] in
                let call = state.withLock { s -> GRPCCall? in
                    if case .started(let call) = s { return call }
                    s = .cancelled
                    return nil
                }
                guard let call else { return }
                loop.execute { core.cancel(call, GRPCStatusError(code: .cancelled, message: "call cancelled by the client")) }
            }
        } catch {
            try Task.checkCancellation()
            throw error
        }
        try Task.checkCancellation()
        return response
    }

    private enum UnaryCallState: @unchecked Sendable {
        case pending, cancelled, started(GRPCCall)
    }

    /// One request, a stream of responses ending with the status (throws if not OK).
    /// Dropping the stream or cancelling its consumer cancels the call.
    public func serverStreaming(path: String, request: [UInt8], timeout: Duration? = nil)
        -> AsyncThrowingStream<[UInt8], any Error> {
        do {
            let frame = try GRPCMessageFraming.frame(request, maxBytes: maxMessageBytes)
            return startCall(path: path, timeout: timeout, frame: frame, finishRequest: true).responses
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
    }

    /// A bidirectional stream: `send` messages, `finishSending`, read `responses`.
    public func bidirectional(path: String, timeout: Duration? = nil) -> GRPCBidiCall {
        let (call, responses) = startCall(path: path, timeout: timeout, frame: nil, finishRequest: false)
        return GRPCBidiCall(core: core, call: call, responses: responses)
    }

    /// Fails calls still running with `GRPCConnectionError` ("channel ... is closed") and
    /// closes the connections. Later calls fail the same way.
    public func close() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            loop.execute { [core] in
                core.close()
                done.resume()
            }
        }
    }

    /// `close()` from the channel's own loop thread (e.g. in an `EventLoop.onStop` hook).
    public func closeOnLoop() {
        precondition(loop.inEventLoop, "GRPCChannel.closeOnLoop() called off its loop")
        core.close()
    }

    private func startCall(path: String, timeout: Duration?, frame: [UInt8]?, finishRequest: Bool)
        -> (call: GRPCCall, responses: AsyncThrowingStream<[UInt8], any Error>) {
        let (responses, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self, throwing: (any Error).self)
        let call = GRPCCall(path: path, timeout: timeout, maxMessageBytes: maxMessageBytes, sink: .stream(continuation))
        if let frame {
            call.queuedRequest = [frame]
            call.queuedRequestBytes = frame.count
        }
        call.isRequestFinished = finishRequest
        continuation.onTermination = { [core, loop] termination in
            guard case .cancelled = termination else { return }
            loop.execute {
                core.cancel(call, GRPCStatusError(code: .cancelled, message: "call cancelled by the client"))
            }
        }
        loop.execute { [core] in core.start(call) }
        return (call, responses)
    }
}
