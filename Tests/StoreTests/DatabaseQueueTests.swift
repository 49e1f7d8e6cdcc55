import Foundation
import Testing
@testable import Store
import TestSupport

@Suite("DatabaseQueue", .timeLimit(.minutes(2)))
struct DatabaseQueueTests {
    @Test("runs reads and writes on its own thread, serially")
    func serialThread() async throws {
        let dir = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: dir.path("q.db"))
        try await queue.write { try $0.execute("CREATE TABLE t (x INTEGER) STRICT") }
        #expect(try await queue.read { _ in queue.isOnDatabaseThread })
        #expect(try await queue.write { _ in queue.isOnDatabaseThread })
        #expect(!queue.isOnDatabaseThread)
        #expect(try await queue.perform { db in queue.isOnDatabaseThread && db.isAutocommit })
        #expect(try await queue.write { db in !db.isAutocommit })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask { try await queue.write { try $0.execute("INSERT INTO t VALUES (?)", [i]) } }
            }
            try await group.waitForAll()
        }
        #expect(try await queue.read { try $0.scalarInt("SELECT count(*) FROM t") } == 50)
    }

    @Test("write rolls back when its body throws")
    func writeRollsBack() async throws {
        struct Boom: Error {}
        let dir = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: dir.path("q.db"))
        try await queue.write { try $0.execute("CREATE TABLE t (x INTEGER) STRICT") }
        await #expect(throws: Boom.self) {
            try await queue.write { db in
                try db.execute("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try await queue.read { try $0.scalarInt("SELECT count(*) FROM t") } == 0)
    }

    @Test("read is query-only: a write inside it fails with a clear error, while write works")
    func readIsQueryOnly() async throws {
        let dir = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: dir.path("q.db"))
        try await queue.write { try $0.execute("CREATE TABLE t (x INTEGER) STRICT") }
        let error = await #expect(throws: DatabaseError.self) {
            try await queue.read { try $0.execute("INSERT INTO t VALUES (1)") }
        }
        #expect(error?.primaryCode == 8)  // SQLITE_READONLY
        #expect(error?.message.contains("inside DatabaseQueue.read") == true)
        #expect(error?.sql == "INSERT INTO t VALUES (1)")
        await #expect(throws: DatabaseError.self) { try await queue.read { try $0.execute("CREATE TABLE u (y INTEGER)") } }
        // The connection is writable again afterwards, and reads still read.
        try await queue.write { try $0.execute("INSERT INTO t VALUES (2)") }
        try await queue.perform { try $0.execute("INSERT INTO t VALUES (3)") }
        #expect(try await queue.read { try $0.scalarInt("SELECT sum(x) FROM t") } == 5)
        #expect(try await queue.read { try $0.scalarInt("PRAGMA query_only") } == 1)
        #expect(try await queue.perform { try $0.scalarInt("PRAGMA query_only") } == 0)
    }

    @Test("migrates on open; data survives reopening")
    func migratesOnOpen() async throws {
        let dir = try TemporaryDirectory()
        let migrator = try Migrator(directory: migrationsDirectory)
        do {
            let queue = try DatabaseQueue(path: dir.path("q.db"), migrator: migrator)
            try await queue.write { try $0.execute("INSERT INTO packages (package_id, label, type, path, size, sha256, file_name, uploaded_at, metadata) VALUES ('a:1', 'a', 'ccaas', '', 1, ?, 'f', 'now', '{}')", [String(repeating: "0", count: 64)]) }
        }
        let queue = try DatabaseQueue(path: dir.path("q.db"), migrator: migrator)
        #expect(try await queue.read { try $0.scalarInt("SELECT count(*) FROM packages") } == 1)
    }

    @Test("close finishes queued work, closes the connection, then refuses new work")
    func close() async throws {
        let dir = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: dir.path("q.db"))
        try await queue.write { try $0.execute("CREATE TABLE t (x INTEGER) STRICT") }
        await queue.close()
        await queue.close()
        await #expect(throws: DatabaseError.closed) { try await queue.read { _ in 1 } }
        // The connection is closed: SQLite checkpointed and removed the WAL file.
        #expect(!FileManager.default.fileExists(atPath: dir.path("q.db-wal")))
    }

    @Test("opening a database in a missing directory throws a DatabaseError")
    func openFailure() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: DatabaseError.self) { _ = try DatabaseQueue(path: dir.path("missing/q.db")) }
    }
}
