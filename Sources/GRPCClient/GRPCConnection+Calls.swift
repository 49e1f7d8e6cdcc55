import EventLoop
import SystemIO

/// Opening streams for calls, request bodies, cancellation.
extension GRPCConnection {
    static let userAgent = "chaincode-gateway-grpc/1.0"

    /// Takes a call: opens its stream now if ready, else when the connection is.
    func enqueue(_ call: GRPCCall) {
        precondition(acceptsCalls, "enqueue on a connection that accepts no calls")
        call.connection = self
        if state == .idle { preconditionFailure("enqueue before start") }
        guard state == .ready else {
            waitingCalls.append(call)
            return
        }
        open(call)
        scheduleFlush()
    }

    /// Writes the output of calls opened or fed during this loop pass once, after the tasks that
    /// queued them: under load several handlers' requests leave in one write() instead of one
    /// each, and a lone call still leaves in the same pass (the loop runs tasks queued by tasks).
    func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        loop.execute { [self] in
            flushScheduled = false
            guard state != .closed else { return }
            pump(readable: false)
        }
    }

    /// Submits HEADERS (the request header set of docs/fabric-notes.md §12.1) and queued body bytes.
    func open(_ call: GRPCCall) {
        guard !call.isFinished else { return }
        var headers = [
            (":method", "POST"),
            (":scheme", tls == nil ? "http" : "https"),
            (":path", call.path),
            (":authority", target.tls?.serverNameOverride ?? target.description),
            ("content-type", "application/grpc"),
            ("te", "trailers"),
            ("user-agent", Self.userAgent),
        ]
        if let deadline = call.deadlineNanos {
            let remaining = deadline > Sys.monotonicNanos() ? deadline - Sys.monotonicNanos() : 1
            headers.append(("grpc-timeout", GRPCHeaderValues.timeout(.nanoseconds(Int64(remaining)))))
        }
        let id: Int32
        do {
            id = try http2.submitRequest(headers: headers)
        } catch {
            call.clearDeadline(on: loop)
            call.finish(GRPCStatusError(code: .unavailable, message: "cannot open a stream to \(target): \(error)"))
            return
        }
        call.streamID = id
        activeCalls[id] = call
        let queued = call.queuedRequest
        call.queuedRequest = []
        call.queuedRequestBytes = 0
        for (index, frame) in queued.enumerated() {
            http2.appendBody(streamID: id, frame, end: call.isRequestFinished && index == queued.count - 1)
        }
        if queued.isEmpty && call.isRequestFinished { http2.appendBody(streamID: id, [], end: true) }
        if !call.sendWaiters.isEmpty { callsWithSendWaiters[id] = call }
    }

    /// Queues one framed request message (and optionally the half-close).
    func send(_ call: GRPCCall, frame: [UInt8], end: Bool) {
        guard !call.isFinished else { return }
        if let id = call.streamID {
            http2.appendBody(streamID: id, frame, end: end)
            scheduleFlush()
        } else {
            if !frame.isEmpty { call.queuedRequest.append(frame) }
            call.queuedRequestBytes += frame.count
        }
    }

    /// Bytes of `call`'s request not yet handed to the socket layer.
    func pendingRequestBytes(_ call: GRPCCall) -> Int {
        guard let id = call.streamID else { return call.queuedRequestBytes }
        return http2.pendingBodyBytes(streamID: id)
    }

    /// Parks a sender until the call's queued request bytes drop below the high-water mark.
    func waitForDrain(_ call: GRPCCall, _ waiter: CheckedContinuation<Void, any Error>) {
        call.sendWaiters.append(waiter)
        if let id = call.streamID { callsWithSendWaiters[id] = call }
        resumeDrainedSenders()
    }

    func resumeDrainedSenders() {
        for (id, call) in callsWithSendWaiters where pendingRequestBytes(call) < options.sendHighWaterBytes {
            callsWithSendWaiters[id] = nil
            call.resumeSendWaiters()
        }
    }

    /// Ends a call locally (deadline, cancellation): RST_STREAM(CANCEL) if its stream is open.
    func cancel(_ call: GRPCCall, _ error: GRPCStatusError) {
        if let index = waitingCalls.firstIndex(where: { $0 === call }) {
            waitingCalls.remove(at: index)
            call.clearDeadline(on: loop)
            call.finish(error)
            return
        }
        end(call, error)
        pump(readable: false)
    }
}

extension GRPCCall {
    func clearDeadline(on loop: EventLoop) {
        if let deadlineTimer { loop.cancelTimer(deadlineTimer) }
        deadlineTimer = nil
    }
}
