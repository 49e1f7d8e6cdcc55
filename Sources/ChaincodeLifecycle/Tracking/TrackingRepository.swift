import Fabric
import FabricProtos
import Foundation
import Store

/// Rows of `block_checkpoints` and `lifecycle_transactions` (migration 0004).
public struct TrackingRepository {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }

    static let columns = """
        channel, kind, name, version, sequence, msp_id, validation_parameter, endorsement_plugin, validation_plugin, \
        collections, init_required, package_id, tx_id, block_number, tx_index, timestamp, validation_code
        """

    /// The last block processed on `channel`; nil before the first.
    func checkpoint(channel: String) throws -> UInt64? {
        try connection.scalarInt("SELECT last_block FROM block_checkpoints WHERE channel = ?", [channel]).map { UInt64($0) }
    }

    /// Records a block's lifecycle transactions and advances the checkpoint; call inside one
    /// transaction (`DatabaseQueue.write`). Returns the records actually inserted (a block seen
    /// before inserts nothing).
    func process(channel: String, block: UInt64, records: [LifecycleRecord]) throws -> [LifecycleRecord] {
        precondition(!connection.isAutocommit, "process a block inside a transaction")
        if let last = try checkpoint(channel: channel), last >= block { return [] }
        var inserted: [LifecycleRecord] = []
        for r in records {
            try insert(r)
            if connection.changes > 0 { inserted.append(r) }
        }
        for name in Set(inserted.map(\.definition.name)) { try refreshState(channel: channel, name: name) }
        try connection.execute("""
            INSERT INTO block_checkpoints (channel, last_block, updated_at) VALUES (?, ?, ?)
            ON CONFLICT (channel) DO UPDATE SET last_block = excluded.last_block, updated_at = excluded.updated_at
            """, [channel, Int64(block), Timestamp.now()])
        return inserted
    }

    func insert(_ r: LifecycleRecord) throws {
        let d = r.definition
        try connection.execute("""
            INSERT OR IGNORE INTO lifecycle_transactions (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [r.channel, r.kind.rawValue, d.name, d.version, d.sequence, r.mspID, d.validationParameter, d.endorsementPlugin,
                  d.validationPlugin, try d.collections.map { try $0.serializedBytes() as [UInt8] }, d.initRequired, r.packageID,
                  r.txID, Int64(r.blockNumber), Int64(r.txIndex), r.timestamp, r.validationCode.name])
    }

    // The reads below name their index: without statistics SQLite prefers the UNIQUE (channel,
    // block_number, tx_index) index to skip sorting, which walks every row of the channel
    // (10,000 blocks of approvals made each status request cost milliseconds).
    static let byChaincode = "lifecycle_transactions INDEXED BY lifecycle_transactions_by_chaincode"

    /// Every recorded transaction for a chaincode, oldest first.
    func history(channel: String, name: String) throws -> [LifecycleRecord] {
        try connection.query("""
            SELECT \(Self.columns) FROM \(Self.byChaincode) WHERE channel = ? AND name = ? ORDER BY block_number, tx_index
            """, [channel, name], row: Self.record)
    }

    /// The latest valid approval of each org for `name` at `sequence`.
    func latestApprovals(channel: String, name: String, sequence: Int64) throws -> [String: LifecycleRecord] {
        let rows = try connection.query("""
            SELECT \(Self.columns) FROM \(Self.byChaincode)
            WHERE channel = ? AND name = ? AND sequence = ? AND kind = 'approval' AND validation_code = 'VALID'
            ORDER BY block_number, tx_index
            """, [channel, name, sequence], row: Self.record)
        var latest: [String: LifecycleRecord] = [:]
        for r in rows { latest[r.mspID] = r }
        return latest
    }

    /// The latest valid approval of each org for `name` at a sequence above the last valid
    /// commit (what an org prepared for the next definition, whatever its sequence).
    func pendingApprovals(channel: String, name: String) throws -> [String: LifecycleRecord] {
        let rows = try connection.query("""
            SELECT \(Self.columns) FROM \(Self.byChaincode)
            WHERE channel = ?1 AND name = ?2 AND kind = 'approval' AND validation_code = 'VALID' AND sequence > coalesce(
                (SELECT max(sequence) FROM \(Self.byChaincode)
                 WHERE channel = ?1 AND name = ?2 AND kind = 'commit' AND validation_code = 'VALID'), 0)
            ORDER BY block_number, tx_index
            """, [channel, name], row: Self.record)
        var latest: [String: LifecycleRecord] = [:]
        for r in rows { latest[r.mspID] = r }
        return latest
    }

    /// The gateway's own latest approve record (`approval_records`) of each org for `name` at
    /// `sequence`: one query for all orgs (DraftRepository.lastApproval reads one org).
    func gatewayApprovals(channel: String, name: String, sequence: Int64) throws
        -> [String: (txID: String, blockNumber: Int64?, packageID: String?)] {
        let rows = try connection.query("""
            SELECT msp_id, tx_id, block_number, package_id FROM approval_records
            WHERE channel = ? AND name = ? AND sequence = ? ORDER BY id
            """, [channel, name, sequence]) { ($0.string(0), $0.string(1), $0.optionalInt64(2), $0.optionalString(3)) }
        var latest: [String: (txID: String, blockNumber: Int64?, packageID: String?)] = [:]
        for (msp, txID, block, package) in rows { latest[msp] = (txID, block, package) }
        return latest
    }

    static func record(_ s: Statement) throws -> LifecycleRecord {
        // Read as absent, a definition's collections would silently differ from the chain's.
        var collections: Protos_CollectionConfigPackage?
        if !s.isNull(9) {
            do { collections = try Protos_CollectionConfigPackage(serializedBytes: s.blob(9)) } catch {
                throw CorruptColumn(table: "lifecycle_transactions", column: "collections", row: "\(s.string(0)) tx \(s.string(12))", cause: error)
            }
        }
        let definition = ChaincodeDefinition(name: s.string(2), version: s.string(3), sequence: s.int64(4), endorsementPlugin: s.string(7),
                                             validationPlugin: s.string(8), validationParameter: s.blob(6), collections: collections,
                                             initRequired: s.int64(10) != 0)
        return LifecycleRecord(channel: s.string(0), kind: LifecycleRecord.Kind(rawValue: s.string(1)) ?? .approval, definition: definition,
                               mspID: s.string(5), packageID: s.optionalString(11), txID: s.string(12), blockNumber: UInt64(s.int64(13)),
                               txIndex: s.int(14), timestamp: s.string(15), validationCode: TxValidationCode.named(s.string(16)))
    }
}

extension TxValidationCode {
    /// Every code by its stored name, built once (each row read used to try all 256 names).
    private static let byName: [String: TxValidationCode] = {
        var map: [String: TxValidationCode] = [:]
        for raw in Int32(0)...255 {
            let code = TxValidationCode(rawValue: raw)
            if map[code.name] == nil { map[code.name] = code }
        }
        return map
    }()

    /// The code with this name (as stored); unknown names map to INVALID_OTHER_REASON.
    static func named(_ name: String) -> TxValidationCode {
        byName[name] ?? TxValidationCode(rawValue: 255)
    }
}
