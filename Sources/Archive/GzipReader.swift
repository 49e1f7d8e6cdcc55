internal import CZlib

/// Streaming gzip decompressor over another `ByteSource`, with bomb limits. Accepts
/// concatenated gzip members like Go's `gzip.Reader` (multistream), rejects trailing garbage.
public final class GzipReader: ByteSource {
    private let source: any ByteSource
    private let limits: GzipLimits
    private let stream: UnsafeMutablePointer<z_stream>
    private var input: [UInt8]
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceEnded = false
    private var finished = false
    /// Compressed bytes consumed so far (across members).
    public private(set) var totalIn: Int64 = 0
    /// Decompressed bytes produced so far.
    public private(set) var totalOut: Int64 = 0

    /// Compressed input is pulled from `source` in chunks of this size.
    static let inputChunk = 64 * 1024

    public init(source: any ByteSource, limits: GzipLimits = GzipLimits()) {
        self.source = source
        self.limits = limits
        self.input = [UInt8](repeating: 0, count: Self.inputChunk)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 16 + 15: gzip wrapper only, 32 KiB window (RFC 1952).
        let rc = czlib_inflateInit2(stream, 16 + 15)
        precondition(rc == Z_OK, "inflateInit2 failed: \(rc)")
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Decompresses everything from `bytes` in memory.
    public static func decompress(_ bytes: [UInt8], limits: GzipLimits = GzipLimits()) throws -> [UInt8] {
        let reader = GzipReader(source: MemoryByteSource(bytes), limits: limits)
        return try reader.readAll(limit: .max) { .unexpectedEOF }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !buffer.isEmpty else { return 0 }
        while !finished {
            if inputStart == inputEnd && !sourceEnded { try refill() }
            if inputStart == inputEnd && sourceEnded {
                // Go's gzip reader says plain "EOF" for an empty stream.
                throw totalIn == 0 ? ArchiveError.emptyStream : ArchiveError.unexpectedEOF
            }
            let produced = try inflateStep(into: buffer)
            if produced > 0 { return produced }
        }
        return 0
    }

    private func refill() throws {
        let n = try input.withUnsafeMutableBytes { try source.read(into: $0) }
        inputStart = 0
        inputEnd = n
        if n == 0 { sourceEnded = true }
    }

    /// One inflate call; returns bytes produced (may be 0 when more input is needed).
    private func inflateStep(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let available = inputEnd - inputStart
        let (rc, consumed, produced) = input.withUnsafeMutableBytes { inBuf -> (Int32, Int, Int) in
            stream.pointee.next_in = inBuf.baseAddress!.assumingMemoryBound(to: Bytef.self) + inputStart
            stream.pointee.avail_in = uInt(available)
            stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(buffer.count)
            let rc = inflate(stream, Z_NO_FLUSH)
            return (rc, available - Int(stream.pointee.avail_in), buffer.count - Int(stream.pointee.avail_out))
        }
        inputStart += consumed
        totalIn += Int64(consumed)
        totalOut += Int64(produced)
        try checkLimits()
        switch rc {
        case Z_OK, Z_BUF_ERROR:
            return produced
        case Z_STREAM_END:
            try endOfMember()
            return produced
        case Z_DATA_ERROR:
            throw Self.dataError(stream.pointee.msg.map { String(cString: $0) } ?? "")
        case Z_MEM_ERROR:
            preconditionFailure("zlib out of memory")
        default:
            throw ArchiveError.corruptDeflateData
        }
    }

    /// After a member: finished at end of input, else another member must follow.
    private func endOfMember() throws {
        if inputStart == inputEnd && !sourceEnded { try refill() }
        if inputStart == inputEnd && sourceEnded {
            finished = true
            return
        }
        precondition(inflateReset(stream) == Z_OK, "inflateReset failed")
    }

    private func checkLimits() throws {
        if totalOut > limits.maxDecompressedBytes {
            throw ArchiveError.decompressedSizeLimitExceeded(limit: limits.maxDecompressedBytes)
        }
        if totalOut > limits.ratioGraceBytes && totalOut > limits.maxRatio * max(totalIn, 1) {
            throw ArchiveError.compressionRatioExceeded(limit: limits.maxRatio)
        }
    }

    static func dataError(_ message: String) -> ArchiveError {
        switch message {
        case "incorrect header check", "unknown compression method", "unknown header flags set":
            return .invalidGzipHeader
        case "incorrect data check", "incorrect length check":
            return .invalidGzipChecksum
        default:
            return .corruptDeflateData
        }
    }
}
