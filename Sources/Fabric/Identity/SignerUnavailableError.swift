/// A `Signer` whose key cannot be used right now (an HSM token removed, logged out, or its
/// library failing), though it may be again later: nothing was signed, and the same call can be
/// retried. AdminAPI answers it with 503.
public struct SignerUnavailableError: Error, CustomStringConvertible, Sendable, Hashable {
    /// Names the key and its token and says why, never the PIN.
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
