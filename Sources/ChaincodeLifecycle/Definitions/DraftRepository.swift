import FabricProtos
import Foundation
import Store

/// Rows of `definition_drafts` (migration 0003).
struct DraftRepository {
    let connection: Connection
    init(_ connection: Connection) { self.connection = connection }

    static let columns = """
        channel, name, version, sequence, endorsement_policy, validation_parameter, collections, init_required, \
        endorsement_plugin, validation_plugin, package_ids_json, updated_at, updated_by, auto_commit, auto_commit_note, \
        package_sources_json
        """

    func save(_ d: DefinitionDraft) throws {
        // JSONEncoder writes a nil value as null: the explicit "no package" survives the round trip.
        let ids = String(decoding: try JSONEncoder().encode(d.packages.mapValues(\.packageID)), as: UTF8.self)
        let sources = String(decoding: try JSONEncoder().encode(d.packages.mapValues(\.source)), as: UTF8.self)
        try connection.execute("INSERT OR REPLACE INTO definition_drafts (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               [d.channel, d.name, d.version, d.sequence, d.endorsementPolicy, d.validationParameter, d.collections,
                                d.initRequired, d.endorsementPlugin, d.validationPlugin, ids, d.updatedAt, d.updatedBy,
                                d.autoCommit, d.autoCommitNote, sources])
    }

    /// A column that no longer decodes refuses the draft (`CorruptColumn`) rather than reading
    /// it as if it had no packages (which would approve without them).
    static func packages(ids: String, sources: String, channel: String, name: String) throws -> [String: PackageChoice] {
        let decodedIDs: [String: String?]
        let decodedSources: [String: PackageSource]
        do { decodedIDs = try JSONDecoder().decode([String: String?].self, from: Data(ids.utf8)) } catch {
            throw CorruptColumn(table: "definition_drafts", column: "package_ids_json", row: "\(channel)/\(name)", cause: error)
        }
        do { decodedSources = try JSONDecoder().decode([String: PackageSource].self, from: Data(sources.utf8)) } catch {
            throw CorruptColumn(table: "definition_drafts", column: "package_sources_json", row: "\(channel)/\(name)", cause: error)
        }
        return decodedIDs.reduce(into: [:]) { out, entry in
            out[entry.key] = PackageChoice(packageID: entry.value, source: decodedSources[entry.key] ?? PackageSource(kind: .unrecorded))
        }
    }

    /// The stored collections, checked: a blob that does not decode refuses the draft here, so
    /// `DefinitionDraft.definition()` and `json` never meet one.
    static func collections(_ blob: [UInt8]?, channel: String, name: String) throws -> [UInt8]? {
        guard let blob else { return nil }
        do { _ = try Protos_CollectionConfigPackage(serializedBytes: blob) } catch {
            throw CorruptColumn(table: "definition_drafts", column: "collections", row: "\(channel)/\(name)", cause: error)
        }
        return blob
    }

    func find(channel: String, name: String) throws -> DefinitionDraft? {
        try connection.query("SELECT \(Self.columns) FROM definition_drafts WHERE channel = ? AND name = ?", [channel, name], row: Self.draft)
            .first
    }

    /// Every draft of the channel, by chaincode name.
    func drafts(channel: String) throws -> [String: DefinitionDraft] {
        let all = try connection.query("SELECT \(Self.columns) FROM definition_drafts WHERE channel = ?", [channel], row: Self.draft)
        return Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    static func draft(_ s: Statement) throws -> DefinitionDraft {
        DefinitionDraft(channel: s.string(0), name: s.string(1), version: s.string(2), sequence: s.int64(3),
                        endorsementPolicy: s.optionalString(4), validationParameter: s.blob(5),
                        collections: try collections(s.isNull(6) ? nil : s.blob(6), channel: s.string(0), name: s.string(1)),
                        initRequired: s.int64(7) != 0,
                        endorsementPlugin: s.string(8), validationPlugin: s.string(9),
                        packages: try packages(ids: s.string(10), sources: s.string(15), channel: s.string(0), name: s.string(1)),
                        updatedAt: s.string(11), updatedBy: s.string(12), autoCommit: s.int64(13) != 0,
                        autoCommitNote: s.optionalString(14))
    }

    /// Every draft with auto-commit on (committed or not; the caller compares with the chain).
    func autoCommitDrafts() throws -> [(channel: String, name: String, sequence: Int64)] {
        try connection.query("SELECT channel, name, sequence FROM definition_drafts WHERE auto_commit = 1 ORDER BY channel, name", []) {
            ($0.string(0), $0.string(1), $0.int64(2))
        }
    }

    /// Records why auto-commit could not commit the draft at `sequence` (nil clears it); a
    /// draft replaced meanwhile by another sequence is left alone.
    func setAutoCommitNote(channel: String, name: String, sequence: Int64, note: String?) throws {
        try connection.execute("UPDATE definition_drafts SET auto_commit_note = ? WHERE channel = ? AND name = ? AND sequence = ?",
                               [note, channel, name, sequence])
    }

    func recordApproval(channel: String, name: String, sequence: Int64, mspID: String, packageID: String?, txID: String,
                        blockNumber: UInt64?, validationCode: String, operationID: String?) throws {
        try connection.execute("""
            INSERT INTO approval_records (channel, name, sequence, msp_id, package_id, tx_id, block_number, validation_code, operation_id, approved_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [channel, name, sequence, mspID, packageID, txID, blockNumber.map { Int64($0) }, validationCode, operationID, Timestamp.now()])
    }

    /// The latest approval this gateway recorded for an org at a sequence.
    func lastApproval(channel: String, name: String, sequence: Int64, mspID: String) throws -> (txID: String, blockNumber: Int64?)? {
        try connection.query("""
            SELECT tx_id, block_number FROM approval_records WHERE channel = ? AND name = ? AND sequence = ? AND msp_id = ?
            ORDER BY id DESC LIMIT 1
            """, [channel, name, sequence, mspID]) { ($0.string(0), $0.optionalInt64(1)) }.first
    }
}
