@testable import ChaincodeLifecycle
import Fabric
import Foundation
import Store
import Testing

/// `chaincode_states` + `approval_variants` (migration 0007): what the channel list reads,
/// kept by the tracker per block and backfilled by the migration from older databases.
@Suite("chaincode states kept by the tracker", .timeLimit(.minutes(2)))
struct ChaincodeStateTests {
    static func record(_ name: String, _ msp: String, block: UInt64, version: String = "1", sequence: Int64 = 1,
                       kind: LifecycleRecord.Kind = .approval, code: TxValidationCode = .valid) -> LifecycleRecord {
        LifecycleRecord(channel: "ch", kind: kind, definition: ChaincodeDefinition(name: name, version: version, sequence: sequence),
                        mspID: msp, packageID: nil, txID: "tx-\(block)", blockNumber: block, txIndex: 0,
                        timestamp: Timestamp.now(), validationCode: code)
    }

    /// `a`: committed at 1 (O1, O2), then O1 and O3 approve 2 alike and O2 a different 2, and O1
    /// re-approves 1 differently (the committed role keeps its latest); `b`: one valid approval
    /// and an invalid one; `c`: only an invalid approval (listed, nothing pending).
    static let blocks: [LifecycleRecord] = [
        record("a", "O1", block: 1), record("a", "O2", block: 2), record("a", "O1", block: 3, kind: .commit),
        record("a", "O1", block: 4, version: "2", sequence: 2), record("a", "O2", block: 5, version: "2b", sequence: 2),
        record("a", "O3", block: 6, version: "2", sequence: 2), record("a", "O3", block: 7, version: "1x"),
        record("b", "O1", block: 8), record("b", "O2", block: 9, code: .mvccReadConflict),
        record("c", "O2", block: 10, code: .mvccReadConflict),
    ]

    static func summary(_ repo: TrackingRepository) throws -> [String] {
        let states = try repo.chaincodeStates(channel: "ch")
        let (pending, committed) = try repo.approvalVariants(channel: "ch")
        var out = states.keys.sorted().map { "\($0) committed \(states[$0]!.map(String.init) ?? "-")" }
        for (role, variants) in [("pending", pending), ("committed", committed)] {
            for name in variants.keys.sorted() {
                out += variants[name]!.map { "\(name) \(role) \($0.definition.sequence)/\($0.definition.version) \($0.orgs.joined(separator: ","))" }
            }
        }
        return out
    }

    static func directory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("states-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static let expected = [
        "a committed 1", "b committed -", "c committed -",
        "a pending 2/2 O1,O3", "a pending 2/2b O2", "b pending 1/1 O1",
        "a committed 1/1 O1,O2", "a committed 1/1x O3",
    ]

    @Test("each block refreshes the chaincodes it touches; a commit moves approvals from pending to committed")
    func perBlock() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let migrator = try Migrator(directory: LifecycleFixture.repoRoot.appendingPathComponent("migrations"))
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("t.sqlite").path, migrator: migrator)
        // Before the commit both sequence-1 approvals of `a` are pending.
        for r in Self.blocks.prefix(2) {
            _ = try await queue.write { try TrackingRepository($0).process(channel: "ch", block: r.blockNumber, records: [r]) }
        }
        #expect(try await queue.read { try Self.summary(TrackingRepository($0)) } == ["a committed -", "a pending 1/1 O1,O2"])
        for r in Self.blocks.dropFirst(2) {
            _ = try await queue.write { try TrackingRepository($0).process(channel: "ch", block: r.blockNumber, records: [r]) }
        }
        #expect(try await queue.read { try Self.summary(TrackingRepository($0)) } == Self.expected)
        await queue.close()
    }

    @Test("migration 0007 backfills the same state from transactions recorded before it")
    func backfill() async throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let shipped = try Migrator(directory: LifecycleFixture.repoRoot.appendingPathComponent("migrations"))
        #expect(shipped.migrations.contains { $0.version == 7 })
        let before = Migrator(migrations: shipped.migrations.filter { $0.version < 7 })
        let path = dir.appendingPathComponent("old.sqlite").path
        let old = try DatabaseQueue(path: path, migrator: before)
        try await old.write { db in for r in Self.blocks { try TrackingRepository(db).insert(r) } }
        await old.close()
        let queue = try DatabaseQueue(path: path, migrator: shipped)
        #expect(try await queue.read { try Self.summary(TrackingRepository($0)) } == Self.expected)
        await queue.close()
    }
}
