@testable import AdminAPI
import Foundation
import Store
import Testing

extension GatewayFixture {
    /// The anonymous (aggregated) audit rows once their counts add up to `total`, waiting up to
    /// 60 s for the coalescer's delayed count update; the rows as they are after that.
    func refusedAnonymousRows(totalling total: Int) async throws -> [AuditEntry] {
        let deadline = Date().addingTimeInterval(60)  // generous: a starved test process, not the coalescer, is slow
        while true {
            let rows = try await auditEntries().filter { $0.actor == "anonymous" }
            if Self.refusedCount(rows) >= total || Date() > deadline { return rows }
            try await Task.sleep(for: .milliseconds(50))  // polling a background write, bounded by the deadline
        }
    }

    /// The refusals the rows count (each detail starts with its count).
    static func refusedCount(_ rows: [AuditEntry]) -> Int {
        rows.compactMap { $0.detail?.split(separator: " ").first.flatMap { Int($0) } }.reduce(0, +)
    }
}

/// Unauthenticated floods: counted by the limiter, audited as one row per address and interval.
@Suite(.timeLimit(.minutes(2))) struct RefusedCallAuditTests {
    @Test("a burst of unauthenticated POSTs leaves one audit row per address that counts them all; after 10 they get 429")
    func unauthenticatedBurstIsBounded() async throws {
        try await withGateway { fx in
            let burst = 150
            var statuses: [Int] = []
            for _ in 0..<burst {
                statuses.append(try await fx.json("POST", "/api/v1/tokens", token: nil, [:]).status)
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == 401 }, "\(statuses.prefix(12))")
            #expect(statuses.dropFirst(10).allSatisfy { $0 == 429 }, "missing tokens count toward the limiter")
            let rows = try await fx.refusedAnonymousRows(totalling: burst)
            // One interval is 60 s; a slow machine may cross one boundary.
            #expect((1...2).contains(rows.count), "\(rows.count) rows for \(burst) refusals")
            #expect(GatewayFixture.refusedCount(rows) == burst, "\(rows.map { $0.detail ?? "" })")
            #expect(rows.allSatisfy { $0.action == "token.create" && $0.outcome == "denied" && $0.clientAddress.contains("127.0.0.1") })
            #expect(try await fx.auditEntries().count == rows.count)
        }
    }
}
