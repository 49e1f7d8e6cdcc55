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
        let (record, entries) = Self.record(for: inspection, sha256: sha, size: staged.size,
                                            fileName: staged.fileName, uploadedBy: uploadedBy)
        let finalPath = try await BlockingWork.run { try staged.commit() }
        do {
            let result = try await queue.write { try PackageRepository($0).insert(record, entries: entries) }
            let storedEntries = result.created ? entries : try await queue.read {
                try PackageRepository($0).entries(packageID: result.record.packageID)
            }
            return StoredPackage(record: result.record, entries: storedEntries, created: result.created)
        } catch {
            try? await removeIfUnreferenced(fileName: record.fileName, path: finalPath)
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

    /// Deletes the row, then the file. Returns false when no such package exists.
    @discardableResult
    public func delete(packageID: String) async throws -> Bool {
        guard let record = try await queue.write({ try PackageRepository($0).delete(packageID: packageID) }) else {
            return false
        }
        let path = self.path(of: record)
        let directory = self.directory.path
        try await BlockingWork.run {
            FileSystem.remove(path)
            try FileSystem.fsyncDirectory(directory)
        }
        return true
    }

    private func removeIfUnreferenced(fileName: String, path: String) async throws {
        let referenced = try await queue.read { try PackageRepository($0).allFileNames().contains(fileName) }
        if !referenced { FileSystem.remove(path) }
    }
}
