/// A call ended with a non-OK gRPC status (from trailers, a Trailers-Only response, a
/// non-200 HTTP status, or a local condition such as an expired deadline).
public struct GRPCStatusError: Error, CustomStringConvertible, Sendable, Equatable {
    public let code: GRPCStatusCode
    /// The percent-decoded `grpc-message` (may be empty).
    public let message: String

    public init(code: GRPCStatusCode, message: String) { (self.code, self.message) = (code, message) }

    public var description: String {
        message.isEmpty ? "gRPC status \(code)" : "gRPC status \(code): \(message)"
    }
}
