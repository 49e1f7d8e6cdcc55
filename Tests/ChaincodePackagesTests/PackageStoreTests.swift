import Foundation
import Store
import Testing
@testable import ChaincodePackages
import TestSupport

@Suite("PackageStore", .timeLimit(.minutes(2)))
struct PackageStoreTests {
    static func open(_ dir: TemporaryDirectory) throws -> PackageStore {
        let queue = try DatabaseQueue(path: dir.path("gateway.db"), migrator: try Migrator(directory: migrationsDirectory))
        return try PackageStore(dataDirectory: dir.url, queue: queue)
    }

    static let package = try! CCaaSPackageBuilder().build(CCaaSPackageBuilder.Input(label: "basic_1", address: "cc:9999"))

    @Test("stores a valid upload: file under its sha, row with listing; re-upload is idempotent")
    func storeAndReupload() async throws {
        let dir = try TemporaryDirectory()
        let store = try Self.open(dir)
        let first = try await store.store(bytes: Self.package.bytes, uploadedBy: "admin")
        #expect(first.created)
        #expect(first.record.packageID == Self.package.packageID)
        #expect(first.record.type == "ccaas" && first.record.size == Int64(Self.package.bytes.count))
        #expect(first.record.connectionJSON?.contains("cc:9999") == true)
        #expect(first.entries.map(\.name) == ["connection.json"])
        #expect(dir.files(in: "packages") == [first.record.fileName])
        let again = try await store.store(bytes: Self.package.bytes, uploadedBy: "someone-else")
        #expect(!again.created)
        #expect(again.record == first.record && again.entries == first.entries)
        #expect(dir.files(in: "packages") == [first.record.fileName])
        #expect(try await store.list(PackageQuery()).total == 1)
    }

    @Test("an invalid upload leaves no file and no row")
    func invalidUpload() async throws {
        let dir = try TemporaryDirectory()
        let store = try Self.open(dir)
        let bad = try pythonPackage([goCode], in: dir, name: "bad.tar.gz")
        let staged = try store.beginUpload()
        try staged.append(Array(try Data(contentsOf: URL(fileURLWithPath: bad))))
        await #expect(throws: PackageError.invalid("did not find any package metadata (missing metadata.json)")) {
            try await store.store(staged, uploadedBy: nil)
        }
        #expect(dir.files(in: "packages").isEmpty)
        #expect(try await store.list(PackageQuery()).total == 0)
    }

    @Test("crash between rename and row commit: the file is never listed and the sweep removes it")
    func crashSafety() async throws {
        let dir = try TemporaryDirectory()
        let store = try Self.open(dir)
        let kept = try await store.store(bytes: Self.package.bytes, uploadedBy: nil)
        // Simulate a crash after commit() but before the row landed, and one mid-upload.
        let other = try CCaaSPackageBuilder().build(CCaaSPackageBuilder.Input(label: "other", address: "cc:1"))
        let orphan = try store.beginUpload()
        try orphan.append(other.bytes)
        try orphan.commit()
        let interrupted = try store.beginUpload()
        try interrupted.append([1, 2, 3])
        let interruptedName = URL(fileURLWithPath: interrupted.tempPath).lastPathComponent
        #expect(try await store.list(PackageQuery()).items.map(\.packageID) == [kept.record.packageID])
        let swept = try await store.sweep()
        #expect(swept.removedOrphans == [orphan.fileName])
        #expect(swept.removedTempFiles == [interruptedName])
        #expect(dir.files(in: "packages") == [kept.record.fileName])
        #expect(try await store.details(packageID: kept.record.packageID) != nil)
        interrupted.discard()
    }

    @Test("delete removes row, listing and file")
    func delete() async throws {
        let dir = try TemporaryDirectory()
        let store = try Self.open(dir)
        let stored = try await store.store(bytes: Self.package.bytes, uploadedBy: nil)
        #expect(try await store.delete(packageID: stored.record.packageID))
        #expect(try await store.details(packageID: stored.record.packageID) == nil)
        #expect(dir.files(in: "packages").isEmpty)
        #expect(try await !store.delete(packageID: stored.record.packageID))
    }

    @Test("accepts a Python/CLI-style golang package and records its listing and warnings")
    func golangPackage() async throws {
        let dir = try TemporaryDirectory()
        let store = try Self.open(dir)
        let path = try pythonPackage([metadata(), .file("extra.txt", "x"), goCode], in: dir)
        let stored = try await store.store(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: path))), uploadedBy: "u")
        #expect(stored.record.label == "basic_1.0" && stored.record.connectionJSON == nil)
        #expect(stored.record.warnings == ["Encountered unexpected file 'extra.txt' in top level of chaincode package"])
        #expect(stored.entries.map(\.name) == ["src/main.go", "src/go.mod"])
        let sum = try run(["sha256sum", path], in: dir.url).prefix(64)
        #expect(stored.record.packageID == "basic_1.0:" + sum)
    }

    @Test("a 24 MiB upload streams through staging, nested inspection and storage")
    func largeUpload() async throws {
        let dir = try TemporaryDirectory()
        let store = try Self.open(dir)
        let path = try pythonPackage([metadata(), .randomCode(bytes: 24 << 20)], in: dir)
        let source = try #require(FileHandle(forReadingAtPath: path))
        let staged = try store.beginUpload()
        while let chunk = try source.read(upToCount: 64 * 1024), !chunk.isEmpty {
            try staged.append([UInt8](chunk))
        }
        let stored = try await store.store(staged, uploadedBy: nil)
        #expect(stored.entries.map(\.name) == ["src/blob.bin"])
        #expect(stored.entries[0].size == 24 << 20)
        let sum = try run(["sha256sum", path], in: dir.url).prefix(64)
        #expect(stored.record.sha256 == String(sum))
    }

    @Test("concurrent identical uploads: one creates, the rest get the same record; one file")
    func concurrentUploads() async throws {
        let dir = try TemporaryDirectory()
        let store = try Self.open(dir)
        let bytes = Self.package.bytes
        let results = try await withThrowingTaskGroup(of: StoredPackage.self) { group in
            for _ in 0..<8 { group.addTask { try await store.store(bytes: bytes, uploadedBy: nil) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter(\.created).count == 1)
        #expect(Set(results.map(\.record.packageID)).count == 1)
        #expect(dir.files(in: "packages") == [results[0].record.fileName])
    }
}
