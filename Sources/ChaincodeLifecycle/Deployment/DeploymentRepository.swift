import Foundation
import Store

/// Rows of `deployments` (migration 0008): the spec last applied to a chaincode and the
/// operation reconciling it. A newer spec replaces the row; the older operation sees at its next
/// safe point that it is no longer the row's and stops (superseded).
struct DeploymentRepository {
    struct Record: Sendable {
        var channel: String
        var name: String
        var spec: DeploymentSpec
        var operationID: String?
        var updatedAt: String
        var updatedBy: String
    }

    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }

    func save(_ r: Record) throws {
        let spec = String(decoding: try JSONEncoder().encode(r.spec), as: UTF8.self)
        try connection.execute("""
            INSERT INTO deployments (channel, name, spec_json, operation_id, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(channel, name) DO UPDATE SET spec_json = excluded.spec_json, operation_id = excluded.operation_id,
              updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, [r.channel, r.name, spec, r.operationID, r.updatedAt, r.updatedBy])
    }

    func find(channel: String, name: String) throws -> Record? {
        try connection.query("SELECT channel, name, spec_json, operation_id, updated_at, updated_by FROM deployments WHERE channel = ? AND name = ?",
                             [channel, name]) { s in
            let spec: DeploymentSpec
            do { spec = try JSONDecoder().decode(DeploymentSpec.self, from: Data(s.string(2).utf8)) } catch {
                throw CorruptColumn(table: "deployments", column: "spec_json", row: "\(s.string(0))/\(s.string(1))", cause: error)
            }
            return Record(channel: s.string(0), name: s.string(1), spec: spec, operationID: s.optionalString(3),
                          updatedAt: s.string(4), updatedBy: s.string(5))
        }.first
    }
}
