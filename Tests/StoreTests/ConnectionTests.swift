import Foundation
import Testing
@testable import Store
import TestSupport

@Suite("Connection")
struct ConnectionTests {
    @Test("applies the per-connection set-up on a real file, WAL read back")
    func setUp() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("a.db"))
        #expect(try db.scalarString("PRAGMA journal_mode") == "wal")
        #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try db.scalarInt("PRAGMA synchronous") == 1)  // NORMAL
        try db.execute("CREATE TABLE t (x TEXT) STRICT")
        try db.execute("INSERT INTO t VALUES (?)", ["v"])
        #expect(FileManager.default.fileExists(atPath: dir.path("a.db-wal")))
    }

    @Test("a file that is not a database, and a database that cannot use WAL, are refused with SQLite's words")
    func refusedSetUp() throws {
        let dir = try TemporaryDirectory()
        let garbage = dir.path("garbage.db")
        try Data(repeating: 0x5a, count: 8192).write(to: URL(fileURLWithPath: garbage))
        do {
            _ = try Connection(path: garbage)
            Issue.record("a garbage file opened as a database")
        } catch let error as DatabaseError {
            #expect(error.primaryCode == 26, "\(error)")  // SQLITE_NOTADB
        }
        do {
            _ = try Connection(path: ":memory:")
            Issue.record("an in-memory database accepted WAL")
        } catch let error as DatabaseError {
            #expect(error.message.contains("journal_mode=WAL not accepted"), "\(error)")
        }
    }

    @Test("double-quoted string literals are rejected")
    func noDoubleQuotedStrings() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("a.db"))
        try db.execute("CREATE TABLE t (x TEXT) STRICT")
        #expect(throws: DatabaseError.self) { try db.execute("SELECT * FROM t WHERE x = \"oops\"") }
    }

    @Test("errors carry SQL and extended code but never bound values")
    func errorsHideBoundValues() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("a.db"))
        try db.execute("CREATE TABLE t (x TEXT PRIMARY KEY) STRICT")
        try db.execute("INSERT INTO t VALUES (?)", ["s3cr3t-token"])
        do {
            try db.execute("INSERT INTO t VALUES (?)", ["s3cr3t-token"])
            Issue.record("expected a constraint error")
        } catch let error as DatabaseError {
            #expect(error.code == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
            #expect(error.isConstraintViolation)
            #expect(error.sql == "INSERT INTO t VALUES (?)")
            #expect(!error.description.contains("s3cr3t"))
        }
    }

    @Test("STRICT tables and foreign keys are enforced")
    func strictAndForeignKeys() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("a.db"))
        try db.execute("CREATE TABLE p (id INTEGER PRIMARY KEY) STRICT")
        try db.execute("CREATE TABLE c (p INTEGER NOT NULL REFERENCES p (id)) STRICT")
        #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO c VALUES (?)", [42]) }
        #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO p VALUES (?)", ["not a number"]) }
    }

    @Test("transaction commits, and rolls back when the body throws")
    func transactions() throws {
        struct Boom: Error {}
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("a.db"))
        try db.execute("CREATE TABLE t (x INTEGER) STRICT")
        try db.transaction { try db.execute("INSERT INTO t VALUES (1)") }
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (2)")
                throw Boom()
            }
        }
        #expect(try db.query("SELECT x FROM t") { $0.int(0) } == [1])
        #expect(db.isAutocommit)
    }

    @Test("typed columns round-trip")
    func typedColumns() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("a.db"))
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT) STRICT")
        let blob: [UInt8] = [0, 1, 255]
        try db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [Int64.max, 1.5, "héllo", blob, nil])
        let row = try db.query("SELECT i, r, s, b, n FROM t") {
            [$0.value(0), $0.value(1), $0.value(2), $0.value(3), $0.value(4)]
        }
        #expect(row == [[.integer(.max), .real(1.5), .text("héllo"), .blob(blob), .null]])
    }
}
