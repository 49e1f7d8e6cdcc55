import TLSCrypto

/// Produces Fabric signatures: ECDSA over a SHA-256 digest, low-S, DER encoded.
///
/// A protocol so that keys can live elsewhere (HSM, remote signer, offline signing). A signer
/// whose key is out of reach for now throws `SignerUnavailableError`.
public protocol Signer: Sendable {
    /// Signs a 32-byte SHA-256 digest; returns a DER `ECDSA-Sig-Value` with low S.
    func sign(digest: [UInt8]) throws -> [UInt8]
}

/// A `Signer` holding an in-memory EC private key.
public struct PrivateKeySigner: Signer {
    private let key: ECPrivateKey

    public init(key: ECPrivateKey) { self.key = key }

    /// Loads a PEM private key (PKCS#8 or SEC1); errors never include the key text.
    public init(pem: String) throws { self.key = try ECPrivateKey(pem: pem) }

    /// The matching public key (for checking it belongs to a certificate).
    public var publicKey: ECPublicKey { key.publicKey }

    public func sign(digest: [UInt8]) throws -> [UInt8] {
        try key.signature(forDigest: digest).derRepresentation
    }
}
