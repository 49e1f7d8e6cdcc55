internal import COpenSSL

/// A TLS failure: bad configuration, a failed handshake or a broken record stream.
/// Messages are stable and never contain key material.
public struct TLSError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The configuration could not be loaded (bad PEM, key does not match certificate).
        case configuration
        /// The server certificate failed verification (untrusted, expired, wrong name).
        case certificateVerification
        /// The server did not select the `h2` ALPN protocol.
        case alpnNotNegotiated
        /// Any other handshake or record-layer failure.
        case protocolFailure
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) { (self.kind, self.message) = (kind, message) }

    public var description: String { message }

    /// Builds an error from `context` plus the oldest reason on OpenSSL's error queue, then
    /// clears the queue so a later failure does not report a stale reason.
    static func fromErrorQueue(_ kind: Kind, _ context: String) -> TLSError {
        var reason = ""
        let code = ERR_get_error()
        if code != 0, let text = ERR_reason_error_string(code) {
            reason = String(cString: text)
        }
        ERR_clear_error()
        return TLSError(kind, reason.isEmpty ? context : "\(context): \(reason)")
    }
}
