/// How a TLS client session trusts and identifies itself to a server.
///
/// Mirrors the settings of Fabric's connection profiles (`tlsCACerts`,
/// `ssl-target-name-override`, client cert/key for mutual TLS; docs/fabric-notes.md §11).
public struct TLSClientConfiguration: Sendable, Hashable {
    /// Trust anchors (PEM text; each string may hold several certificates).
    public var rootCertificatesPEM: [String]
    /// Name used for SNI and hostname verification instead of the connect host
    /// (the SDKs' `ssl-target-name-override`). An IP literal is checked against IP SANs.
    public var serverNameOverride: String?
    /// Client certificate (leaf first, optional chain after it) for mutual TLS.
    public var clientCertificatePEM: String?
    /// Private key matching `clientCertificatePEM` (PEM, PKCS#8 or traditional).
    public var clientKeyPEM: String?
    /// The one ALPN protocol offered and required: `h2` for gRPC, `http/1.1` for the gateway's
    /// own command-line client talking to its HTTPS listener.
    public var alpnProtocol: String

    public init(rootCertificatesPEM: [String], serverNameOverride: String? = nil,
                clientCertificatePEM: String? = nil, clientKeyPEM: String? = nil, alpnProtocol: String = "h2") {
        self.rootCertificatesPEM = rootCertificatesPEM
        self.serverNameOverride = serverNameOverride
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.alpnProtocol = alpnProtocol
    }
}
