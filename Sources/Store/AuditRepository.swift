/// One row of the audit log.
public struct AuditEntry: Sendable, Equatable {
    public var id: Int64
    public var at: String
    public var actor: String
    public var role: String?
    public var action: String
    public var target: String?
    public var outcome: String
    public var status: Int
    public var requestID: String
    public var clientAddress: String
    public var detail: String?

    public init(id: Int64 = 0, at: String, actor: String, role: String?, action: String, target: String?,
                outcome: String, status: Int, requestID: String, clientAddress: String, detail: String? = nil) {
        self.id = id
        self.at = at
        self.actor = actor
        self.role = role
        self.action = action
        self.target = target
        self.outcome = outcome
        self.status = status
        self.requestID = requestID
        self.clientAddress = clientAddress
        self.detail = detail
    }
}

/// Filters and paging for the audit log.
public struct AuditQuery: Sendable, Equatable {
    public var actor: String?
    public var action: String?
    public var outcome: String?
    public var since: String?
    public var until: String?
    public var limit = 100
    public var offset = 0
    public static let maxLimit = 1000
    public init() {}
}

/// Rows of `audit_log`, newest first.
public struct AuditRepository {
    public let connection: Connection
    public init(_ connection: Connection) { self.connection = connection }

    public func insert(_ e: AuditEntry) throws {
        _ = try insertReturningID(e)
    }

    /// Inserts a row and returns its id.
    public func insertReturningID(_ e: AuditEntry) throws -> Int64 {
        try connection.execute(
            "INSERT INTO audit_log (at, actor, role, action, target, outcome, status, request_id, client_address, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [e.at, e.actor, e.role, e.action, e.target, e.outcome, e.status, e.requestID, e.clientAddress, e.detail])
        return connection.lastInsertRowID
    }

    /// Rewrites the detail of row `id` (the count of an aggregated row).
    public func updateDetail(id: Int64, _ detail: String) throws {
        try connection.execute("UPDATE audit_log SET detail = ? WHERE id = ?", [detail, id])
    }

    public func list(_ q: AuditQuery) throws -> (items: [AuditEntry], total: Int) {
        precondition((1...AuditQuery.maxLimit).contains(q.limit) && q.offset >= 0, "invalid paging")
        var conditions: [String] = []
        var args: [(any DatabaseValueConvertible)?] = []
        if let v = q.actor { conditions.append("actor = ?"); args.append(v) }
        if let v = q.action { conditions.append("action = ?"); args.append(v) }
        if let v = q.outcome { conditions.append("outcome = ?"); args.append(v) }
        if let v = q.since { conditions.append("at >= ?"); args.append(v) }
        if let v = q.until { conditions.append("at < ?"); args.append(v) }
        let whereSQL = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let total = Int(try connection.scalarInt("SELECT count(*) FROM audit_log" + whereSQL, args) ?? 0)
        let items = try connection.query(
            "SELECT id, at, actor, role, action, target, outcome, status, request_id, client_address, detail FROM audit_log"
                + whereSQL + " ORDER BY id DESC LIMIT ? OFFSET ?", args + [q.limit, q.offset]) { s in
            AuditEntry(id: s.int64(0), at: s.string(1), actor: s.string(2), role: s.optionalString(3), action: s.string(4),
                       target: s.optionalString(5), outcome: s.string(6), status: s.int(7), requestID: s.string(8),
                       clientAddress: s.string(9), detail: s.optionalString(10))
        }
        return (items, total)
    }
}
