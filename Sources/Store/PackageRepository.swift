import Foundation

/// Rows of `packages` and `package_entries`. Runs on a connection the caller got from
/// `DatabaseQueue.read`/`write`; `insert` and `delete` expect to be inside `write`.
public struct PackageRepository {
    public let connection: Connection

    public init(_ connection: Connection) { self.connection = connection }

    static let columns = """
        package_id, label, type, path, size, sha256, file_name, uploaded_by, uploaded_at, \
        warnings, metadata, connection
        """

    /// Inserts `record` with its listing unless a package with the same ID or SHA-256 exists.
    /// Returns the stored record and whether this call created it (idempotent re-upload).
    public func insert(_ record: PackageRecord, entries: [PackageEntryRecord]) throws -> (record: PackageRecord, created: Bool) {
        if let existing = try get(packageID: record.packageID) ?? get(sha256: record.sha256) {
            return (existing, false)
        }
        try connection.execute(
            "INSERT INTO packages (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [record.packageID, record.label, record.type, record.path, record.size, record.sha256,
             record.fileName, record.uploadedBy, record.uploadedAt, try JSONList.encode(record.warnings),
             record.metadataJSON, record.connectionJSON])
        let statement = try connection.prepare(
            "INSERT INTO package_entries (package_id, position, name, size, mode, type_flag, flags) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for (position, entry) in entries.enumerated() {
            statement.reset()
            statement.bind([record.packageID, position, entry.name, entry.size, entry.mode, entry.typeFlag,
                            try JSONList.encode(entry.flags)])
            try statement.step()
        }
        return (record, true)
    }

    public func get(packageID: String) throws -> PackageRecord? {
        try connection.query("SELECT \(Self.columns) FROM packages WHERE package_id = ?", [packageID], row: Self.record).first
    }

    public func get(sha256: String) throws -> PackageRecord? {
        try connection.query("SELECT \(Self.columns) FROM packages WHERE sha256 = ?", [sha256], row: Self.record).first
    }

    /// The code.tar.gz listing of a package, in archive order.
    public func entries(packageID: String) throws -> [PackageEntryRecord] {
        try connection.query(
            "SELECT name, size, mode, type_flag, flags FROM package_entries WHERE package_id = ? ORDER BY position",
            [packageID]) {
            let name = $0.string(0)
            return PackageEntryRecord(name: name, size: $0.int64(1), mode: $0.int64(2), typeFlag: $0.string(3),
                                      flags: try JSONList.decode($0.string(4), table: "package_entries", column: "flags",
                                                                 row: "\(packageID) entry '\(name)'"))
        }
    }

    /// Newest first (then by package ID), filtered by exact label and/or type.
    public func list(_ query: PackageQuery) throws -> PackagePage {
        precondition((1...PackageQuery.maxLimit).contains(query.limit) && query.offset >= 0, "invalid paging")
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let label = query.label { conditions.append("label = ?"); arguments.append(label) }
        if let type = query.type { conditions.append("type = ?"); arguments.append(type) }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let total = try connection.scalarInt("SELECT count(*) FROM packages" + filter, arguments) ?? 0
        let items = try connection.query(
            "SELECT \(Self.columns) FROM packages\(filter) ORDER BY uploaded_at DESC, package_id LIMIT ? OFFSET ?",
            arguments + [query.limit, query.offset], row: Self.record)
        return PackagePage(items: items, total: Int(total))
    }

    /// Deletes a package and its listing; returns the deleted record (its file is the caller's).
    @discardableResult
    public func delete(packageID: String) throws -> PackageRecord? {
        guard let record = try get(packageID: packageID) else { return nil }
        try connection.execute("DELETE FROM packages WHERE package_id = ?", [packageID])
        return record
    }

    /// Every storage file name referenced by a row (for the start-up sweep).
    public func allFileNames() throws -> Set<String> {
        Set(try connection.query("SELECT file_name FROM packages") { $0.string(0) })
    }

    static func record(_ row: Statement) throws -> PackageRecord {
        let packageID = row.string(0)
        return PackageRecord(packageID: packageID, label: row.string(1), type: row.string(2), path: row.string(3),
                             size: row.int64(4), sha256: row.string(5), fileName: row.string(6),
                             uploadedBy: row.optionalString(7), uploadedAt: row.string(8),
                             warnings: try JSONList.decode(row.string(9), table: "packages", column: "warnings", row: packageID),
                             metadataJSON: row.string(10), connectionJSON: row.optionalString(11))
    }
}
