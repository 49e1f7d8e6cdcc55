/// Failures reading or writing gzip and tar data. Messages follow Go's `compress/gzip` and
/// `archive/tar` wording where one exists, so a caller can reproduce what a Fabric peer reports.
public enum ArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a gzip stream (bad magic, method or flags).
    case invalidGzipHeader
    /// CRC-32 or length trailer mismatch.
    case invalidGzipChecksum
    /// Corrupt deflate data.
    case corruptDeflateData
    /// The gzip stream is empty (zero bytes).
    case emptyStream
    /// The stream ended before the gzip member or tar entry was complete.
    case unexpectedEOF
    /// Decompressed output went past `GzipLimits.maxDecompressedBytes`.
    case decompressedSizeLimitExceeded(limit: Int64)
    /// Decompressed/compressed ratio went past `GzipLimits.maxRatio`.
    case compressionRatioExceeded(limit: Int64)
    /// A tar header block is malformed (checksum, numeric field, PAX record).
    case invalidTarHeader
    /// A PAX or GNU long-name/long-link record is larger than `TarReader.maxSpecialEntrySize`.
    case tarFieldTooLong
    /// An entry is larger than the caller allowed when reading it whole.
    case entryTooLarge(name: String, limit: Int64)
    /// A name cannot be represented in a ustar header (longer than 255 bytes or unsplittable).
    case nameTooLong(String)
    /// Reading the underlying file failed.
    case readFailed(errno: Int32)

    public var description: String {
        switch self {
        case .invalidGzipHeader: return "gzip: invalid header"
        case .invalidGzipChecksum: return "gzip: invalid checksum"
        case .corruptDeflateData: return "flate: corrupt input"
        case .emptyStream: return "EOF"
        case .unexpectedEOF: return "unexpected EOF"
        case .decompressedSizeLimitExceeded(let limit):
            return "decompressed data exceeds the limit of \(limit) bytes"
        case .compressionRatioExceeded(let limit):
            return "compression ratio exceeds \(limit):1 (possible decompression bomb)"
        case .invalidTarHeader: return "archive/tar: invalid tar header"
        case .tarFieldTooLong: return "archive/tar: header field too long"
        case .entryTooLarge(let name, let limit): return "tar entry \(name) is larger than \(limit) bytes"
        case .nameTooLong(let name): return "tar entry name too long for ustar: \(name.prefix(64))…"
        case .readFailed(let errno): return "read failed (errno \(errno))"
        }
    }
}
