@testable import AdminAPI
@testable import ChaincodeLifecycle
import Fabric
import Foundation
import Store
import Testing

/// `lifecycle_transactions` + `block_checkpoints`: a block processed twice records nothing twice,
/// invalid approvals are kept but never count.
@Suite("approval tracking repository", .timeLimit(.minutes(2)))
struct TrackingRepositoryTests {
    static func record(_ msp: String, block: UInt64, index: Int, code: TxValidationCode = .valid, version: String = "1.0",
                       sequence: Int64 = 1, kind: LifecycleRecord.Kind = .approval) -> LifecycleRecord {
        LifecycleRecord(channel: "ch", kind: kind, definition: ChaincodeDefinition(name: "cc", version: version, sequence: sequence),
                        mspID: msp, packageID: nil, txID: "tx-\(block)-\(index)", blockNumber: block, txIndex: index,
                        timestamp: Timestamp.now(), validationCode: code)
    }

    @Test("checkpoint advances with the block; replays insert nothing; invalid approvals are history only")
    func checkpoints() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tracking-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let migrator = try Migrator(directory: LifecycleFixture.repoRoot.appendingPathComponent("migrations"))
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("t.sqlite").path, migrator: migrator)
        #expect(try await queue.read { try TrackingRepository($0).checkpoint(channel: "ch") } == nil)

        let block1 = [Self.record("AMSP", block: 1, index: 0), Self.record("BMSP", block: 1, index: 1, code: .mvccReadConflict)]
        let first = try await queue.write { try TrackingRepository($0).process(channel: "ch", block: 1, records: block1) }
        let replay = try await queue.write { try TrackingRepository($0).process(channel: "ch", block: 1, records: block1) }
        #expect(first.count == 2 && replay.isEmpty)
        _ = try await queue.write { try TrackingRepository($0).process(channel: "ch", block: 2, records: [Self.record("AMSP", block: 2, index: 0, version: "2.0")]) }

        let (checkpoint, history, latest) = try await queue.read { db in
            let repo = TrackingRepository(db)
            return (try repo.checkpoint(channel: "ch"), try repo.history(channel: "ch", name: "cc"), try repo.latestApprovals(channel: "ch", name: "cc", sequence: 1))
        }
        #expect(checkpoint == 2)
        #expect(history.map(\.txID) == ["tx-1-0", "tx-1-1", "tx-2-0"])
        #expect(history[1].validationCode == .mvccReadConflict && !history[1].isValid)
        #expect(Array(latest.keys) == ["AMSP"] && latest["AMSP"]?.definition.version == "2.0")

        // After a commit of sequence 1, only approvals above it are pending.
        _ = try await queue.write { try TrackingRepository($0).process(channel: "ch", block: 3, records: [
            Self.record("AMSP", block: 3, index: 0, kind: .commit), Self.record("BMSP", block: 3, index: 1, sequence: 2)]) }
        let pending = try await queue.read { try TrackingRepository($0).pendingApprovals(channel: "ch", name: "cc") }
        #expect(Array(pending.keys) == ["BMSP"] && pending["BMSP"]?.definition.sequence == 2)
        await queue.close()
    }

    @Test("a collections column that does not decode refuses the record, naming the transaction")
    func corruptCollections() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tracking-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let migrator = try Migrator(directory: LifecycleFixture.repoRoot.appendingPathComponent("migrations"))
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("t.sqlite").path, migrator: migrator)
        _ = try await queue.write { try TrackingRepository($0).process(channel: "ch", block: 1, records: [Self.record("AMSP", block: 1, index: 0)]) }
        // 0xFF is a field tag with wire type 7, which protobuf does not define.
        try await queue.write { try $0.execute("UPDATE lifecycle_transactions SET collections = X'FF'") }
        do {
            _ = try await queue.read { try TrackingRepository($0).history(channel: "ch", name: "cc") }
            Issue.record("a corrupt collections column was read")
        } catch let e as CorruptColumn {
            #expect(e.table == "lifecycle_transactions" && e.column == "collections" && e.row == "ch tx tx-1-0")
        }
        await queue.close()
    }
}
