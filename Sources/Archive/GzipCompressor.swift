internal import CZlib

/// Deterministic gzip compression: no timestamp, no file name, OS byte 255 ("unknown"), as
/// Go's `compress/gzip` writes it (Fabric's CLI). The same input always gives the same bytes.
public enum GzipCompressor {
    /// zlib's default level (6), what Go's `gzip.NewWriter` uses.
    public static let defaultLevel: Int32 = 6

    /// Compresses `bytes` into one gzip member.
    public static func compress(_ bytes: [UInt8], level: Int32 = defaultLevel) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let header = UnsafeMutablePointer<gz_header>.allocate(capacity: 1)
        header.initialize(to: gz_header())
        defer {
            deflateEnd(stream)
            stream.deallocate()
            header.deallocate()
        }
        // 16 + 15: gzip wrapper, 32 KiB window; memLevel 8 and default strategy like Go.
        precondition(czlib_deflateInit2(stream, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY) == Z_OK,
                     "deflateInit2 failed")
        header.pointee.time = 0
        header.pointee.os = 255
        precondition(deflateSetHeader(stream, header) == Z_OK, "deflateSetHeader failed")
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = bytes
        input.withUnsafeMutableBytes { inBuf in
            stream.pointee.next_in = inBuf.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = uInt(inBuf.count)
            var rc: Int32 = Z_OK
            while rc != Z_STREAM_END {
                chunk.withUnsafeMutableBytes { outBuf in
                    stream.pointee.next_out = outBuf.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(outBuf.count)
                    rc = deflate(stream, Z_FINISH)
                    precondition(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR, "deflate failed: \(rc)")
                }
                out.append(contentsOf: chunk[0..<(chunk.count - Int(stream.pointee.avail_out))])
            }
        }
        return out
    }
}
