/// Streaming tar reader over any `ByteSource` (ustar, GNU and PAX as Go's `archive/tar` writes
/// and reads them). `next()` returns each header; the reader itself is a `ByteSource` for the
/// current entry's contents, so an entry can be decompressed or parsed without buffering it.
public final class TarReader: ByteSource {
    private let source: any ByteSource
    private var remaining: Int64 = 0   // content bytes of the current entry not yet read
    private var padding: Int64 = 0     // bytes after the content up to the block boundary
    private var ended = false

    /// Largest PAX or GNU long-name record accepted (Go's `maxSpecialFileSize`, 1 MiB).
    public static let maxSpecialEntrySize: Int64 = 1 << 20

    public init(source: any ByteSource) { self.source = source }

    /// Advances to the next entry (skipping unread content); nil at the end of the archive.
    public func next() throws -> TarEntry? {
        guard !ended else { return nil }
        try skip(remaining + padding)
        remaining = 0
        padding = 0
        var pax: [String: String] = [:]
        var longName: String?
        var longLink: String?
        while true {
            guard let block = try readHeaderBlock() else {
                ended = true
                return nil
            }
            let format = try TarHeaderBlock.format(block)
            var entry = try Self.entry(from: block, format: format)
            switch entry.typeFlag {
            case UInt8(ascii: "x"):
                pax.merge(try Self.parsePAX(readSpecial(entry)), uniquingKeysWith: { $1 })
                continue
            case UInt8(ascii: "L"):
                longName = Self.cString(try readSpecial(entry))
                continue
            case UInt8(ascii: "K"):
                longLink = Self.cString(try readSpecial(entry))
                continue
            default:
                break
            }
            if let longName { entry.name = longName }
            if let longLink { entry.linkName = longLink }
            try Self.apply(pax, to: &entry)
            if entry.typeFlag == 0 {
                entry.typeFlag = entry.name.hasSuffix("/") ? TarEntry.directory : TarEntry.regular
            }
            // Go's isHeaderOnlyType: links, devices, directories and FIFOs carry no content.
            begin(contentSize: Array("123456".utf8).contains(entry.typeFlag) ? 0 : entry.size)
            return entry
        }
    }

    /// Reads the current entry's contents.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0, !buffer.isEmpty else { return 0 }
        let wanted = Int(min(Int64(buffer.count), remaining))
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]))
        guard n > 0 else { throw ArchiveError.unexpectedEOF }
        remaining -= Int64(n)
        return n
    }

    /// Reads the whole current entry, refusing more than `limit` bytes.
    public func readContents(of entry: TarEntry, limit: Int64) throws -> [UInt8] {
        guard remaining <= limit else { throw ArchiveError.entryTooLarge(name: entry.name, limit: limit) }
        return try readAll(limit: limit) { .entryTooLarge(name: entry.name, limit: limit) }
    }

    private func begin(contentSize: Int64) {
        remaining = contentSize
        padding = (Int64(TarHeaderBlock.size) - contentSize % Int64(TarHeaderBlock.size)) % Int64(TarHeaderBlock.size)
    }

    private func readSpecial(_ entry: TarEntry) throws -> [UInt8] {
        guard entry.size <= Self.maxSpecialEntrySize else { throw ArchiveError.tarFieldTooLong }
        begin(contentSize: entry.size)
        let bytes = try readAll(limit: Self.maxSpecialEntrySize) { .tarFieldTooLong }
        try skip(padding)
        padding = 0
        return bytes
    }

    /// Reads one header block; nil at a clean end (EOF at a block boundary or a zero block).
    private func readHeaderBlock() throws -> [UInt8]? {
        guard let block = try readBlock(allowEOF: true) else { return nil }
        if TarHeaderBlock.isZero(block[...]) {
            // Go: a zero block then EOF or a second zero block ends the archive; anything else is corrupt.
            guard let second = try readBlock(allowEOF: true) else { return nil }
            guard TarHeaderBlock.isZero(second[...]) else { throw ArchiveError.invalidTarHeader }
            return nil
        }
        return block
    }

    private func readBlock(allowEOF: Bool) throws -> [UInt8]? {
        var block = [UInt8](repeating: 0, count: TarHeaderBlock.size)
        var filled = 0
        while filled < block.count {
            let n = try block.withUnsafeMutableBytes {
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
            }
            if n == 0 {
                if filled == 0 && allowEOF { return nil }
                throw ArchiveError.unexpectedEOF
            }
            filled += n
        }
        return block
    }

    private func skip(_ count: Int64) throws {
        var left = count
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while left > 0 {
            let want = Int(min(Int64(scratch.count), left))
            let n = try scratch.withUnsafeMutableBytes {
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want]))
            }
            guard n > 0 else { throw ArchiveError.unexpectedEOF }
            left -= Int64(n)
        }
    }
}
