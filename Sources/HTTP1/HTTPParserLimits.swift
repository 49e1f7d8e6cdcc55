/// Limits enforced where request bytes arrive, each mapped to a status.
public struct HTTPParserLimits: Sendable {
    /// Request line (method, target, version). Exceeding: 414. 8 KiB is what nginx and most
    /// proxies accept by default; our longest legitimate URL (a package ID in a path) is < 400 bytes.
    public var maxRequestLineBytes = 8 * 1024
    /// Whole header section including the request line. Exceeding: 431. 32 KiB leaves room for
    /// bearer tokens and cookies set by a fronting proxy.
    public var maxHeaderBytes = 32 * 1024
    /// Number of header fields. Exceeding: 431. Caps the per-request parsing work.
    public var maxHeaderCount = 100
    /// A chunk-size line including extensions. Exceeding: 400 (no legitimate client sends more).
    public var maxChunkLineBytes = 1024

    public init() {}
    public static let `default` = HTTPParserLimits()
}
