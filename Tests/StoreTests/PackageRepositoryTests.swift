import Foundation
import Testing
@testable import Store
import TestSupport

@Suite("PackageRepository", .timeLimit(.minutes(2)))
struct PackageRepositoryTests {
    static func record(_ label: String, type: String = "ccaas", n: Int, at time: String) -> PackageRecord {
        let sha = String(repeating: String(n % 10), count: 64)
        return PackageRecord(packageID: "\(label):\(sha)", label: label, type: type, path: "", size: Int64(100 + n),
                             sha256: sha, fileName: "\(sha).tar.gz", uploadedBy: "admin", uploadedAt: time,
                             warnings: ["Encountered unexpected file 'x' in top level of chaincode package"],
                             metadataJSON: #"{"label":"\#(label)","type":"\#(type)","path":""}"#,
                             connectionJSON: #"{"address":"cc:9999"}"#)
    }

    func openQueue(_ dir: TemporaryDirectory) throws -> DatabaseQueue {
        try DatabaseQueue(path: dir.path("r.db"), migrator: try Migrator(directory: migrationsDirectory))
    }

    @Test("insert is idempotent by package ID and SHA-256; get returns what was stored")
    func insertIdempotent() async throws {
        let dir = try TemporaryDirectory()
        let queue = try openQueue(dir)
        let rec = Self.record("basic", n: 1, at: "2026-01-01T00:00:00Z")
        let entries = [PackageEntryRecord(name: "connection.json", size: 20, mode: 0o644, typeFlag: "0", flags: []),
                       PackageEntryRecord(name: "../evil", size: 1, mode: 0o644, typeFlag: "0", flags: ["parent-traversal"])]
        let first = try await queue.write { try PackageRepository($0).insert(rec, entries: entries) }
        #expect(first.created)
        var again = rec
        again.uploadedAt = "2027-01-01T00:00:00Z"
        let later = again
        let second = try await queue.write { try PackageRepository($0).insert(later, entries: []) }
        #expect(!second.created)
        #expect(second.record == rec)
        #expect(try await queue.read { try PackageRepository($0).get(packageID: rec.packageID) } == rec)
        #expect(try await queue.read { try PackageRepository($0).entries(packageID: rec.packageID) } == entries)
    }

    @Test("list pages newest first and filters by label and type")
    func listPaging() async throws {
        let dir = try TemporaryDirectory()
        let queue = try openQueue(dir)
        try await queue.write { db in
            let repo = PackageRepository(db)
            for n in 0..<5 {
                _ = try repo.insert(Self.record(n < 3 ? "a" : "b", type: n == 0 ? "external" : "ccaas", n: n,
                                                at: "2026-01-0\(n + 1)T00:00:00Z"), entries: [])
            }
        }
        let page1 = try await queue.read { try PackageRepository($0).list(PackageQuery(limit: 2, offset: 0)) }
        #expect(page1.total == 5)
        #expect(page1.items.map(\.uploadedAt) == ["2026-01-05T00:00:00Z", "2026-01-04T00:00:00Z"])
        let page3 = try await queue.read { try PackageRepository($0).list(PackageQuery(limit: 2, offset: 4)) }
        #expect(page3.items.count == 1)
        let byLabel = try await queue.read { try PackageRepository($0).list(PackageQuery(label: "a")) }
        #expect(byLabel.total == 3 && byLabel.items.allSatisfy { $0.label == "a" })
        let both = try await queue.read { try PackageRepository($0).list(PackageQuery(label: "a", type: "external")) }
        #expect(both.total == 1 && both.items.first?.type == "external")
    }

    @Test("delete removes the row and cascades to its listing")
    func deleteCascades() async throws {
        let dir = try TemporaryDirectory()
        let queue = try openQueue(dir)
        let rec = Self.record("basic", n: 7, at: "2026-01-01T00:00:00Z")
        let entry = PackageEntryRecord(name: "connection.json", size: 2, mode: 0o644, typeFlag: "0", flags: [])
        _ = try await queue.write { try PackageRepository($0).insert(rec, entries: [entry]) }
        let deleted = try await queue.write { try PackageRepository($0).delete(packageID: rec.packageID) }
        #expect(deleted == rec)
        #expect(try await queue.read { try PackageRepository($0).get(packageID: rec.packageID) } == nil)
        #expect(try await queue.read { try $0.scalarInt("SELECT count(*) FROM package_entries") } == 0)
        #expect(try await queue.write { try PackageRepository($0).delete(packageID: rec.packageID) } == nil)
    }
}
