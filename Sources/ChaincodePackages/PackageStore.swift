import Foundation
import Store

/// Uploads, inspection and the package table, with crash safety: a package is written to a
/// temp file, inspected, fsync'd, renamed to `packages/<sha256>.tar.gz`, the directory fsync'd,
/// and only then its row committed. Listings come from rows, so a file is never visible without
/// its row; `sweep()` at start-up removes temp files and files without a row.
public final class PackageStore: Sendable {
    /// `<data>/packages`.
    public let directory: URL
    public let limits: PackageLimits
    let queue: DatabaseQueue

    public init(dataDirectory: URL, queue: DatabaseQueue, limits: PackageLimits = PackageLimits()) throws {
        self.directory = dataDirectory.appendingPathComponent("packages")
        self.queue = queue
        self.limits = limits
        try FileSystem.createDirectory(directory.path)
    }

    /// Starts an upload; feed it with `append` then pass it to `store`.
    public func beginUpload() throws -> PackageStagingFile {
        try PackageStagingFile(directory: directory, maxBytes: limits.maxPackageBytes)
    }

    /// Path of a stored package's file.
    public func path(of record: PackageRecord) -> String {
        directory.appendingPathComponent(record.fileName).path
    }

    /// Inspects and stores an upload. Invalid packages are discarded and their `PackageError`
    /// thrown; the same bytes uploaded again return the existing record with `created: false`.
    public func store(_ staged: PackageStagingFile, uploadedBy: String?) async throws -> StoredPackage {
        let sha = staged.finish()
        // Same bytes already stored: they were valid then, so skip re-inspection.
        if let existing = try await details(sha256: sha) {
            staged.discard()
            return StoredPackage(record: existing.record, entries: existing.entries, created: false)
        }
        let inspector = PackageInspector(limits: limits)
        let inspection: PackageInspection
        do {
            inspection = try await BlockingWork.run { try inspector.inspect(fileAt: staged.tempPath) }
        } catch {
            staged.discard()
            throw error
        }
        return try await store(staged, inspection: inspection, uploadedBy: uploadedBy)
    }

    /// Stores an upload already inspected while it streamed (`ConcurrentInspection`).
    public func store(_ staged: PackageStagingFile, inspection: PackageInspection, uploadedBy: String?) async throws -> StoredPackage {
        let sha = staged.finish()
        if let existing = try await details(sha256: sha) {
            staged.discard()
            return StoredPackage(record: existing.record, entries: existing.entries, created: false)
        }
        let (record, entries) = Self.record(for: inspection, sha256: sha, size: staged.size,
                                            fileName: staged.fileName, uploadedBy: uploadedBy)
        do {
            try await BlockingWork.run { try staged.sync() }
        } catch {
            staged.discard()
            throw error
        }
        let result = try await queue.perform { db in try Self.publish(staged, record: record, entries: entries, in: db) }
        let storedEntries = result.created ? entries : try await queue.read {
            try PackageRepository($0).entries(packageID: result.record.packageID)
        }
        return StoredPackage(record: result.record, entries: storedEntries, created: result.created)
    }

    /// On the database thread, so it is serialized with `delete`: rename into place, fsync the
    /// directory, then commit the row. A crash in between leaves a file without a row, which
    /// nobody lists and `sweep()` removes. If the row cannot be written the file goes too.
    private static func publish(_ staged: PackageStagingFile, record: PackageRecord, entries: [PackageEntryRecord],
                                in db: Connection) throws -> (record: PackageRecord, created: Bool) {
        let finalPath = try staged.publish()
        do {
            return try db.transaction { try PackageRepository(db).insert(record, entries: entries) }
        } catch {
            // Remove the file only when no row references it. When even that read fails, keep it:
            // the next start-up sweep removes an orphaned file, while a row without its file
            // would be broken. The insert's error is the one reported either way.
            let referenced: Bool
            do { referenced = try PackageRepository(db).get(sha256: record.sha256) != nil } catch { referenced = true }
            if !referenced { FileSystem.remove(finalPath) }
            throw error
        }
    }

    /// Stores a package held in memory (e.g. `CCaaSPackageBuilder` output).
    public func store(bytes: [UInt8], uploadedBy: String?) async throws -> StoredPackage {
        let staged = try beginUpload()
        try staged.append(bytes)
        return try await store(staged, uploadedBy: uploadedBy)
    }

    public func details(packageID: String) async throws -> PackageDetails? {
        try await queue.read { db in
            let repository = PackageRepository(db)
            guard let record = try repository.get(packageID: packageID) else { return nil }
            return PackageDetails(record: record, entries: try repository.entries(packageID: packageID))
        }
    }

    func details(sha256: String) async throws -> PackageDetails? {
        try await queue.read { db in
            let repository = PackageRepository(db)
            guard let record = try repository.get(sha256: sha256) else { return nil }
            return PackageDetails(record: record, entries: try repository.entries(packageID: record.packageID))
        }
    }

    public func list(_ query: PackageQuery) async throws -> PackagePage {
        try await queue.read { try PackageRepository($0).list(query) }
    }

    /// Deletes the row, then the file (on the database thread, serialized with uploads).
    /// Returns false when no such package exists.
    @discardableResult
    public func delete(packageID: String) async throws -> Bool {
        let directory = self.directory
        return try await queue.perform { db in
            guard let record = try db.transaction({ try PackageRepository(db).delete(packageID: packageID) }) else {
                return false
            }
            FileSystem.remove(directory.appendingPathComponent(record.fileName).path)
            try FileSystem.fsyncDirectory(directory.path)
            return true
        }
    }
}
