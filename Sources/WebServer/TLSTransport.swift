import SystemIO
import TLSCrypto

/// The TLS layer of one connection: its `TLSServerSession` and the ciphertext not yet written to
/// the socket. The connection hands it what the socket read and the plaintext it wants to send;
/// no I/O happens here except writing pending ciphertext. Loop-confined.
final class TLSTransport {
    let session: TLSServerSession
    /// When the connection was accepted: the handshake must end within
    /// `HTTPServerConfiguration.tlsHandshakeTimeoutNanos` of it.
    let acceptedAt: UInt64
    private var ciphertext: [UInt8] = []
    private var written = 0
    /// Plaintext bytes are encrypted in pieces of at most this size: one TLS record's payload
    /// (16 KiB, RFC 8446 §5.1) times four keeps the pending ciphertext small.
    static let plaintextPiece = 64 << 10
    static let keptCiphertextCapacity = 4 << 10

    init(session: TLSServerSession, acceptedAt: UInt64) {
        self.session = session
        self.acceptedAt = acceptedAt
    }

    var isHandshakeComplete: Bool { session.isHandshakeComplete }
    var hasPendingCiphertext: Bool { written < ciphertext.count }

    enum Received {
        /// Plaintext (possibly none yet) was appended.
        case data
        /// The client sent close_notify: no more input.
        case closeNotify
    }

    /// Feeds the first `count` bytes of `scratch` (ciphertext read from the socket): advances the
    /// handshake, then decrypts into `plaintext`, reusing `scratch` once its ciphertext is in the
    /// session. Throws `TLSError` when the client is refused or the stream is broken; any alert
    /// is pending ciphertext by then (worth one best-effort write).
    func receive(_ count: Int, in scratch: inout [UInt8], into plaintext: inout [UInt8]) throws(TLSError) -> Received {
        scratch.withUnsafeBytes { session.receiveCiphertext(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        defer { session.takeCiphertext(appendingTo: &ciphertext) }
        if !session.isHandshakeComplete {
            do {
                guard try session.handshake() else { return .data }
            } catch {
                session.takeCiphertext(appendingTo: &ciphertext)
                throw error
            }
        }
        // withUnsafeMutableBytes rethrows untyped: the outcome crosses it as a Result.
        let outcome = scratch.withUnsafeMutableBytes { raw in
            Result { () throws(TLSError) -> Bool in try session.readPlaintext(appendingTo: &plaintext, scratch: raw) }
        }
        return try outcome.get() ? .data : .closeNotify
    }

    /// Encrypts `bytes` (all of them: memory BIOs take everything once the handshake is done).
    func encrypt(_ bytes: UnsafeRawBufferPointer) throws(TLSError) {
        var offset = 0
        while offset < bytes.count {
            let n = try session.writePlaintext(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            guard n > 0 else { throw TLSError(.protocolFailure, "TLS write made no progress") }
            offset += n
        }
        session.takeCiphertext(appendingTo: &ciphertext)
    }

    /// Queues close_notify (RFC 8446 §6.1) before our side shuts down.
    func queueCloseNotify() {
        session.shutdown()
        session.takeCiphertext(appendingTo: &ciphertext)
    }

    /// Writes pending ciphertext; true when none is left.
    func writePending(to socket: Socket) throws -> Bool {
        while written < ciphertext.count {
            let r = try ciphertext.withUnsafeBytes { try socket.write(from: UnsafeRawBufferPointer(rebasing: $0[written...])) }
            guard case .processed(let n) = r else { return false }
            written += n
        }
        // An idle keep-alive connection keeps at most a small buffer (a large download's
        // ~64 KiB would otherwise stay allocated for every connection that ever had one).
        ciphertext.removeAll(keepingCapacity: ciphertext.capacity <= Self.keptCiphertextCapacity)
        written = 0
        return true
    }
}
