/// Errors from parsing keys and certificates and from ECDSA operations.
///
/// Messages are stable and never contain key material or signatures.
public struct CryptoError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What kind of failure this is.
    public enum Kind: Sendable, Hashable {
        case invalidPEM
        case invalidKey
        case unsupportedCurve
        case invalidCertificate
        case invalidSignature
        case operationFailed
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) { (self.kind, self.message) = (kind, message) }

    public var description: String { message }
}
