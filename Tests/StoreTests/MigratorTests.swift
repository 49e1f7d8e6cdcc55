import Foundation
import Testing
@testable import Store
import TestSupport

@Suite("Migrator")
struct MigratorTests {
    @Test("applies shipped migrations once, in order, with bookkeeping rows")
    func appliesShipped() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("a.db"))
        let migrator = try Migrator(directory: migrationsDirectory)
        #expect(migrator.migrations.first?.fileName == "0001_packages.sql")
        #expect(try migrator.migrate(db) == migrator.migrations.map(\.version))
        #expect(try migrator.migrate(db) == [])
        let applied = try Migrator.appliedMigrations(in: db)
        #expect(applied.map(\.version) == migrator.migrations.map(\.version))
        #expect(try db.scalarString("SELECT sql FROM sqlite_schema WHERE name = 'packages'")?.contains("STRICT") == true)
    }

    @Test("refuses a database written by a newer version")
    func refusesNewer() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("a.db")
        let migrator = try Migrator(directory: migrationsDirectory)
        do {
            let db = try Connection(path: path)
            try migrator.migrate(db)
            try db.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 'x')")
        }
        let db = try Connection(path: path)
        #expect(throws: MigrationError.newerDatabase(appliedVersion: 9999, newestKnown: migrator.migrations.last!.version)) {
            try migrator.migrate(db)
        }
        let message = "\(MigrationError.newerDatabase(appliedVersion: 9999, newestKnown: 1))"
        #expect(message.hasPrefix("database was written by a newer version"))
        #expect(throws: MigrationError.self) { _ = try DatabaseQueue(path: path, migrator: migrator) }
    }

    @Test("a failing migration leaves neither its changes nor its bookkeeping row")
    func atomicMigration() throws {
        let dir = try TemporaryDirectory()
        let db = try Connection(path: dir.path("a.db"))
        let migrator = Migrator(migrations: [
            Migration(version: 1, name: "ok", sql: "CREATE TABLE a (x INTEGER) STRICT;"),
            Migration(version: 2, name: "bad", sql: "CREATE TABLE b (x INTEGER) STRICT; INSERT INTO nowhere VALUES (1);"),
        ])
        #expect(throws: DatabaseError.self) { try migrator.migrate(db) }
        #expect(try Migrator.appliedMigrations(in: db).map(\.version) == [1])
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name = 'b'") == 0)
    }

    @Test("rejects malformed migration file names")
    func badFileNames() throws {
        let dir = try TemporaryDirectory()
        try "SELECT 1;".write(toFile: dir.path("1_x.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.badMigrationFile("1_x.sql")) { _ = try Migrator(directory: dir.url) }
    }

    @Test("landed migrations still match migrations/manifest.sha256, and every file is listed")
    func manifest() throws {
        let result = try runCommand(["sha256sum", "--check", "--strict", "manifest.sha256"], in: migrationsDirectory)
        let (status, output) = (result.status, result.text)
        #expect(status == 0, "a landed migration changed: \(output)")
        let manifest = try String(contentsOf: migrationsDirectory.appendingPathComponent("manifest.sha256"), encoding: .utf8)
        let listed = Set(manifest.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
        let shipped = Set(try Migration.load(from: migrationsDirectory).map(\.fileName))
        #expect(listed == shipped)
    }
}
