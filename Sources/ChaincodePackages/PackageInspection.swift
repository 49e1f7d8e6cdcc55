/// What `PackageInspector` found in a valid install package.
public struct PackageInspection: Sendable, Equatable {
    public var metadata: PackageMetadata
    /// Non-fatal findings, in order: the peer's own warning texts first (unexpected top-level
    /// files), then ours (unsafe code paths, templated addresses).
    public var warnings: [String]
    /// Names of the top-level entries in archive order.
    public var topLevelEntries: [String]
    /// Listing of code.tar.gz in archive order.
    public var codeEntries: [CodeEntry]
    /// connection.json (client key removed) for ccaas/external packages, if present.
    public var connection: ConnectionInfo?
    /// CouchDB index files found under META-INF/statedb/couchdb/.
    public var couchDBIndexes: [String]
}

/// One entry of code.tar.gz.
public struct CodeEntry: Sendable, Equatable {
    public var name: String
    public var size: Int64
    public var mode: Int64
    /// Tar typeflag character ("0", "5", "2", ...).
    public var typeFlag: String
    /// Findings: "absolute-path", "parent-traversal", "not-regular".
    public var flags: [String]

    public init(name: String, size: Int64, mode: Int64, typeFlag: String, flags: [String]) {
        self.name = name
        self.size = size
        self.mode = mode
        self.typeFlag = typeFlag
        self.flags = flags
    }
}
