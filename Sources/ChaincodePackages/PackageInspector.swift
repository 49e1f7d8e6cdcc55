import Archive

/// Validates a chaincode install package exactly as the peer's `ParseChaincodePackage` does
/// (same checks, same order, same messages; docs/fabric-notes.md §10.1-10.2), then inspects code.tar.gz and, for
/// ccaas/external packages, connection.json. Streams: memory does not grow with package size.
public struct PackageInspector: Sendable {
    public let limits: PackageLimits

    public init(limits: PackageLimits = PackageLimits()) { self.limits = limits }

    /// Inspects the package file at `path`.
    public func inspect(fileAt path: String) throws -> PackageInspection {
        let source: FileByteSource
        do {
            source = try FileByteSource(path: path)
        } catch {
            throw PackageError(.storage, "cannot open staged package: \(error)")
        }
        return try inspect(source: source)
    }

    /// Inspects a package held in memory.
    public func inspect(bytes: [UInt8]) throws -> PackageInspection {
        try inspect(source: MemoryByteSource(bytes))
    }

    func inspect(source: any ByteSource) throws -> PackageInspection {
        let header = try GzipHeaderCheck.read(source) { "error reading as gzip stream: \($0)" }
        let tar = TarReader(source: GzipReader(source: PrefixedByteSource(prefix: header, rest: source), limits: limits.gzip))
        var metadata: PackageMetadata?
        var code: Swift.Result<CodePackageScanner.Result, any Error>?
        var warnings: [String] = []
        var topLevel: [String] = []
        while let entry = try nextEntry(tar) {
            guard entry.isRegularFile else {
                throw PackageError.invalid("tar entry \(entry.name) is not a regular file, type \(entry.typeFlag)")
            }
            topLevel.append(entry.name)
            switch entry.name {
            case "metadata.json":
                metadata = try PackageMetadata.parse(try readWhole(tar, entry))
            case "code.tar.gz":
                code = try scanCode(tar)
            default:
                warnings.append("Encountered unexpected file '\(entry.name)' in top level of chaincode package")
                try drain(tar, entry)
            }
        }
        guard let code else { throw PackageError.invalid("did not find a code package inside the package") }
        guard let metadata else { throw PackageError.invalid("did not find any package metadata (missing metadata.json)") }
        try PackageMetadata.validate(label: metadata.label)
        return try finish(metadata: metadata, code: code, warnings: warnings, topLevel: topLevel)
    }

    private func finish(metadata: PackageMetadata, code: Swift.Result<CodePackageScanner.Result, any Error>,
                        warnings: [String], topLevel: [String]) throws -> PackageInspection {
        let scan: CodePackageScanner.Result
        switch code {
        case .success(let result): scan = result
        case .failure(let error as PackageError) where error.kind != .invalidPackage: throw error
        case .failure(let error as PackageError):
            throw PackageError.code("error retrieving DB artifacts from code package: \(error.message)")
        case .failure(let error):
            throw PackageError.code("error retrieving DB artifacts from code package: \(error)")
        }
        var connection: ConnectionInfo?
        var allWarnings = warnings + scan.warnings
        if ["ccaas", "external"].contains(metadata.type.lowercased()) {
            guard let json = scan.connectionJSON else {
                throw PackageError.connection("connection.json not found at the root of code.tar.gz")
            }
            let (info, connectionWarnings) = try Self.parseConnection(json)
            connection = info
            allWarnings += connectionWarnings
        }
        return PackageInspection(metadata: metadata, warnings: allWarnings, topLevelEntries: topLevel,
                                 codeEntries: scan.entries, connection: connection, couchDBIndexes: scan.couchDBIndexes)
    }

    private static func parseConnection(_ json: [UInt8]) throws -> (ConnectionInfo, [String]) {
        do {
            return try ConnectionInfo.parse(json)
        } catch let error as PackageError where error.kind == .invalidPackage {
            throw PackageError.connection(error.message)  // a JSON type error inside connection.json
        }
    }

    private func nextEntry(_ tar: TarReader) throws -> TarEntry? {
        do {
            return try tar.next()
        } catch {
            throw PackageError.invalid("error inspecting next tar header: \(error)")
        }
    }

    private func readWhole(_ tar: TarReader, _ entry: TarEntry) throws -> [UInt8] {
        guard entry.size <= limits.maxSmallFileBytes else {
            throw PackageError.invalid("\(entry.name) is larger than \(limits.maxSmallFileBytes) bytes")
        }
        do {
            return try tar.readContents(of: entry, limit: limits.maxSmallFileBytes)
        } catch {
            throw PackageError.invalid("could not read \(entry.name) from tar: \(error)")
        }
    }

    private func drain(_ tar: TarReader, _ entry: TarEntry) throws {
        do {
            try tar.drain()
        } catch {
            throw PackageError.invalid("could not read \(entry.name) from tar: \(error)")
        }
    }

    /// Scans code.tar.gz while it streams out of the outer archive. A failure of the outer
    /// stream is the peer's "could not read code.tar.gz from tar"; a failure inside code.tar.gz
    /// is reported later, after metadata and label checks, as the peer orders them.
    private func scanCode(_ tar: TarReader) throws -> Swift.Result<CodePackageScanner.Result, any Error> {
        let recorder = ErrorRecordingSource(tar)
        let result: Swift.Result<CodePackageScanner.Result, any Error>
        do {
            result = .success(try CodePackageScanner(limits: limits).scan(recorder))
        } catch {
            if let outer = recorder.error { throw PackageError.invalid("could not read code.tar.gz from tar: \(outer)") }
            result = .failure(error)
        }
        do {
            try tar.drain()
        } catch {
            throw PackageError.invalid("could not read code.tar.gz from tar: \(error)")
        }
        return result
    }
}
