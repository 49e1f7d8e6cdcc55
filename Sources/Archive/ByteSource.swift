import Foundation

/// A pull-based stream of bytes: files, memory, decompressors and tar entries all read
/// through it so nested formats (a gzip inside a tar inside a gzip) stream in constant memory.
public protocol ByteSource: AnyObject {
    /// Fills up to `buffer.count` bytes; returns the number read, 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// Reads everything left, failing once more than `limit` bytes have been produced.
    public func readAll(limit: Int64, onExceed: () -> ArchiveError) throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return out }
            guard Int64(out.count + n) <= limit else { throw onExceed() }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// Reads and discards everything left; returns the number of bytes.
    @discardableResult
    public func drain() throws -> Int64 {
        var total: Int64 = 0
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return total }
            total += Int64(n)
        }
    }
}

/// Bytes held in memory.
public final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

/// A file read sequentially through a read-only descriptor, closed on deinit.
public final class FileByteSource: ByteSource {
    private let fd: Int32

    /// Opens `path` read-only. Throws `readFailed(errno)` if it cannot be opened.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ArchiveError.readFailed(errno: errno) }
        self.fd = fd
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Foundation.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw ArchiveError.readFailed(errno: errno)
        }
    }
}
