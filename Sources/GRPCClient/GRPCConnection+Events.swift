/// Turns HTTP/2 events into call progress: response headers, messages, status, resets, GOAWAY.
extension GRPCConnection {
    func handleEvents() {
        for event in http2.takeEvents() {
            switch event {
            case .headers(let id, let headers, let endStream):
                guard let call = activeCalls[id] else { continue }
                receivedHeaders(call, headers, endStream: endStream)
            case .data(let id, let bytes):
                guard let call = activeCalls[id] else { continue }
                receivedData(call, bytes)
            case .dataEndStream(let id):
                // gRPC always ends a response with trailers (HEADERS), never with DATA.
                guard let call = activeCalls[id] else { continue }
                end(call, GRPCStatusError(code: call.httpStatus.map { $0 == 200 ? .internalError : .fromHTTPStatus($0) } ?? .internalError,
                                          message: "server ended the stream without gRPC trailers"))
            case .streamClosed(let id, let errorCode):
                streamClosed(id, errorCode: errorCode)
            case .goAway(let lastStreamID, let errorCode, let debugData):
                receivedGoAway(lastStreamID: lastStreamID, errorCode: errorCode, debugData: debugData)
            case .pingAck:
                pingAcknowledged()
            }
        }
    }

    private func receivedHeaders(_ call: GRPCCall, _ headers: [HTTP2Header], endStream: Bool) {
        if call.httpStatus == nil {
            let status = headers.first { $0.name == ":status" }.flatMap { Int($0.value) } ?? 0
            call.httpStatus = status
            if status != 200 {
                end(call, GRPCStatusError(code: .fromHTTPStatus(status), message: "unexpected HTTP status \(status)"))
                return
            }
            guard endStream else { return }  // else: Trailers-Only response
        } else if !endStream {
            end(call, GRPCStatusError(code: .internalError, message: "trailers without END_STREAM"))
            return
        }
        end(call, Self.status(fromTrailers: headers))
    }

    /// The call's outcome from trailers: nil for OK, else the status error.
    static func status(fromTrailers headers: [HTTP2Header]) -> GRPCStatusError? {
        guard let raw = headers.first(where: { $0.name == "grpc-status" })?.value else {
            return GRPCStatusError(code: .internalError, message: "response trailers carry no grpc-status")
        }
        guard let code = Int(raw) else {
            return GRPCStatusError(code: .internalError, message: "invalid grpc-status '\(raw)'")
        }
        if code == 0 { return nil }
        let message = headers.first { $0.name == "grpc-message" }.map { GRPCHeaderValues.percentDecode($0.value) } ?? ""
        return GRPCStatusError(code: GRPCStatusCode(rawValue: code), message: message)
    }

    private func receivedData(_ call: GRPCCall, _ bytes: [UInt8]) {
        do {
            let messages = try bytes.withUnsafeBytes { try call.deframer.process($0) }
            for message in messages { call.deliver(message) }
        } catch let error as GRPCStatusError {
            end(call, error)
        } catch {
            end(call, GRPCStatusError(code: .internalError, message: "\(error)"))
        }
    }

    /// Ends a call with its status (nil = OK). An OK status with a partial message is an error.
    /// If the stream is still open (local failure, or trailers before our half-close), it is
    /// reset with CANCEL so neither side keeps sending.
    func end(_ call: GRPCCall, _ status: GRPCStatusError?) {
        var outcome = status
        if outcome == nil && !call.deframer.isIdle {
            outcome = GRPCStatusError(code: .internalError, message: "stream ended inside a message")
        }
        if let id = call.streamID, activeCalls[id] != nil {
            activeCalls[id] = nil
            callsWithSendWaiters[id] = nil
            if http2.isStreamOpen(id) { http2.resetStream(id) }
        }
        call.clearDeadline(on: loop)
        call.finish(outcome)
    }

    private func streamClosed(_ id: Int32, errorCode: UInt32) {
        guard let call = activeCalls.removeValue(forKey: id) else { return }
        callsWithSendWaiters[id] = nil
        call.clearDeadline(on: loop)
        // RST_STREAM codes (RFC 9113 §7) mapped as gRPC does: REFUSED_STREAM -> UNAVAILABLE,
        // CANCEL -> CANCELLED, ENHANCE_YOUR_CALM -> RESOURCE_EXHAUSTED, others -> INTERNAL.
        let code: GRPCStatusCode = switch errorCode {
        case 0x7: .unavailable
        case 0x8: .cancelled
        case 0xb: .resourceExhausted
        default: .internalError
        }
        call.finish(GRPCStatusError(code: code, message: "stream reset by server (HTTP/2 error code \(errorCode))"))
    }

    private func receivedGoAway(lastStreamID: Int32, errorCode: UInt32, debugData: String) {
        isGoingAway = true
        let detail = debugData.isEmpty ? "error code \(errorCode)" : "error code \(errorCode), \(debugData)"
        let error = GRPCStatusError(code: .unavailable, message: "server sent GOAWAY (\(detail)); call not processed")
        for (id, call) in activeCalls where id > lastStreamID {
            activeCalls[id] = nil
            callsWithSendWaiters[id] = nil
            call.clearDeadline(on: loop)
            call.finish(error)
        }
        // Calls not yet opened here go back to the channel for a new connection.
        let waiting = waitingCalls
        waitingCalls = []
        delegate?.connectionStoppedAcceptingCalls(self)
        for call in waiting { delegate?.reroute(call) }
    }
}
