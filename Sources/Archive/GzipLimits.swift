/// Decompression-bomb guard for `GzipReader`. Exceeding either limit throws.
public struct GzipLimits: Sendable, Equatable {
    /// Absolute cap on decompressed bytes.
    public var maxDecompressedBytes: Int64
    /// Cap on decompressed/compressed; checked once output passes `ratioGraceBytes`, because
    /// tiny inputs (a few zero-filled files) legitimately compress far better than large ones.
    public var maxRatio: Int64
    /// Output allowed before the ratio applies.
    public var ratioGraceBytes: Int64

    /// 1 GiB absolute, 200:1 after the first 1 MiB: real source trees compress ~3-10:1,
    /// a zero-filled bomb ~1000:1.
    public init(maxDecompressedBytes: Int64 = 1 << 30, maxRatio: Int64 = 200, ratioGraceBytes: Int64 = 1 << 20) {
        self.maxDecompressedBytes = maxDecompressedBytes
        self.maxRatio = maxRatio
        self.ratioGraceBytes = ratioGraceBytes
    }
}
