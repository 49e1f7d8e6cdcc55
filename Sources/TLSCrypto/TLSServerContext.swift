internal import COpenSSL

/// An OpenSSL server context built once from a `TLSServerConfiguration`: TLS 1.2 or 1.3 with
/// AEAD ciphers only, ALPN `http/1.1`, renegotiation refused, optional client-certificate
/// verification. Immutable after init and safe to share between threads (OpenSSL contexts
/// are); a certificate reload builds a new context, and sessions keep the one they began with.
public final class TLSServerContext: @unchecked Sendable {
    let ctx: OpaquePointer
    public let configuration: TLSServerConfiguration
    /// The server certificate's leaf (for logs and `check-config`).
    public let certificate: X509Certificate

    public init(configuration c: TLSServerConfiguration) throws(TLSError) {
        _ = copenssl_OPENSSL_init_ssl()
        guard let ctx = SSL_CTX_new(TLS_server_method()) else {
            throw TLSError.fromErrorQueue(.configuration, "cannot create TLS server context")
        }
        self.ctx = ctx
        self.configuration = c
        let certs = try TLSClientContext.readCertificates(c.certificatePEM, what: "server certificate")
        defer { certs.forEach { X509_free($0) } }
        do {
            certificate = try X509Certificate(der: Self.der(certs[0]))
        } catch {
            throw TLSError(.configuration, "cannot read server certificate: \(error)")
        }
        let min = c.minVersion == .tls13 ? TLS1_3_VERSION : TLS1_2_VERSION
        _ = copenssl_SSL_CTX_set_min_proto_version(ctx, min)
        _ = copenssl_SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION)
        // Client-initiated renegotiation is refused (a no_renegotiation alert): it re-runs the
        // costly part of the handshake at the client's will, and TLS 1.3 removed it anyway.
        _ = copenssl_SSL_CTX_set_options(ctx, copenssl_SSL_OP_NO_RENEGOTIATION() | copenssl_SSL_OP_CIPHER_SERVER_PREFERENCE()
                                         | copenssl_SSL_OP_NO_COMPRESSION())
        // Memory BIOs may be drained in pieces; allow partial writes and moving buffers.
        _ = copenssl_SSL_CTX_set_mode(ctx, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        copenssl_SSL_CTX_select_alpn_http11(ctx)
        // Resumed sessions must belong to this service (required once client certs are verified).
        let sid = Array("chaincode-gateway".utf8)
        _ = SSL_CTX_set_session_id_context(ctx, sid, UInt32(sid.count))
        try configureCiphers(c)
        try useIdentity(certs: certs, keyPEM: c.keyPEM)
        try configureClientAuth(c)
    }

    deinit { SSL_CTX_free(ctx) }

    private func configureCiphers(_ c: TLSServerConfiguration) throws(TLSError) {
        guard SSL_CTX_set_cipher_list(ctx, c.ciphers) == 1 else {
            throw TLSError.fromErrorQueue(.configuration, "invalid TLS 1.2 cipher list '\(c.ciphers)'")
        }
        guard SSL_CTX_set_ciphersuites(ctx, c.cipherSuites) == 1 else {
            throw TLSError.fromErrorQueue(.configuration, "invalid TLS 1.3 cipher suites '\(c.cipherSuites)'")
        }
        // Only AEAD ciphers: a list that lets in CBC or stream ciphers is a configuration error.
        guard let list = SSL_CTX_get_ciphers(ctx) else { return }
        for i in 0..<OPENSSL_sk_num(list) {
            guard let cipher = OPENSSL_sk_value(list, i) else { continue }
            let p = OpaquePointer(cipher)
            if SSL_CIPHER_is_aead(p) != 1 {
                let name = SSL_CIPHER_get_name(p).map { String(cString: $0) } ?? "?"
                throw TLSError(.configuration, "TLS cipher '\(name)' is not an AEAD cipher; only AEAD ciphers are allowed")
            }
        }
    }

    private func useIdentity(certs: [OpaquePointer], keyPEM: String) throws(TLSError) {
        guard SSL_CTX_use_certificate(ctx, certs[0]) == 1 else {
            throw TLSError.fromErrorQueue(.configuration, "cannot use server certificate")
        }
        for extra in certs.dropFirst() where copenssl_SSL_CTX_add1_chain_cert(ctx, extra) != 1 {
            throw TLSError.fromErrorQueue(.configuration, "cannot add server certificate chain")
        }
        let key: OpaquePointer? = keyPEM.withCString { text in
            guard let bio = BIO_new_mem_buf(text, Int32(strlen(text))) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else { throw TLSError.fromErrorQueue(.configuration, "cannot parse server key PEM") }
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_PrivateKey(ctx, key) == 1, SSL_CTX_check_private_key(ctx) == 1 else {
            throw TLSError.fromErrorQueue(.configuration, "server key does not match server certificate")
        }
    }

    private func configureClientAuth(_ c: TLSServerConfiguration) throws(TLSError) {
        guard c.clientAuth != .none else {
            SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
            return
        }
        guard let pem = c.clientCAPEM else {
            throw TLSError(.configuration, "clientAuth '\(c.clientAuth.rawValue)' needs a client CA (clientCAFile)")
        }
        guard let store = SSL_CTX_get_cert_store(ctx) else {
            throw TLSError(.configuration, "TLS context has no certificate store")
        }
        for cert in try TLSClientContext.readCertificates(pem, what: "client CA certificate") {
            defer { X509_free(cert) }
            guard X509_STORE_add_cert(store, cert) == 1, SSL_CTX_add_client_CA(ctx, cert) == 1 else {
                throw TLSError.fromErrorQueue(.configuration, "cannot add client CA certificate")
            }
        }
        let mode = c.clientAuth == .required ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER
        SSL_CTX_set_verify(ctx, mode, nil)
    }

    static func der(_ x509: OpaquePointer) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        let n = i2d_X509(x509, &out)
        guard n > 0, let out else { ERR_clear_error(); return [] }
        defer { copenssl_OPENSSL_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(n)))
    }
}
