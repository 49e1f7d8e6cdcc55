/// A column the gateway wrote that no longer decodes (edited by hand, truncated, written by a
/// bug). Reading it as empty would change meaning silently (a token without organizations, a
/// package without warnings, a definition without collections), so the row is refused with an
/// error naming the table, the column and the row. Carries no column value (it may be a secret).
public struct CorruptColumn: Error, CustomStringConvertible, Sendable {
    public var table: String
    public var column: String
    /// The row's key as an operator would look it up (a token ID, a package ID, `channel/name`).
    public var row: String
    /// Why it does not decode (the decoder's error, described).
    public var reason: String

    public init(table: String, column: String, row: String, cause: any Error) {
        self.init(table: table, column: column, row: row, reason: "\(cause)")
    }

    public init(table: String, column: String, row: String, reason: String) {
        self.table = table
        self.column = column
        self.row = row
        self.reason = reason
    }

    public var description: String { "\(table).\(column) of \(row) does not decode: \(reason)" }
}
