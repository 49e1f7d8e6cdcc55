/// A stored chaincode install package (one row of `packages`).
public struct PackageRecord: Sendable, Equatable {
    public var packageID: String
    public var label: String
    public var type: String
    public var path: String
    /// Size of the whole .tar.gz in bytes.
    public var size: Int64
    /// Lowercase hex SHA-256 of the file.
    public var sha256: String
    /// Storage file name under the data dir's `packages/` (content-addressed).
    public var fileName: String
    public var uploadedBy: String?
    /// RFC 3339 UTC timestamp.
    public var uploadedAt: String
    /// Non-fatal findings (the peer's warning texts), in order.
    public var warnings: [String]
    /// metadata.json as a JSON object text.
    public var metadataJSON: String
    /// connection.json with secrets removed, as JSON text; nil when the package has none.
    public var connectionJSON: String?

    public init(packageID: String, label: String, type: String, path: String, size: Int64, sha256: String,
                fileName: String, uploadedBy: String?, uploadedAt: String, warnings: [String],
                metadataJSON: String, connectionJSON: String?) {
        self.packageID = packageID
        self.label = label
        self.type = type
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.fileName = fileName
        self.uploadedBy = uploadedBy
        self.uploadedAt = uploadedAt
        self.warnings = warnings
        self.metadataJSON = metadataJSON
        self.connectionJSON = connectionJSON
    }
}

/// One entry of a package's code.tar.gz (one row of `package_entries`).
public struct PackageEntryRecord: Sendable, Equatable {
    public var name: String
    public var size: Int64
    public var mode: Int64
    /// Tar typeflag as a one-character string ("0" file, "5" directory, "2" symlink...).
    public var typeFlag: String
    /// Findings about this entry, e.g. "absolute-path", "parent-traversal".
    public var flags: [String]

    public init(name: String, size: Int64, mode: Int64, typeFlag: String, flags: [String]) {
        self.name = name
        self.size = size
        self.mode = mode
        self.typeFlag = typeFlag
        self.flags = flags
    }
}

/// Filter and paging for `PackageRepository.list`.
public struct PackageQuery: Sendable, Equatable {
    public var label: String?
    public var type: String?
    /// Page size, 1...maxLimit.
    public var limit: Int
    public var offset: Int

    /// Largest page a caller may ask for; bigger requests are a caller bug (validate first).
    public static let maxLimit = 500

    public init(label: String? = nil, type: String? = nil, limit: Int = 50, offset: Int = 0) {
        self.label = label
        self.type = type
        self.limit = limit
        self.offset = offset
    }
}

/// One page of packages plus the total number matching the filter.
public struct PackagePage: Sendable, Equatable {
    public var items: [PackageRecord]
    public var total: Int
}
