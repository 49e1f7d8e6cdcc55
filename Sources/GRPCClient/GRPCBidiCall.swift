/// A running bidirectional-streaming call. `send` and `finishSending` may be called from any
/// task (in order); iterate `responses` once, from one task.
public final class GRPCBidiCall: Sendable {
    let core: GRPCChannelCore
    let call: GRPCCall
    /// Response messages; ends with the call's status (throws `GRPCStatusError` if not OK).
    public let responses: AsyncThrowingStream<[UInt8], any Error>

    init(core: GRPCChannelCore, call: GRPCCall, responses: AsyncThrowingStream<[UInt8], any Error>) {
        self.core = core
        self.call = call
        self.responses = responses
    }

    /// Sends one message. Returns once it is queued below the per-stream high-water mark
    /// (backpressure); throws the call's error if it already failed.
    public func send(_ message: [UInt8]) async throws {
        let frame = try GRPCMessageFraming.frame(message, maxBytes: core.options.maxMessageBytes)
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            core.loop.execute { [core, call] in core.send(call, frame: frame, waiter: waiter) }
        }
    }

    /// Half-closes the request stream (END_STREAM); the server may still respond.
    public func finishSending() {
        core.loop.execute { [core, call] in core.finishSending(call) }
    }

    /// Cancels the call (RST_STREAM CANCEL); `responses` ends with CANCELLED.
    public func cancel() {
        core.loop.execute { [core, call] in
            core.cancel(call, GRPCStatusError(code: .cancelled, message: "call cancelled by the client"))
        }
    }
}

extension GRPCChannelCore {
    func send(_ call: GRPCCall, frame: [UInt8], waiter: CheckedContinuation<Void, any Error>) {
        precondition(!call.isRequestFinished || call.isFinished, "GRPCBidiCall.send after finishSending")
        guard !call.isFinished, let connection = call.connection else {
            if let error = call.finishError { waiter.resume(throwing: error) } else { waiter.resume() }
            return
        }
        connection.send(call, frame: frame, end: false)
        if connection.pendingRequestBytes(call) < options.sendHighWaterBytes || call.isFinished {
            call.sendWaiters.append(waiter)
            call.resumeSendWaiters()
        } else {
            connection.waitForDrain(call, waiter)
        }
    }

    func finishSending(_ call: GRPCCall) {
        guard !call.isFinished, !call.isRequestFinished else { return }
        call.isRequestFinished = true
        call.connection?.send(call, frame: [], end: true)
    }
}
