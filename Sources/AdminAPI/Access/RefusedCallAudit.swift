import EventLoop
import Foundation
import Logging
import Store

/// Audits refused unauthenticated calls (401 or 429 without a principal) as one row per client
/// address per `interval` (60 s), whose detail counts the refusals, so a flood of anonymous
/// requests can neither grow the audit log without bound nor hide how many were refused.
///
/// The first refusal of an interval writes its row at once (with its request ID, action and
/// target); later ones only count, and the row's count is rewritten at most once per
/// `flushDelay` (1 s). A refusal after the interval starts a new row. A process that stops
/// loses at most the last `flushDelay` of counts.
final class RefusedCallAudit: Sendable {
    static let interval: TimeInterval = 60
    /// Bound on tracked addresses; beyond it, windows whose count is written are forgotten.
    static let maxTracked = 10_000
    let flushDelay: Duration
    private let queue: DatabaseQueue
    private let logger: Logger
    private let windows = Locked<[String: Window]>([:])

    private struct Window {
        var start: Date
        var rowID: Int64?
        var count = 1
        var written = 0
        var flushScheduled = false
    }

    init(queue: DatabaseQueue, logger: Logger, flushDelay: Duration = .seconds(1)) {
        self.queue = queue
        self.logger = logger
        self.flushDelay = flushDelay
    }

    /// The detail of a summary row; `count` leads so it can be read back.
    static func detail(count: Int) -> String {
        "\(count) unauthenticated calls refused from this address (one audit row per address per \(Int(interval)) s)"
    }

    /// Records one refused call described by `entry` (actor anonymous).
    func record(_ entry: AuditEntry, now: Date = Date()) async {
        let address = entry.clientAddress
        let (startsWindow, finalUpdate, schedule) = windows.withLock { map -> (Date?, (Int64, Int)?, Bool) in
            if var w = map[address], now.timeIntervalSince(w.start) < Self.interval {
                w.count += 1
                let schedule = !w.flushScheduled
                w.flushScheduled = true
                map[address] = w
                return (nil, nil, schedule)
            }
            var final: (Int64, Int)?
            if let o = map[address], let id = o.rowID, o.count > o.written { final = (id, o.count) }
            if map[address] == nil, map.count >= Self.maxTracked {
                map = map.filter { $0.value.count > $0.value.written }
                if map.count >= Self.maxTracked { map.removeAll() }
            }
            map[address] = Window(start: now)
            return (now, final, false)
        }
        if let (rowID, count) = finalUpdate { await update(rowID, count: count) }
        if let start = startsWindow {
            var row = entry
            row.detail = Self.detail(count: 1)
            await insert(row, address: address, start: start)
        }
        if schedule {
            let start = windows.withLock { $0[address]?.start }
            Task { [self] in
                try? await Task.sleep(for: flushDelay)  // only cancellation ends it early; then flush at once
                await flush(address, start: start)
            }
        }
    }

    private func insert(_ row: AuditEntry, address: String, start: Date) async {
        do {
            let id = try await queue.write { try AuditRepository($0).insertReturningID(row) }
            windows.withLock { map in
                guard var w = map[address], w.start == start else { return }
                w.rowID = id
                w.written = max(w.written, 1)
                map[address] = w
            }
        } catch {
            logger.error("audit write failed", metadata: ["request-id": "\(row.requestID)", "action": "\(row.action)", "error": "\(error)"])
        }
    }

    /// Writes the current count of the window that started at `start`, if it is still open.
    private func flush(_ address: String, start: Date?) async {
        let due = windows.withLock { map -> (Int64, Int)? in
            guard var w = map[address], w.start == start else { return nil }
            w.flushScheduled = false
            defer { map[address] = w }
            guard let id = w.rowID, w.count > w.written else { return nil }
            w.written = w.count
            return (id, w.count)
        }
        if let (id, count) = due { await update(id, count: count) }
    }

    private func update(_ rowID: Int64, count: Int) async {
        do {
            try await queue.write { try AuditRepository($0).updateDetail(id: rowID, Self.detail(count: count)) }
        } catch {
            logger.error("audit write failed", metadata: ["audit-row": "\(rowID)", "error": "\(error)"])
        }
    }
}
