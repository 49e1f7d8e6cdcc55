internal import COpenSSL

/// One TLS client connection over memory BIOs: pure, no I/O. The owner moves bytes:
/// socket -> `receiveCiphertext` -> `readPlaintext`, and `writePlaintext` ->
/// `takeCiphertext` -> socket. Confined to one thread.
public final class TLSClientSession {
    private let ssl: OpaquePointer
    private let networkIn: OpaquePointer   // ciphertext from the peer (SSL reads it)
    private let networkOut: OpaquePointer  // ciphertext for the peer (SSL writes it)
    private let context: TLSClientContext  // keeps SSL_CTX alive
    private let verifyName: String
    public private(set) var isHandshakeComplete = false

    /// - Parameter serverName: the name to verify (and send as SNI unless it is an IP literal).
    public init(context: TLSClientContext, serverName: String) throws(TLSError) {
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
        self.verifyName = serverName
        SSL_set_connect_state(ssl)
        try configureServerName(serverName)
    }

    deinit { SSL_free(ssl) }

    private func configureServerName(_ name: String) throws(TLSError) {
        // An IP literal is matched against IP SANs and never sent as SNI (RFC 6066 §3).
        if X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1 { return }
        ERR_clear_error()
        guard SSL_set1_host(ssl, name) == 1, copenssl_SSL_set_tlsext_host_name(ssl, name) == 1 else {
            throw TLSError.fromErrorQueue(.configuration, "invalid TLS server name '\(name)'")
        }
    }

    /// Hands ciphertext read from the socket to the session.
    public func receiveCiphertext(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let written = BIO_write(networkIn, base, Int32(bytes.count))
        precondition(written == Int32(bytes.count), "memory BIO write cannot fail")
    }

    /// Ciphertext waiting to be written to the socket.
    public var pendingCiphertextCount: Int { Int(copenssl_BIO_ctrl_pending(networkOut)) }

    /// Moves up to `maxBytes` of pending ciphertext to the end of `buffer`.
    public func takeCiphertext(appendingTo buffer: inout [UInt8], maxBytes: Int = .max) {
        let count = min(pendingCiphertextCount, maxBytes)
        guard count > 0 else { return }
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: count))
        let read = buffer.withUnsafeMutableBytes { raw in
            BIO_read(networkOut, raw.baseAddress! + start, Int32(count))
        }
        buffer.removeLast(count - Int(max(read, 0)))
    }

    /// Advances the handshake. Returns true once it is complete and the configured ALPN protocol
    /// (`h2` by default) was selected.
    public func handshake() throws(TLSError) -> Bool {
        if isHandshakeComplete { return true }
        let rc = SSL_do_handshake(ssl)
        if rc == 1 {
            try checkALPN()
            isHandshakeComplete = true
            return true
        }
        let error = SSL_get_error(ssl, rc)
        if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { return false }
        throw handshakeError()
    }

    private func handshakeError() -> TLSError {
        let verify = SSL_get_verify_result(ssl)
        if verify != Int(X509_V_OK) {
            ERR_clear_error()
            let reason = X509_verify_cert_error_string(verify).map { String(cString: $0) } ?? "code \(verify)"
            return TLSError(.certificateVerification,
                            "TLS certificate verification failed for '\(verifyName)': \(reason)")
        }
        return TLSError.fromErrorQueue(.protocolFailure, "TLS handshake with '\(verifyName)' failed")
    }

    private func checkALPN() throws(TLSError) {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        let expected = context.configuration.alpnProtocol
        guard let data, Array(UnsafeBufferPointer(start: data, count: Int(length))) == Array(expected.utf8) else {
            throw TLSError(.alpnNotNegotiated, "TLS server '\(verifyName)' did not negotiate ALPN protocol \(expected)")
        }
    }

    /// Decrypts what is available, appending at most `maxBytes` to `buffer`.
    /// Returns false once the peer sent close_notify.
    public func readPlaintext(appendingTo buffer: inout [UInt8], maxBytes: Int = 256 * 1024) throws(TLSError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        var total = 0
        while total < maxBytes {
            let rc = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if rc > 0 {
                buffer.append(contentsOf: chunk[0..<Int(rc)])
                total += Int(rc)
                continue
            }
            switch SSL_get_error(ssl, rc) {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return true
            case SSL_ERROR_ZERO_RETURN: return false
            default: throw TLSError.fromErrorQueue(.protocolFailure, "TLS read from '\(verifyName)' failed")
            }
        }
        return true
    }

    /// Encrypts plaintext; returns how many bytes were consumed (all of them once the
    /// handshake is complete: memory BIOs never block).
    public func writePlaintext(_ bytes: UnsafeRawBufferPointer) throws(TLSError) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        let rc = SSL_write(ssl, base, Int32(bytes.count))
        if rc > 0 { return Int(rc) }
        switch SSL_get_error(ssl, rc) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return 0
        default: throw TLSError.fromErrorQueue(.protocolFailure, "TLS write to '\(verifyName)' failed")
        }
    }

    /// Queues a close_notify alert (take it with `takeCiphertext`).
    public func shutdown() {
        if isHandshakeComplete { _ = SSL_shutdown(ssl) }
        ERR_clear_error()
    }
}
