import TLSCrypto

/// The verified certificate a client presented in the TLS handshake, as an identity: its
/// subject and its SHA-256 fingerprint (of the DER bytes), the two things a binding matches.
public struct ClientCertificate: Sendable, Equatable {
    /// RFC 4514 text, least significant first: `CN=ci,O=Org1`.
    public let subject: String
    /// Lower-case hex SHA-256 of the certificate's DER bytes (64 digits, no colons).
    public let fingerprintSHA256: String

    public init(subject: String, fingerprintSHA256: String) {
        self.subject = subject
        self.fingerprintSHA256 = fingerprintSHA256
    }

    init(_ certificate: X509Certificate) {
        subject = certificate.subject.rfc4514
        fingerprintSHA256 = SHA256.hash(certificate.derBytes).hexString
    }
}
