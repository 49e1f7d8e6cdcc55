internal import CSQLite
import Foundation

/// One SQLite connection, configured as the conventions require. Not thread-safe: it is
/// confined to a `DatabaseQueue`'s thread (or to the thread that opened it, in tests).
public final class Connection {
    let db: OpaquePointer
    /// Path of the database file.
    public let path: String

    /// How long a writer waits on a locked database before SQLITE_BUSY (milliseconds).
    /// 5 s: longer than any write transaction the gateway runs, short enough to surface a wedge.
    public static let busyTimeoutMilliseconds: Int32 = 5_000

    /// Opens (creating if needed) the database at `path` and applies the per-connection set-up:
    /// extended result codes, foreign keys on, double-quoted string literals off, busy timeout,
    /// WAL journal (read back and checked), synchronous=NORMAL.
    public init(path: String) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { Connection.message($0) } ?? "out of memory"
            if let handle { sqlite3_close_v2(handle) }
            throw DatabaseError(code: rc, message: "cannot open database '\(path)': \(message)")
        }
        self.db = handle
        self.path = path
        // A failure here needs no close: `self` is fully initialized, so throwing runs deinit,
        // which closes the handle (closing it here as well was a double close).
        try configure()
    }

    deinit { sqlite3_close_v2(db) }

    private func configure() throws {
        sqlite3_extended_result_codes(db, 1)
        // Double-quoted strings would silently turn a misspelled column into a literal.
        for option in [SQLITE_DBCONFIG_DQS_DML, SQLITE_DBCONFIG_DQS_DDL] {
            let rc = csqlite_db_config_int(db, option, 0)
            guard rc == SQLITE_OK else { throw DatabaseError(code: rc, message: "cannot disable double-quoted strings") }
        }
        sqlite3_busy_timeout(db, Connection.busyTimeoutMilliseconds)
        try execute("PRAGMA foreign_keys = ON")
        let mode = try scalarString("PRAGMA journal_mode = WAL")
        guard mode?.lowercased() == "wal" else {
            throw DatabaseError(code: SQLITE_ERROR, message: "journal_mode=WAL not accepted (got '\(mode ?? "nil")')",
                                sql: "PRAGMA journal_mode = WAL")
        }
        try execute("PRAGMA synchronous = NORMAL")
    }

    static func message(_ db: OpaquePointer) -> String {
        String(cString: sqlite3_errmsg(db))
    }

    /// Prepares a statement.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(db: db, sql: sql)
    }

    /// Prepared statements reused by `execute`/`query`: parsing SQL on every request showed up
    /// in profiles. Bounded; a statement in use (a nested query with the same SQL) is not shared.
    private var statementCache: [String: Statement] = [:]
    private var statementsInUse: Set<String> = []
    static let statementCacheLimit = 64

    /// Runs `body` with a cached (or fresh) statement for `sql`, bound to `arguments`, and
    /// resets it afterwards so it holds no read snapshot or lock.
    private func withStatement<R>(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?],
                                  _ body: (Statement) throws -> R) throws -> R {
        if statementsInUse.contains(sql) {
            let fresh = try prepare(sql)
            fresh.bind(arguments)
            return try body(fresh)
        }
        let statement: Statement
        if let cached = statementCache[sql] {
            statement = cached
        } else {
            statement = try prepare(sql)
            if statementCache.count >= Self.statementCacheLimit { statementCache.removeAll() }
            statementCache[sql] = statement
        }
        statementsInUse.insert(sql)
        defer {
            statement.reset()
            statementsInUse.remove(sql)
        }
        statement.bind(arguments)
        return try body(statement)
    }

    /// Runs one statement with arguments, ignoring result rows.
    public func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws {
        try withStatement(sql, arguments) { statement in
            while try statement.step() {}
        }
    }

    /// The rowid of the last row this connection inserted (sqlite3_last_insert_rowid).
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(db) }

    /// Runs a script of several statements without arguments (migrations).
    public func executeScript(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? Connection.message(db)
            sqlite3_free(errorMessage)
            throw DatabaseError(code: sqlite3_extended_errcode(db), message: message, sql: "<script>")
        }
    }

    /// Runs a query and maps each row.
    public func query<T>(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = [],
                         row: (Statement) throws -> T) throws -> [T] {
        try withStatement(sql, arguments) { statement in
            var rows: [T] = []
            while try statement.step() { rows.append(try row(statement)) }
            return rows
        }
    }

    /// First column of the first row as text, or nil when no row / NULL.
    public func scalarString(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws -> String? {
        try query(sql, arguments) { $0.optionalString(0) }.first ?? nil
    }

    /// First column of the first row as an integer, or nil when no row / NULL.
    public func scalarInt(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) throws -> Int64? {
        try query(sql, arguments) { $0.optionalInt64(0) }.first ?? nil
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    public var changes: Int { Int(sqlite3_changes(db)) }

    /// True outside an explicit transaction.
    public var isAutocommit: Bool { sqlite3_get_autocommit(db) != 0 }

    /// Runs `body` inside `BEGIN IMMEDIATE` … `COMMIT`; rolls back if it throws.
    /// Nesting is a bug (SQLite has no nested BEGIN).
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        precondition(isAutocommit, "nested transaction")
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // The body's error is the one to report; a failed ROLLBACK leaves SQLite rolling back
            // on its own (the transaction is abandoned when the connection next begins one or closes).
            if !isAutocommit { try? execute("ROLLBACK") }
            throw error
        }
    }
}
