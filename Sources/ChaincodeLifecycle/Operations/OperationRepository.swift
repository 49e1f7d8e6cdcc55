import Foundation
import Store

/// Rows of `operations` (migrations 0003, 0008); steps are stored as a JSON array.
struct OperationRepository {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }

    static let columns = "id, kind, state, created_at, updated_at, created_by, target, input_json, steps_json, result_json, error, phase"

    func save(_ op: GatewayOperation) throws {
        let steps = String(decoding: try JSONEncoder().encode(op.steps), as: UTF8.self)
        try connection.execute("""
            INSERT INTO operations (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
              steps_json = excluded.steps_json, result_json = excluded.result_json, error = excluded.error,
              phase = excluded.phase
            """, [op.id, op.kind.rawValue, op.state.rawValue, op.createdAt, op.updatedAt, op.createdBy, op.target,
                  op.input, steps, op.result, op.error, op.phase])
    }

    func find(_ id: String) throws -> GatewayOperation? {
        try connection.query("SELECT \(Self.columns) FROM operations WHERE id = ?", [id], row: Self.decode).first
    }

    /// Newest first.
    func list(kind: String?, state: String?, limit: Int, offset: Int) throws -> (items: [GatewayOperation], total: Int) {
        var conditions: [String] = [], args: [(any DatabaseValueConvertible)?] = []
        if let kind { conditions.append("kind = ?"); args.append(kind) }
        if let state { conditions.append("state = ?"); args.append(state) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let total = try connection.scalarInt("SELECT count(*) FROM operations \(whereClause)", args) ?? 0
        let items = try connection.query("SELECT \(Self.columns) FROM operations \(whereClause) ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
                                         args + [limit, offset], row: Self.decode)
        return (items, Int(total))
    }

    /// Operations a previous process left unfinished.
    func unfinished() throws -> [GatewayOperation] {
        try connection.query("SELECT \(Self.columns) FROM operations WHERE state IN ('queued', 'running') ORDER BY created_at", row: Self.decode)
    }

    static func decode(_ s: Statement) throws -> GatewayOperation {
        let steps = try JSONDecoder().decode([GatewayOperation.Step].self, from: Data(s.string(8).utf8))
        var op = GatewayOperation(kind: GatewayOperation.Kind(rawValue: s.string(1)) ?? .submit, createdBy: s.string(5), target: s.string(6),
                           input: s.string(7), steps: steps)
        op.id = s.string(0)
        op.state = GatewayOperation.State(rawValue: s.string(2)) ?? .failed
        op.createdAt = s.string(3)
        op.updatedAt = s.string(4)
        op.result = s.optionalString(9)
        op.error = s.optionalString(10)
        op.phase = s.optionalString(11)
        return op
    }
}
