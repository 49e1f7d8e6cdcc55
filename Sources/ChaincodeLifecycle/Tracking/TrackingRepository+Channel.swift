import Fabric
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
}
