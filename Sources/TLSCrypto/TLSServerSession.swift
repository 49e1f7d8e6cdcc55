internal import COpenSSL

/// One TLS server connection over memory BIOs: pure, no I/O. The owner moves bytes:
/// socket -> `receiveCiphertext` -> `handshake`/`readPlaintext`, and `writePlaintext` ->
/// `takeCiphertext` -> socket. Confined to one thread (its event loop).
public final class TLSServerSession {
    private let ssl: OpaquePointer
    private let networkIn: OpaquePointer   // ciphertext from the client (SSL reads it)
    private let networkOut: OpaquePointer  // ciphertext for the client (SSL writes it)
    /// The context this session began with (a reload replaces the server's, not this one).
    public let context: TLSServerContext
    public private(set) var isHandshakeComplete = false
    /// The verified client certificate, once the handshake is complete (nil without one).
    public private(set) var peerCertificate: X509Certificate?

    public init(context: TLSServerContext) throws(TLSError) {
        guard let ssl = SSL_new(context.ctx) else {
            throw TLSError.fromErrorQueue(.configuration, "cannot create TLS session")
        }
        guard let rbio = BIO_new(BIO_s_mem()), let wbio = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw TLSError(.configuration, "cannot create TLS memory buffers")
        }
        _ = copenssl_BIO_set_mem_eof_return(rbio, -1)
        _ = copenssl_BIO_set_mem_eof_return(wbio, -1)
        SSL_set_bio(ssl, rbio, wbio)  // SSL owns both BIOs now
        self.ssl = ssl
        self.networkIn = rbio
        self.networkOut = wbio
        self.context = context
        SSL_set_accept_state(ssl)
    }

    deinit { SSL_free(ssl) }

    /// Hands ciphertext read from the socket to the session.
    public func receiveCiphertext(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let written = BIO_write(networkIn, base, Int32(bytes.count))
        precondition(written == Int32(bytes.count), "memory BIO write cannot fail")
    }

    /// Ciphertext waiting to be written to the socket.
    public var pendingCiphertextCount: Int { Int(copenssl_BIO_ctrl_pending(networkOut)) }

    /// Moves all pending ciphertext to the end of `buffer`.
    public func takeCiphertext(appendingTo buffer: inout [UInt8]) {
        let count = pendingCiphertextCount
        guard count > 0 else { return }
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: count))
        let read = buffer.withUnsafeMutableBytes { raw in
            BIO_read(networkOut, raw.baseAddress! + start, Int32(count))
        }
        buffer.removeLast(count - Int(max(read, 0)))
    }

    /// Advances the handshake. Returns true once it is complete. A refused client (no or an
    /// unverifiable certificate, no common version or cipher, ALPN without `http/1.1`) throws;
    /// the alert for it is pending ciphertext by then.
    public func handshake() throws(TLSError) -> Bool {
        if isHandshakeComplete { return true }
        let rc = SSL_do_handshake(ssl)
        if rc == 1 {
            isHandshakeComplete = true
            if let peer = SSL_get0_peer_certificate(ssl) {
                // OpenSSL parsed and verified it already; a certificate our parser cannot read
                // (an unreadable validity period) simply gives no identity (no binding matches).
                peerCertificate = try? X509Certificate(der: TLSServerContext.der(peer))
            }
            return true
        }
        let error = SSL_get_error(ssl, rc)
        if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return false }
        let verify = SSL_get_verify_result(ssl)
        if verify != Int(X509_V_OK) {
            ERR_clear_error()
            let reason = X509_verify_cert_error_string(verify).map { String(cString: $0) } ?? "code \(verify)"
            throw TLSError(.certificateVerification, "client certificate refused: \(reason)")
        }
        throw TLSError.fromErrorQueue(.protocolFailure, "TLS handshake failed")
    }

    /// The negotiated protocol and cipher (`TLSv1.3 TLS_AES_256_GCM_SHA384`), for logs.
    public var negotiated: String {
        let version = String(cString: SSL_get_version(ssl))
        let cipher = SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? "-"
        return "\(version) \(cipher)"
    }

    /// The SNI name the client sent, if any (accepted whatever it is: one certificate serves all).
    public var serverName: String? {
        SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name).map { String(cString: $0) }
    }

    /// Decrypts everything available through `scratch` (the caller's reusable buffer: nothing
    /// is allocated per read), appending it to `buffer`. Returns false once the client sent
    /// close_notify.
    public func readPlaintext(appendingTo buffer: inout [UInt8], scratch: UnsafeMutableRawBufferPointer) throws(TLSError) -> Bool {
        precondition(scratch.count > 0, "empty scratch buffer")
        while true {
            let rc = SSL_read(ssl, scratch.baseAddress, Int32(clamping: scratch.count))
            if rc > 0 {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<Int(rc)]))
                continue
            }
            switch SSL_get_error(ssl, rc) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return true
            case SSL_ERROR_ZERO_RETURN: return false
            default: throw TLSError.fromErrorQueue(.protocolFailure, "TLS read failed")
            }
        }
    }

    /// Encrypts plaintext; returns how many bytes were consumed (all of them once the
    /// handshake is complete: memory BIOs never block).
    public func writePlaintext(_ bytes: UnsafeRawBufferPointer) throws(TLSError) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        let rc = SSL_write(ssl, base, Int32(bytes.count))
        if rc > 0 { return Int(rc) }
        switch SSL_get_error(ssl, rc) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return 0
        default: throw TLSError.fromErrorQueue(.protocolFailure, "TLS write failed")
        }
    }

    /// Queues a close_notify alert (take it with `takeCiphertext`).
    public func shutdown() {
        if isHandshakeComplete { _ = SSL_shutdown(ssl) }
        ERR_clear_error()
    }
}
