/// A failure below gRPC: DNS, TCP connect, TLS handshake or verification, HTTP/2 protocol
/// errors, or a connection lost under a call. The message names the target (`host:port`).
public struct GRPCConnectionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `host:port` of the target.
    public let target: String
    /// Stable, readable text, e.g. "cannot connect to peer0:7051: Connection refused".
    public let message: String

    public init(target: String, message: String) { (self.target, self.message) = (target, message) }

    public var description: String { message }

    static func connectFailed(_ target: String, _ cause: String) -> GRPCConnectionError {
        GRPCConnectionError(target: target, message: "cannot connect to \(target): \(cause)")
    }

    static func lost(_ target: String, _ cause: String) -> GRPCConnectionError {
        GRPCConnectionError(target: target, message: "connection to \(target) lost: \(cause)")
    }

    static func closed(_ target: String) -> GRPCConnectionError {
        GRPCConnectionError(target: target, message: "channel to \(target) is closed")
    }
}
