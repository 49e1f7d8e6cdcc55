/// Builds a tar archive in memory with deterministic ustar headers, as Fabric's CLI does with
/// Go's `archive/tar`: mtime 0, uid/gid 0, empty user/group names, the given mode (default
/// 0o100644), entries in the order appended, two zero blocks at the end, no record padding.
public struct TarWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Appends a regular file.
    public mutating func appendFile(name: String, contents: [UInt8], mode: Int64 = 0o100644) throws {
        try append(TarEntry(name: name, size: Int64(contents.count), mode: mode), contents: contents)
    }

    /// Appends any entry; `contents` must match `entry.size` (empty for header-only types).
    public mutating func append(_ entry: TarEntry, contents: [UInt8] = []) throws {
        precondition(Int64(contents.count) == entry.size || contents.isEmpty && entry.typeFlag != TarEntry.regular,
                     "tar entry size does not match its contents")
        bytes += try Self.header(for: entry)
        bytes += contents
        let pad = (TarHeaderBlock.size - contents.count % TarHeaderBlock.size) % TarHeaderBlock.size
        bytes += [UInt8](repeating: 0, count: pad)
    }

    /// The finished archive (entries plus the two-zero-block trailer).
    public func finish() -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: 2 * TarHeaderBlock.size)
    }

    /// One 512-byte ustar header block.
    public static func header(for entry: TarEntry) throws -> [UInt8] {
        typealias H = TarHeaderBlock
        let (prefix, name) = try split(entry.name)
        var block = [UInt8](repeating: 0, count: H.size)
        H.put(name, H.name, into: &block)
        H.putOctal(entry.mode, H.mode, into: &block)
        H.putOctal(entry.uid, H.uid, into: &block)
        H.putOctal(entry.gid, H.gid, into: &block)
        H.putOctal(entry.size, H.fileSize, into: &block)
        H.putOctal(entry.modificationTime, H.mtime, into: &block)
        block[H.typeFlag] = entry.typeFlag
        guard entry.linkName.utf8.count <= H.linkName.1 else { throw ArchiveError.nameTooLong(entry.linkName) }
        H.put(entry.linkName, H.linkName, into: &block)
        H.put("ustar\0", H.magic, into: &block)
        H.put("00", H.version, into: &block)
        H.put(entry.userName, H.userName, into: &block)
        H.put(entry.groupName, H.groupName, into: &block)
        H.putOctal(0, H.devMajor, into: &block)
        H.putOctal(0, H.devMinor, into: &block)
        H.put(prefix, H.prefix, into: &block)
        H.seal(&block)
        return block
    }

    /// ustar prefix/name split (Go's `splitUSTARPath`): names over 100 bytes are cut at a "/".
    static func split(_ path: String) throws -> (prefix: String, name: String) {
        let bytes = Array(path.utf8)
        if bytes.count <= TarHeaderBlock.name.1 { return ("", path) }
        let maxPrefix = TarHeaderBlock.prefix.1
        var i = min(bytes.count - 1, maxPrefix)
        while i > 0 && bytes[i] != UInt8(ascii: "/") { i -= 1 }
        let nameCount = bytes.count - i - 1
        guard i > 0, nameCount > 0, nameCount <= TarHeaderBlock.name.1 else { throw ArchiveError.nameTooLong(path) }
        return (String(decoding: bytes[..<i], as: UTF8.self), String(decoding: bytes[(i + 1)...], as: UTF8.self))
    }
}
