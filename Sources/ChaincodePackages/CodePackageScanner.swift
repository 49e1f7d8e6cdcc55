import Archive

/// Streams code.tar.gz: lists entries, flags unsafe names, reads connection.json and notes
/// CouchDB index files, under the bomb limits. Errors are Go's gzip/tar errors, as the peer's
/// `GetDBArtifacts` (ccprovider.MetadataAsTarEntries) returns them; the caller adds the prefix.
struct CodePackageScanner {
    let limits: PackageLimits

    struct Result {
        var entries: [CodeEntry] = []
        var connectionJSON: [UInt8]?
        var couchDBIndexes: [String] = []
        var warnings: [String] = []
    }

    static let indexPrefix = "META-INF/statedb/couchdb/"

    func scan(_ source: any ByteSource) throws -> Result {
        // ccprovider.MetadataAsTarEntries only logs "Failure opening codepackage gzip stream" and
        // returns gzip's error as is.
        let header = try GzipHeaderCheck.read(source) { $0 }
        let tar = TarReader(source: GzipReader(source: PrefixedByteSource(prefix: header, rest: source), limits: limits.gzip))
        var result = Result()
        while let entry = try tar.next() {
            guard result.entries.count < limits.maxCodeEntries else {
                throw PackageError.code("code.tar.gz has more than \(limits.maxCodeEntries) entries")
            }
            let flags = Self.flags(for: entry)
            if flags.contains("absolute-path") || flags.contains("parent-traversal") {
                result.warnings.append("code.tar.gz entry '\(entry.name)' has an unsafe path")
            }
            result.entries.append(CodeEntry(name: entry.name, size: entry.size, mode: entry.mode,
                                            typeFlag: entry.typeFlagCharacter, flags: flags))
            guard entry.isRegularFile else { continue }
            if entry.name == "connection.json" {
                result.connectionJSON = try tar.readContents(of: entry, limit: limits.maxSmallFileBytes)
            } else if entry.name.hasPrefix(Self.indexPrefix) && entry.name.hasSuffix(".json") {
                result.couchDBIndexes.append(entry.name)
            }
        }
        return result
    }

    static func flags(for entry: TarEntry) -> [String] {
        var flags: [String] = []
        if entry.name.hasPrefix("/") { flags.append("absolute-path") }
        if entry.name.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            flags.append("parent-traversal")
        }
        if !entry.isRegularFile && entry.typeFlag != TarEntry.directory { flags.append("not-regular") }
        return flags
    }
}

/// What Go's `gzip.NewReader` checks before returning: the 10-byte header's magic and method.
enum GzipHeaderCheck {
    /// Reads the first 10 bytes (to be replayed); throws `.invalidPackage` worded by `wrap`.
    static func read(_ source: any ByteSource, wrap: (String) -> String) throws -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 10)
        var filled = 0
        while filled < header.count {
            let n = try header.withUnsafeMutableBytes {
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
            }
            if n == 0 { break }
            filled += n
        }
        if filled == 0 { throw PackageError.invalid(wrap("EOF")) }
        if filled < header.count { throw PackageError.invalid(wrap("unexpected EOF")) }
        guard header[0] == 0x1f, header[1] == 0x8b, header[2] == 8 else {
            throw PackageError.invalid(wrap("\(ArchiveError.invalidGzipHeader)"))
        }
        return header
    }
}
