import FabricAccess
import Foundation
import Logging
import Store
import Telemetry

/// Stores operations and announces every change as an `operation` event.
public struct OperationService: Sendable {
    let queue: DatabaseQueue
    let events: EventHub
    var metrics: MetricsRegistry?
    var logger: Logger

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

    /// Like `save`, but a database failure is logged (with the operation's ID and the state it
    /// could not record) and the unsaved operation returned: used once the Fabric transaction is
    /// under way, where failing would not undo it, and from background tasks, where there is
    /// nobody to return an error to. The next save of the same operation may still succeed; if
    /// none does, the start-up reconciler settles it from the chain.
    func record(_ op: GatewayOperation) async -> GatewayOperation {
        do { return try await save(op) } catch {
            logger.error("could not save operation", metadata: [
                "operation": "\(op.id)", "kind": "\(op.kind.rawValue)", "state": "\(op.state.rawValue)", "error": "\(error)",
            ])
            return op
        }
    }

    /// Records that `op` was refused by `BackgroundTasks` (shutdown had begun) and returns the
    /// error for its caller: the operation is failed, not left queued.
    func notStarted(_ op: GatewayOperation) async -> LifecycleError {
        var op = op
        let message = "not started: the gateway is shutting down"
        for i in op.steps.indices { (op.steps[i].state, op.steps[i].message) = (.failed, message) }
        op.settle()
        _ = await record(op)
        return LifecycleError(.shuttingDown, "operation \(op.id) \(message)")
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
