/// How the gateway's own listener serves TLS: its certificate and key, whether and how it asks
/// for client certificates, the lowest protocol version and the cipher lists.
public struct TLSServerConfiguration: Sendable, Hashable {
    /// Whether the server asks for a client certificate (verified against `clientCAPEM`).
    public enum ClientAuth: String, Sendable, Hashable, CaseIterable {
        /// No certificate is requested.
        case none
        /// A certificate is requested; a client without one is served (bearer tokens), a client
        /// whose certificate does not verify is refused at the handshake.
        case optional
        /// A client without a verifiable certificate is refused at the handshake.
        case required
    }

    public enum ProtocolVersion: String, Sendable, Hashable, CaseIterable {
        case tls12 = "TLS1.2"
        case tls13 = "TLS1.3"
    }

    /// Mozilla's "intermediate" TLS 1.2 list: ECDHE key exchange and AEAD ciphers only
    /// (no CBC, no RSA key transport, no SHA-1 MACs).
    public static let defaultCiphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
        + "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
        + "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
    /// Every TLS 1.3 suite is an AEAD; this is OpenSSL's default order.
    public static let defaultCipherSuites = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"

    /// The server certificate, leaf first, then any intermediates (PEM).
    public var certificatePEM: String
    /// The private key of the leaf (PEM, PKCS#8 or traditional).
    public var keyPEM: String
    /// Trust anchors for client certificates (PEM); required unless `clientAuth` is `.none`.
    public var clientCAPEM: String?
    public var clientAuth: ClientAuth
    public var minVersion: ProtocolVersion
    /// OpenSSL cipher list for TLS 1.2 (`SSL_CTX_set_cipher_list`); only AEAD ciphers are accepted.
    public var ciphers: String
    /// OpenSSL suite list for TLS 1.3 (`SSL_CTX_set_ciphersuites`).
    public var cipherSuites: String

    public init(certificatePEM: String, keyPEM: String, clientCAPEM: String? = nil, clientAuth: ClientAuth = .none,
                minVersion: ProtocolVersion = .tls12, ciphers: String = Self.defaultCiphers,
                cipherSuites: String = Self.defaultCipherSuites) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.clientCAPEM = clientCAPEM
        self.clientAuth = clientAuth
        self.minVersion = minVersion
        self.ciphers = ciphers
        self.cipherSuites = cipherSuites
    }
}
