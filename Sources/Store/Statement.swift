internal import CSQLite

/// A prepared SQLite statement, finalized in `deinit`. Confined to its connection's thread.
///
/// Binding errors (wrong index, out of memory) are bugs and trap; stepping errors throw
/// `DatabaseError` carrying the SQL text but never the bound values.
public final class Statement {
    private let handle: OpaquePointer
    private let db: OpaquePointer
    /// The SQL text with placeholders, as prepared.
    public let sql: String

    init(db: OpaquePointer, sql: String) throws {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw DatabaseError(code: sqlite3_extended_errcode(db), message: Connection.message(db), sql: sql)
        }
        self.handle = stmt
        self.db = db
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Number of `?` parameters.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    /// Binds `values` to parameters 1...n. The count must match (a bug otherwise).
    public func bind(_ values: [(any DatabaseValueConvertible)?]) {
        precondition(values.count == parameterCount,
                     "statement expects \(parameterCount) parameters, got \(values.count): \(sql)")
        for (offset, value) in values.enumerated() {
            bind(value?.databaseValue ?? .null, at: offset + 1)
        }
    }

    /// Binds one value at a 1-based parameter index.
    public func bind(_ value: DatabaseValue, at index: Int) {
        let i = Int32(index)
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, i)
        case .integer(let v): rc = sqlite3_bind_int64(handle, i, v)
        case .real(let v): rc = sqlite3_bind_double(handle, i, v)
        case .text(let v): rc = sqlite3_bind_text(handle, i, v, -1, csqlite_transient())
        case .blob(let v):
            rc = v.withUnsafeBytes { sqlite3_bind_blob64(handle, i, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64($0.count), csqlite_transient()) }
        }
        precondition(rc == SQLITE_OK, "bind #\(index) failed (\(rc)) for: \(sql)")
    }

    /// Advances; returns true when a row is available, false when done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw DatabaseError(code: sqlite3_extended_errcode(db), message: Connection.message(db), sql: sql)
        }
    }

    /// Resets for another execution and clears bindings.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Columns (0-based indices)

    /// Number of result columns.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// True when the column of the current row is NULL.
    public func isNull(_ column: Int) -> Bool {
        sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL
    }

    /// The column as a 64-bit integer (NULL reads as 0).
    public func int64(_ column: Int) -> Int64 { sqlite3_column_int64(handle, Int32(column)) }

    /// The column as an `Int` (NULL reads as 0).
    public func int(_ column: Int) -> Int { Int(int64(column)) }

    /// The column as a `Double` (NULL reads as 0).
    public func double(_ column: Int) -> Double { sqlite3_column_double(handle, Int32(column)) }

    /// The column as UTF-8 text (NULL reads as "").
    public func string(_ column: Int) -> String {
        guard let text = sqlite3_column_text(handle, Int32(column)) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column as text, nil when NULL.
    public func optionalString(_ column: Int) -> String? { isNull(column) ? nil : string(column) }

    /// The column as an integer, nil when NULL.
    public func optionalInt64(_ column: Int) -> Int64? { isNull(column) ? nil : int64(column) }

    /// The column as bytes (NULL reads as empty).
    public func blob(_ column: Int) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, Int32(column)))
        guard count > 0, let base = sqlite3_column_blob(handle, Int32(column)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// The column value as a `DatabaseValue`.
    public func value(_ column: Int) -> DatabaseValue {
        switch sqlite3_column_type(handle, Int32(column)) {
        case SQLITE_INTEGER: return .integer(int64(column))
        case SQLITE_FLOAT: return .real(double(column))
        case SQLITE_TEXT: return .text(string(column))
        case SQLITE_BLOB: return .blob(blob(column))
        default: return .null
        }
    }
}
