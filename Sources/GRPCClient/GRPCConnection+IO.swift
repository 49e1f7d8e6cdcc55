import EventLoop
import SystemIO
import TLSCrypto

/// The HTTP/2 pump (nghttp2 examples/client.c): socket -> TLS -> mem_recv, then
/// mem_send -> TLS -> socket; write interest only while output is pending.
extension GRPCConnection: IOHandler {
    /// Reads per wakeup are capped so one busy connection cannot starve the loop.
    static let maxReadsPerWakeup = 16
    /// Plaintext produced per pass before encrypting and writing it.
    static let outputChunkBytes = 256 * 1024
    /// Output produced per wakeup: a 100 MiB request must not hold the loop (and every other
    /// connection's timers) for its whole transfer. More waits for the next writable event.
    static let maxOutputPerWakeup = 4 * 1024 * 1024

    func ioReady(readable: Bool, writable: Bool, hangup: Bool) {
        guard state != .closed else { return }
        if state == .connecting {
            guard writable || hangup else { return }
            do {
                try socket?.finishConnect()
                try tcpConnected()
            } catch {
                closeSocket()
                state = .resolving
                connectNextAddress(lastError: error)
            }
            return
        }
        pump(readable: readable || hangup)
    }

    /// Moves bytes in both directions until nothing more can move; fails the connection on error.
    func pump(readable: Bool) {
        do {
            if readable { try readAvailable() }
            guard state != .closed else { return }
            try flush()
            guard state != .closed else { return }
            updateInterest()
            closeIfFinished()
        } catch let error as GRPCConnectionError {
            fail(error)
        } catch {
            fail(.lost(target.description, "\(error)"))
        }
    }

    private func readAvailable() throws {
        for _ in 0..<Self.maxReadsPerWakeup {
            guard let socket, state != .closed else { return }
            let result = try readBuffer.withUnsafeMutableBytes { try socket.read(into: $0) }
            guard case .processed(let count) = result else { return }
            guard count > 0 else { throw peerClosed() }
            keepalive?.received(now: Sys.monotonicNanos())
            try readBuffer.withUnsafeBytes { try received(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            if count < readBuffer.count { return }
        }
    }

    private func peerClosed() -> GRPCConnectionError {
        if state == .handshaking {
            return .connectFailed(target.description, "server closed the connection during the TLS handshake")
        }
        return .lost(target.description, "server closed the connection")
    }

    private func received(_ bytes: UnsafeRawBufferPointer) throws {
        guard let tls else {
            try http2.receive(bytes)
            handleEvents()
            return
        }
        tls.receiveCiphertext(bytes)
        if state == .handshaking {
            do {
                guard try tls.handshake() else { return }
            } catch {
                throw GRPCConnectionError.connectFailed(target.description, error.message)
            }
            becomeReady()
        }
        var plaintext: [UInt8] = []
        repeat {
            plaintext.removeAll(keepingCapacity: true)
            let open = try tls.readPlaintext(appendingTo: &plaintext)
            try plaintext.withUnsafeBytes { try http2.receive($0) }
            handleEvents()
            if !open { throw peerClosed() }
        } while !plaintext.isEmpty && state != .closed
    }

    /// Produces HTTP/2 output, encrypts it and writes until the socket would block.
    private func flush() throws {
        guard state == .ready else {
            tls?.takeCiphertext(appendingTo: &outbound)  // handshake records
            _ = try writeOutbound()
            return
        }
        var plaintext: [UInt8] = []
        var produced = 0
        outputCapped = false
        while true {
            plaintext.removeAll(keepingCapacity: true)
            try http2.produceOutput(into: &plaintext, limit: Self.outputChunkBytes)
            try appendOutbound(plaintext)
            resumeDrainedSenders()
            produced += plaintext.count
            guard try writeOutbound(), !plaintext.isEmpty else { return }
            if produced >= Self.maxOutputPerWakeup {
                outputCapped = http2.wantsWrite
                return
            }
        }
    }

    var outboundCount: Int { outbound.count - outboundOffset }

    private func appendOutbound(_ plaintext: [UInt8]) throws {
        guard let tls else {
            outbound.append(contentsOf: plaintext)
            return
        }
        var offset = 0
        while offset < plaintext.count {
            let used = try plaintext.withUnsafeBytes { try tls.writePlaintext(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            precondition(used > 0, "TLS write after the handshake consumes input")
            offset += used
        }
        tls.takeCiphertext(appendingTo: &outbound)
    }

    /// Writes pending bytes; returns true if all were written.
    private func writeOutbound() throws -> Bool {
        while outboundCount > 0 {
            guard let socket else { return false }
            let result = try outbound.withUnsafeBytes { try socket.write(from: UnsafeRawBufferPointer(rebasing: $0[outboundOffset...])) }
            guard case .processed(let written) = result else { return false }
            outboundOffset += written
        }
        outbound.removeAll(keepingCapacity: outbound.capacity <= 1024 * 1024)
        outboundOffset = 0
        return true
    }

    func updateInterest() {
        guard let registration, state != .closed else { return }
        var interest: IOInterest = .read
        if outboundCount > 0 || outputCapped { interest.insert(.write) }
        loop.setInterest(registration, interest)
    }

    /// Closes once nghttp2 is done (GOAWAY exchanged, no streams) and output is flushed.
    private func closeIfFinished() {
        guard state == .ready, outboundCount == 0 else { return }
        if !http2.wantsRead && !http2.wantsWrite {
            close(error: activeCalls.isEmpty ? nil : .lost(target.description, "HTTP/2 session ended"))
        } else if isGoingAway && !hasCalls {
            close(error: nil)
        }
    }
}
