import Foundation

/// A client-certificate identity: certificates matching `subject` or `fingerprintSHA256` (exactly
/// one is set) act with `role` for `orgs` (migration 0009).
public struct CertificateBindingRecord: Sendable, Equatable {
    public var bindingID: String
    public var name: String
    public var subject: String?
    public var fingerprintSHA256: String?
    public var role: String
    public var orgs: [String]
    public var createdAt: String
    public var lastUsedAt: String?
    public var expiresAt: String?
    public var revokedAt: String?

    public init(bindingID: String, name: String, subject: String?, fingerprintSHA256: String?, role: String, orgs: [String],
                createdAt: String, lastUsedAt: String? = nil, expiresAt: String? = nil, revokedAt: String? = nil) {
        self.bindingID = bindingID
        self.name = name
        self.subject = subject
        self.fingerprintSHA256 = fingerprintSHA256
        self.role = role
        self.orgs = orgs
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// Rows of `certificate_bindings`.
public struct CertificateBindingRepository {
    public let connection: Connection
    public init(_ connection: Connection) { self.connection = connection }

    static let columns = "binding_id, name, subject, fingerprint_sha256, role, orgs, created_at, last_used_at, expires_at, revoked_at"

    public func insert(_ b: CertificateBindingRecord) throws {
        try connection.execute("INSERT INTO certificate_bindings (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               [b.bindingID, b.name, b.subject, b.fingerprintSHA256, b.role, try JSONList.encode(b.orgs),
                                b.createdAt, b.lastUsedAt, b.expiresAt, b.revokedAt])
    }

    public func get(bindingID: String) throws -> CertificateBindingRecord? {
        try connection.query("SELECT \(Self.columns) FROM certificate_bindings WHERE binding_id = ?", [bindingID], row: Self.record).first
    }

    public func get(name: String) throws -> CertificateBindingRecord? {
        try connection.query("SELECT \(Self.columns) FROM certificate_bindings WHERE name = ?", [name], row: Self.record).first
    }

    /// The active (unrevoked) bindings that match a certificate: by fingerprint first, then by
    /// subject (a fingerprint names one certificate, a subject every certificate reissued to it).
    public func active(fingerprintSHA256: String, subject: String) throws -> [CertificateBindingRecord] {
        try connection.query("""
            SELECT \(Self.columns) FROM certificate_bindings
            WHERE revoked_at IS NULL AND (fingerprint_sha256 = ? OR subject = ?)
            ORDER BY fingerprint_sha256 IS NULL, created_at
            """, [fingerprintSHA256, subject], row: Self.record)
    }

    public func list() throws -> [CertificateBindingRecord] {
        try connection.query("SELECT \(Self.columns) FROM certificate_bindings ORDER BY created_at, name", row: Self.record)
    }

    /// Marks a binding revoked; false when it does not exist or was already revoked.
    public func revoke(bindingID: String, at: String) throws -> Bool {
        try connection.execute("UPDATE certificate_bindings SET revoked_at = ? WHERE binding_id = ? AND revoked_at IS NULL",
                               [at, bindingID])
        return connection.changes > 0
    }

    public func touch(bindingID: String, at: String) throws {
        try connection.execute("UPDATE certificate_bindings SET last_used_at = ? WHERE binding_id = ?", [at, bindingID])
    }

    static func record(_ s: Statement) throws -> CertificateBindingRecord {
        let id = s.string(0)
        let orgs = try JSONList.decode(s.string(5), table: "certificate_bindings", column: "orgs", row: id)
        return CertificateBindingRecord(bindingID: id, name: s.string(1), subject: s.optionalString(2),
                                        fingerprintSHA256: s.optionalString(3), role: s.string(4), orgs: orgs,
                                        createdAt: s.string(6), lastUsedAt: s.optionalString(7),
                                        expiresAt: s.optionalString(8), revokedAt: s.optionalString(9))
    }
}
