public import TLSCrypto

/// Where a channel connects: host, port, and TLS settings (nil = plaintext h2c with prior knowledge).
public struct GRPCTarget: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var tls: TLSClientConfiguration?

    public init(host: String, port: Int, tls: TLSClientConfiguration?) {
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// `host:port` (IPv6 literals bracketed), used in errors and as `:authority`.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
