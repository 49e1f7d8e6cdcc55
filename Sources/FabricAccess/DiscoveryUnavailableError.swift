/// No configured peer answered the discovery request as a whole (no Discovery service, gRPC
/// error such as `client didn't send a TLS certificate`, unreachable): callers fall back to the
/// static configuration. `failures` keeps each peer's error.
public struct DiscoveryUnavailableError: Error, CustomStringConvertible, Sendable {
    public var channel: String
    public var failures: [NetworkError]

    public var description: String {
        "discovery is unavailable on channel '\(channel)'" + (failures.isEmpty ? "" : ": " + failures.map(\.description).joined(separator: "; "))
    }
}
