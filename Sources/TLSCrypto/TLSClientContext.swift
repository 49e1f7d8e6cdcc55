internal import COpenSSL

/// An OpenSSL client context built once from a `TLSClientConfiguration`: TLS 1.2 minimum,
/// ALPN `h2` (or the configured protocol), peer verification against the configured roots, optional client identity.
/// Immutable after init; OpenSSL contexts are safe to share between threads.
public final class TLSClientContext: @unchecked Sendable {
    let ctx: OpaquePointer
    public let configuration: TLSClientConfiguration

    public init(configuration: TLSClientConfiguration) throws(TLSError) {
        _ = copenssl_OPENSSL_init_ssl()
        guard let ctx = SSL_CTX_new(TLS_client_method()) else {
            throw TLSError.fromErrorQueue(.configuration, "cannot create TLS context")
        }
        self.ctx = ctx
        self.configuration = configuration
        _ = copenssl_SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)
        // Memory BIOs may be drained in pieces; allow partial writes and moving buffers.
        _ = copenssl_SSL_CTX_set_mode(ctx, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        _ = copenssl_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_OFF))
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        // Offer exactly the configured protocol (wire format: length-prefixed). Returns 0 on success.
        let name = Array(configuration.alpnProtocol.utf8)
        guard (1...255).contains(name.count) else {
            throw TLSError(.configuration, "invalid ALPN protocol '\(configuration.alpnProtocol)'")
        }
        let alpn: [UInt8] = [UInt8(name.count)] + name
        guard SSL_CTX_set_alpn_protos(ctx, alpn, UInt32(alpn.count)) == 0 else {
            throw TLSError.fromErrorQueue(.configuration, "cannot set ALPN protocols")
        }
        try loadRoots(configuration.rootCertificatesPEM)
        if let certPEM = configuration.clientCertificatePEM {
            guard let keyPEM = configuration.clientKeyPEM else {
                throw TLSError(.configuration, "client certificate given without a client key")
            }
            try loadClientIdentity(certificatePEM: certPEM, keyPEM: keyPEM)
        } else if configuration.clientKeyPEM != nil {
            throw TLSError(.configuration, "client key given without a client certificate")
        }
    }

    deinit { SSL_CTX_free(ctx) }

    private func loadRoots(_ pems: [String]) throws(TLSError) {
        guard let store = SSL_CTX_get_cert_store(ctx) else {
            throw TLSError(.configuration, "TLS context has no certificate store")
        }
        var count = 0
        for pem in pems {
            for cert in try Self.readCertificates(pem, what: "root certificate") {
                defer { X509_free(cert) }
                // Duplicate roots are harmless; X509_STORE_add_cert ignores them in OpenSSL 3.
                guard X509_STORE_add_cert(store, cert) == 1 else {
                    throw TLSError.fromErrorQueue(.configuration, "cannot add root certificate")
                }
                count += 1
            }
        }
        guard count > 0 else { throw TLSError(.configuration, "no root certificates configured") }
    }

    private func loadClientIdentity(certificatePEM: String, keyPEM: String) throws(TLSError) {
        let certs = try Self.readCertificates(certificatePEM, what: "client certificate")
        defer { certs.forEach { X509_free($0) } }
        guard let leaf = certs.first else { throw TLSError(.configuration, "client certificate PEM holds no certificate") }
        guard SSL_CTX_use_certificate(ctx, leaf) == 1 else {
            throw TLSError.fromErrorQueue(.configuration, "cannot use client certificate")
        }
        for extra in certs.dropFirst() where copenssl_SSL_CTX_add1_chain_cert(ctx, extra) != 1 {
            throw TLSError.fromErrorQueue(.configuration, "cannot add client certificate chain")
        }
        let key: OpaquePointer? = keyPEM.withCString { text in
            guard let bio = BIO_new_mem_buf(text, Int32(strlen(text))) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else { throw TLSError.fromErrorQueue(.configuration, "cannot parse client key PEM") }
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_PrivateKey(ctx, key) == 1, SSL_CTX_check_private_key(ctx) == 1 else {
            throw TLSError.fromErrorQueue(.configuration, "client key does not match client certificate")
        }
    }

    /// Every certificate in `pem` (caller frees). Throws if none parses.
    static func readCertificates(_ pem: String, what: String) throws(TLSError) -> [OpaquePointer] {
        var certs: [OpaquePointer] = []
        pem.withCString { text in
            guard let bio = BIO_new_mem_buf(text, Int32(strlen(text))) else { return }
            defer { BIO_free(bio) }
            while let cert = PEM_read_bio_X509(bio, nil, nil, nil) { certs.append(cert) }
        }
        ERR_clear_error()  // the loop ends on a "no start line" error
        guard !certs.isEmpty else { throw TLSError(.configuration, "cannot parse \(what) PEM") }
        return certs
    }
}
