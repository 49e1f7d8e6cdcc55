import Fabric
import FabricProtos
import Foundation
import Store

/// Channel-wide reads: every chaincode in the lifecycle history and what each has pending.
extension TrackingRepository {
    /// Every chaincode name that appears in the channel's recorded lifecycle transactions.
    func chaincodeNames(channel: String) throws -> [String] {
        try connection.query("SELECT DISTINCT name FROM \(Self.byChaincode) WHERE channel = ? ORDER BY name", [channel]) { $0.string(0) }
    }

    /// For every chaincode of the channel: each org's latest valid approval at a sequence above
    /// the chaincode's last valid commit (one query for the whole channel).
    func pendingApprovals(channel: String) throws -> [String: [String: LifecycleRecord]] {
        let columns = Self.columns.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .joined(separator: ", ")
        let rows = try connection.query("""
            WITH committed AS (
                SELECT name, max(sequence) AS sequence FROM lifecycle_transactions
                WHERE channel = ?1 AND kind = 'commit' AND validation_code = 'VALID' GROUP BY name)
            SELECT \(columns) FROM lifecycle_transactions t LEFT JOIN committed c ON c.name = t.name
            WHERE t.channel = ?1 AND t.kind = 'approval' AND t.validation_code = 'VALID' AND t.sequence > coalesce(c.sequence, 0)
            ORDER BY t.block_number, t.tx_index
            """, [channel], row: Self.record)
        var latest: [String: [String: LifecycleRecord]] = [:]
        for r in rows { latest[r.definition.name, default: [:]][r.mspID] = r }
        return latest
    }

    /// The highest validly committed sequence of each chaincode, as the blocks recorded it.
    func committedSequences(channel: String) throws -> [String: Int64] {
        let rows = try connection.query("""
            SELECT name, max(sequence) FROM lifecycle_transactions
            WHERE channel = ? AND kind = 'commit' AND validation_code = 'VALID' GROUP BY name
            """, [channel]) { ($0.string(0), $0.int64(1)) }
        return Dictionary(rows, uniquingKeysWith: max)
    }

    /// Each org's latest valid approval of each (chaincode, sequence) asked for, in one query.
    func approvals(channel: String, at wanted: [(name: String, sequence: Int64)]) throws -> [String: [String: LifecycleRecord]] {
        guard !wanted.isEmpty else { return [:] }
        let columns = Self.columns.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .joined(separator: ", ")
        let values = Array(repeating: "(?, ?)", count: wanted.count).joined(separator: ", ")
        // Parameters in the order they appear: the pairs, then the channel.
        var arguments: [(any DatabaseValueConvertible)?] = []
        for w in wanted { arguments += [w.name, w.sequence] }
        arguments.append(channel)
        let rows = try connection.query("""
            WITH wanted(name, sequence) AS (VALUES \(values))
            SELECT \(columns) FROM lifecycle_transactions t JOIN wanted w ON w.name = t.name AND w.sequence = t.sequence
            WHERE t.channel = ? AND t.kind = 'approval' AND t.validation_code = 'VALID'
            ORDER BY t.block_number, t.tx_index
            """, arguments, row: Self.record)
        var latest: [String: [String: LifecycleRecord]] = [:]
        for r in rows { latest[r.definition.name, default: [:]][r.mspID] = r }
        return latest
    }

    /// What `pendingApprovals(channel:)` holds, grouped in SQL: for each chaincode, the distinct
    /// definitions its organizations' latest approvals above the committed sequence name (the
    /// fields CheckCommitReadiness compares, docs/fabric-notes.md §9.2), with the approving orgs
    /// and the first block. One row per variant instead of one per approval, for the channel list.
    func pendingVariants(channel: String) throws -> [String: [PendingDefinition.Variant]] {
        let rows = try connection.query("""
            WITH committed AS (
                SELECT name, max(sequence) AS sequence FROM lifecycle_transactions
                WHERE channel = ?1 AND kind = 'commit' AND validation_code = 'VALID' GROUP BY name),
            latest AS (
                SELECT t.name, t.sequence, t.version, t.endorsement_plugin, t.validation_plugin, t.validation_parameter,
                       t.collections, t.init_required, t.msp_id, t.block_number,
                       row_number() OVER (PARTITION BY t.name, t.msp_id ORDER BY t.block_number DESC, t.tx_index DESC) AS newest
                FROM lifecycle_transactions t LEFT JOIN committed c ON c.name = t.name
                WHERE t.channel = ?1 AND t.kind = 'approval' AND t.validation_code = 'VALID' AND t.sequence > coalesce(c.sequence, 0))
            SELECT name, sequence, version, endorsement_plugin, validation_plugin, validation_parameter, collections, init_required,
                   group_concat(msp_id, char(31)), min(block_number)
            FROM latest WHERE newest = 1
            GROUP BY name, sequence, version, endorsement_plugin, validation_plugin, validation_parameter, collections, init_required
            ORDER BY name, min(block_number)
            """, [channel]) { s -> (String, PendingDefinition.Variant, UInt64) in
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
            return (s.string(0), PendingDefinition.Variant(definition: definition, orgs: orgs), UInt64(s.int64(9)))
        }
        var out: [String: [PendingDefinition.Variant]] = [:]
        for (name, variant, _) in rows { out[name, default: []].append(variant) }
        return out
    }
}
