/// A failure reported by SQLite. Never carries bound values (they may be secrets), only the
/// SQL text with its `?` placeholders.
public struct DatabaseError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Extended SQLite result code (e.g. 2067 = SQLITE_CONSTRAINT_UNIQUE).
    public let code: Int32
    /// SQLite's message (`sqlite3_errmsg`) or ours for non-SQLite conditions.
    public let message: String
    /// The statement being executed, with placeholders, if any.
    public let sql: String?

    public init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// Work submitted to a `DatabaseQueue` after `close()` (SQLITE_MISUSE).
    public static let closed = DatabaseError(code: 21, message: "database queue is closed")

    /// Primary result code (low byte of the extended code).
    public var primaryCode: Int32 { code & 0xff }

    /// True for any SQLITE_CONSTRAINT_* failure (unique, foreign key, check, not null).
    public var isConstraintViolation: Bool { primaryCode == 19 }

    public var description: String {
        if let sql { return "SQLite error \(code): \(message) (while executing: \(sql))" }
        return "SQLite error \(code): \(message)"
    }
}

/// Errors of the schema-migration machinery.
public enum MigrationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The database records a migration this build does not ship: refuse to touch it.
    case newerDatabase(appliedVersion: Int, newestKnown: Int)
    /// A migration file name does not follow `NNNN_name.sql` or a version is duplicated.
    case badMigrationFile(String)
    /// An applied version is known but under another name (a renamed landed migration).
    case nameMismatch(version: Int, applied: String, shipped: String)
    /// The migrations directory could not be read.
    case unreadableDirectory(String)
    /// A migration file could not be read or is not UTF-8.
    case unreadableFile(String)

    public var description: String {
        switch self {
        case .newerDatabase(let applied, let known):
            return "database was written by a newer version of the gateway "
                + "(it has migration \(applied), this build knows up to \(known)); refusing to open it"
        case .badMigrationFile(let name):
            return "invalid migration file '\(name)': expected NNNN_name.sql with a unique version"
        case .nameMismatch(let version, let applied, let shipped):
            return "migration \(version) was applied as '\(applied)' but this build ships '\(shipped)'"
        case .unreadableDirectory(let path):
            return "cannot read migrations directory '\(path)'"
        case .unreadableFile(let path):
            return "cannot read migration file '\(path)' as UTF-8 text"
        }
    }
}
