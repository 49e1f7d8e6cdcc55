import Foundation

/// Applies migrations in order, each with its bookkeeping row in one `BEGIN IMMEDIATE`
/// transaction (GRDB's doctrine), and refuses a database written by a newer build.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    /// Bookkeeping table; created outside any numbered migration so that it always exists.
    static let bookkeepingSQL = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT
        """

    public init(migrations: [Migration]) {
        precondition(zip(migrations, migrations.dropFirst()).allSatisfy { $0.version < $1.version },
                     "migrations must be sorted by strictly increasing version")
        self.migrations = migrations
    }

    /// Loads the migrations shipped in `directory` (`NNNN_name.sql`).
    public init(directory: URL) throws {
        self.init(migrations: try Migration.load(from: directory))
    }

    /// Versions recorded in the database, ascending, with their names.
    public static func appliedMigrations(in connection: Connection) throws -> [(version: Int, name: String)] {
        try connection.execute(bookkeepingSQL)
        return try connection.query("SELECT version, name FROM schema_migrations ORDER BY version") {
            (version: $0.int(0), name: $0.string(1))
        }
    }

    /// Brings the schema up to date. Returns the versions applied by this call.
    @discardableResult
    public func migrate(_ connection: Connection) throws -> [Int] {
        let applied = try Self.appliedMigrations(in: connection)
        let newestKnown = migrations.last?.version ?? 0
        if let newest = applied.last, newest.version > newestKnown {
            throw MigrationError.newerDatabase(appliedVersion: newest.version, newestKnown: newestKnown)
        }
        let shipped = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0.name) })
        for row in applied {
            if let name = shipped[row.version], name != row.name {
                throw MigrationError.nameMismatch(version: row.version, applied: row.name, shipped: name)
            }
        }
        let done = Set(applied.map(\.version))
        var appliedNow: [Int] = []
        for migration in migrations where !done.contains(migration.version) {
            try connection.transaction {
                try connection.executeScript(migration.sql)
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                    [migration.version, migration.name])
            }
            appliedNow.append(migration.version)
        }
        return appliedNow
    }
}
