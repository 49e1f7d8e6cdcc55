import FabricAccess
import Foundation
import Store
import Telemetry

/// Stores operations and announces every change as an `operation` event.
public struct OperationService: Sendable {
    let queue: DatabaseQueue
    let events: EventHub
    var metrics: MetricsRegistry?

    /// Persists a new or changed operation (stamping `updatedAt`) and publishes it.
    @discardableResult
    func save(_ op: GatewayOperation) async throws -> GatewayOperation {
        var op = op
        op.updatedAt = Timestamp.now()
        let saved = op
        try await queue.write { try OperationRepository($0).save(saved) }
        events.publish("operation", saved.json)
        if saved.state == .succeeded || saved.state == .failed {
            metrics?.increment(FabricMetrics.operations, [saved.kind.rawValue, saved.state.rawValue])
        }
        return saved
    }

    /// Like `save`, but a database failure is only logged by the caller's next step: used from
    /// background tasks, where there is nobody to return an error to.
    func record(_ op: GatewayOperation) async -> GatewayOperation {
        (try? await save(op)) ?? op
    }

    public func find(_ id: String) async throws -> GatewayOperation? {
        try await queue.read { try OperationRepository($0).find(id) }
    }

    public func list(kind: String?, state: String?, limit: Int, offset: Int) async throws -> (items: [GatewayOperation], total: Int) {
        try await queue.read { try OperationRepository($0).list(kind: kind, state: state, limit: limit, offset: offset) }
    }

    func unfinished() async throws -> [GatewayOperation] {
        try await queue.read { try OperationRepository($0).unfinished() }
    }
}
