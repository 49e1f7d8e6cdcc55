import TLSCrypto

/// An identity together with the signer for its key: what signs proposals and envelopes.
public struct SigningIdentity: Sendable {
    public let identity: Identity
    public let signer: any Signer

    public init(identity: Identity, signer: any Signer) {
        self.identity = identity
        self.signer = signer
    }

    /// Fabric's sign(x): SHA-256 of `message`, then the signer (low-S DER).
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try signer.sign(digest: SHA256.hash(message))
    }

    /// The serialized creator bytes.
    public var creator: [UInt8] { identity.serialized }
}
