import Configuration
import Fabric
import Foundation
import TLSCrypto

/// The client certificate the gateway presents on TLS connections for which none is configured:
/// a fresh P-256 key and a self-signed certificate, made at start-up and kept only in memory.
///
/// Fabric's peers and orderers with TLS on and client authentication not required (the default,
/// `peer.tls.clientAuthRequired: false`) still request a client certificate and accept any,
/// unverified (internal/pkg/comm/server.go: `tls.RequestClientCert`). Discovery needs one: it
/// binds each request to its connection by the SHA-256 of that certificate
/// (discovery/service.go `validateStructure`: "client didn't send a TLS certificate"). Without a
/// certificate a gateway holding only TLS roots would lose discovery (other organizations' peers,
/// endorsement plans). The SDKs do the same (fabric-sdk-java `TLSCertificateBuilder`, fabric-common
/// `Client.setTlsClientCertAndKey()` without arguments). A server that requires and verifies
/// client certificates (mutual TLS) refuses this one, as it refuses a connection without any:
/// configure `clientCertFile`/`clientKeyFile` for it.
public struct GeneratedClientCertificate: Sendable {
    public let certificatePEM: String
    public let keyPEM: String
    /// SHA-256 of the certificate's DER: what requests carry as `client_tls_cert_hash` / `tls_cert_hash`.
    public let hash: [UInt8]

    /// The subject (and issuer) common name: says what presented it in a peer's logs.
    public static let commonName = "chaincode-gateway generated TLS client"
    /// Never checked by servers that accept it (Go's crypto/tls does not verify a certificate
    /// under RequestClientCert); a new one is made at every start.
    public static let lifetime: TimeInterval = 365 * 86_400

    public init() throws {
        let key = ECPrivateKey(generating: .p256)
        let certificate = try X509Certificate.selfSigned(key: key, commonName: Self.commonName, lifetime: Self.lifetime)
        certificatePEM = certificate.pemString
        keyPEM = key.pkcs8PEM
        hash = SHA256.hash(certificate.derBytes)
    }

    /// A generated certificate when some configured node uses TLS without a client certificate,
    /// else nil.
    static func ifNeeded(_ config: NetworkConfig) throws -> GeneratedClientCertificate? {
        guard (config.peers + config.orderers).contains(where: { $0.tls != nil && $0.tls?.clientCertFile == nil }) else { return nil }
        do {
            return try GeneratedClientCertificate()
        } catch {
            throw NetworkError(.tlsUnreadable, "cannot generate a TLS client certificate: \(error)")
        }
    }
}
