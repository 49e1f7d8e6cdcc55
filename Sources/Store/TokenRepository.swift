import Foundation

/// A stored API token (never the secret itself).
public struct TokenRecord: Sendable, Equatable {
    public var tokenID: String
    public var secretSHA256: [UInt8]
    public var name: String
    public var role: String
    public var orgs: [String]
    public var createdAt: String
    public var lastUsedAt: String?
    public var expiresAt: String?
    public var revokedAt: String?

    public init(tokenID: String, secretSHA256: [UInt8], name: String, role: String, orgs: [String],
                createdAt: String, lastUsedAt: String? = nil, expiresAt: String? = nil, revokedAt: String? = nil) {
        self.tokenID = tokenID
        self.secretSHA256 = secretSHA256
        self.name = name
        self.role = role
        self.orgs = orgs
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// Rows of `api_tokens`.
public struct TokenRepository {
    public let connection: Connection
    public init(_ connection: Connection) { self.connection = connection }

    static let columns = "token_id, secret_sha256, name, role, orgs, created_at, last_used_at, expires_at, revoked_at"

    public func insert(_ t: TokenRecord) throws {
        try connection.execute("INSERT INTO api_tokens (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               [t.tokenID, t.secretSHA256, t.name, t.role, try JSONList.encode(t.orgs), t.createdAt,
                                t.lastUsedAt, t.expiresAt, t.revokedAt])
    }

    public func get(tokenID: String) throws -> TokenRecord? {
        try connection.query("SELECT \(Self.columns) FROM api_tokens WHERE token_id = ?", [tokenID], row: Self.record).first
    }

    public func get(name: String) throws -> TokenRecord? {
        try connection.query("SELECT \(Self.columns) FROM api_tokens WHERE name = ?", [name], row: Self.record).first
    }

    /// Tokens whose id starts with `idPrefix` (supplied tokens are `ext-…`).
    public func list(idPrefix: String) throws -> [TokenRecord] {
        try connection.query("SELECT \(Self.columns) FROM api_tokens WHERE substr(token_id, 1, ?) = ?",
                             [idPrefix.count, idPrefix], row: Self.record)
    }

    public func list() throws -> [TokenRecord] {
        try connection.query("SELECT \(Self.columns) FROM api_tokens ORDER BY created_at, name", row: Self.record)
    }

    public func count() throws -> Int {
        Int(try connection.scalarInt("SELECT count(*) FROM api_tokens") ?? 0)
    }

    /// Marks a token revoked; false when it does not exist or was already revoked.
    public func revoke(tokenID: String, at: String) throws -> Bool {
        try connection.execute("UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL", [at, tokenID])
        return connection.changes > 0
    }

    public func touch(tokenID: String, at: String) throws {
        try connection.execute("UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?", [at, tokenID])
    }

    static func record(_ s: Statement) throws -> TokenRecord {
        let tokenID = s.string(0)
        // Read as empty, an org-scoped token would lose its scope: the row is refused instead.
        let orgs = try JSONList.decode(s.string(4), table: "api_tokens", column: "orgs", row: tokenID)
        return TokenRecord(tokenID: tokenID, secretSHA256: s.blob(1), name: s.string(2), role: s.string(3),
                           orgs: orgs, createdAt: s.string(5), lastUsedAt: s.optionalString(6),
                           expiresAt: s.optionalString(7), revokedAt: s.optionalString(8))
    }
}

/// JSON arrays of strings stored in TEXT columns.
enum JSONList {
    static func encode(_ list: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
    }

    /// Throws `CorruptColumn` naming `table`, `column` and `row` when `text` is not a JSON array of strings.
    static func decode(_ text: String, table: String, column: String, row: String) throws -> [String] {
        do { return try JSONDecoder().decode([String].self, from: Data(text.utf8)) } catch {
            throw CorruptColumn(table: table, column: column, row: row, cause: error)
        }
    }
}
