import Fabric
import FabricProtos
import Foundation
import Store

/// Channel-wide state the approval tracker keeps per chaincode (`chaincode_states`,
/// `approval_variants`, migration 0007), so the channel list reads about one row per chaincode
/// and variant instead of grouping every organization's approvals per request.
extension TrackingRepository {
    /// Recomputes `name`'s committed sequence and approval variants from its recorded
    /// transactions; `process` calls it for every chaincode a block touches (inside its transaction).
    func refreshState(channel: String, name: String) throws {
        try connection.execute("""
            INSERT INTO chaincode_states (channel, name, committed_sequence) VALUES (?1, ?2, (
                SELECT max(sequence) FROM \(Self.byChaincode)
                WHERE channel = ?1 AND name = ?2 AND kind = 'commit' AND validation_code = 'VALID'))
            ON CONFLICT (channel, name) DO UPDATE SET committed_sequence = excluded.committed_sequence
            """, [channel, name])
        try connection.execute("DELETE FROM approval_variants WHERE channel = ? AND name = ?", [channel, name])
        // The migration's backfill, for one chaincode: each org's latest valid approval at the
        // committed sequence ('committed') and above it ('pending'), grouped by the fields
        // CheckCommitReadiness compares (docs/fabric-notes.md §9.2). Row ids follow block order.
        try connection.execute("""
            INSERT INTO approval_variants (channel, name, role, first_tx, orgs)
            WITH latest AS (
                SELECT t.id, t.msp_id, t.sequence, t.version, t.endorsement_plugin, t.validation_plugin,
                       t.validation_parameter, t.collections, t.init_required,
                       CASE WHEN t.sequence = s.committed_sequence THEN 'committed' ELSE 'pending' END AS role,
                       row_number() OVER (
                           PARTITION BY t.msp_id, t.sequence = coalesce(s.committed_sequence, 0)
                           ORDER BY t.block_number DESC, t.tx_index DESC) AS newest
                FROM lifecycle_transactions t INDEXED BY lifecycle_transactions_by_chaincode
                    JOIN chaincode_states s ON s.channel = t.channel AND s.name = t.name
                WHERE t.channel = ?1 AND t.name = ?2 AND t.kind = 'approval' AND t.validation_code = 'VALID'
                  AND t.sequence >= coalesce(s.committed_sequence, 1))
            SELECT ?1, ?2, role, min(id), group_concat(msp_id, char(31)) FROM latest WHERE newest = 1
            GROUP BY role, sequence, version, endorsement_plugin, validation_plugin, validation_parameter, collections, init_required
            """, [channel, name])
    }

    /// Every chaincode in the channel's recorded lifecycle history, with its highest validly
    /// committed sequence (nil while never committed).
    func chaincodeStates(channel: String) throws -> [String: Int64?] {
        let rows = try connection.query("SELECT name, committed_sequence FROM chaincode_states WHERE channel = ?", [channel]) {
            ($0.string(0), $0.optionalInt64(1))
        }
        return Dictionary(rows, uniquingKeysWith: { a, _ in a })
    }

    /// The channel's approval variants by chaincode: `pending` (each org's latest approval above
    /// the committed sequence, first approved first) and `committed` (at the committed sequence).
    func approvalVariants(channel: String) throws
        -> (pending: [String: [PendingDefinition.Variant]], committed: [String: [PendingDefinition.Variant]]) {
        let rows = try connection.query("""
            SELECT t.name, t.sequence, t.version, t.endorsement_plugin, t.validation_plugin, t.validation_parameter, t.collections,
                   t.init_required, v.orgs, v.role
            FROM approval_variants v JOIN lifecycle_transactions t ON t.id = v.first_tx
            WHERE v.channel = ? ORDER BY v.name, t.block_number, t.tx_index
            """, [channel]) { s -> (String, PendingDefinition.Variant) in
            var collections: Protos_CollectionConfigPackage?
            if !s.isNull(6) {
                do { collections = try Protos_CollectionConfigPackage(serializedBytes: s.blob(6)) } catch {
                    throw CorruptColumn(table: "lifecycle_transactions", column: "collections", row: "\(s.string(0)) sequence \(s.int64(1))",
                                        cause: error)
                }
            }
            let definition = ChaincodeDefinition(name: s.string(0), version: s.string(2), sequence: s.int64(1), endorsementPlugin: s.string(3),
                                                 validationPlugin: s.string(4), validationParameter: s.blob(5), collections: collections,
                                                 initRequired: s.int64(7) != 0)
            let orgs = s.string(8).split(separator: "\u{1F}").map(String.init).sorted()
            return (s.string(9), PendingDefinition.Variant(definition: definition, orgs: orgs))
        }
        var pending: [String: [PendingDefinition.Variant]] = [:]
        var committed: [String: [PendingDefinition.Variant]] = [:]
        for (role, variant) in rows {
            if role == "committed" {
                committed[variant.definition.name, default: []].append(variant)
            } else {
                pending[variant.definition.name, default: []].append(variant)
            }
        }
        return (pending, committed)
    }
}
