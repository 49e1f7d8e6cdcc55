import ChaincodePackages
import FabricAccess
import Foundation
import Logging
import Store
import Telemetry

/// Everything the lifecycle API runs on: the Fabric network, operations, drafts, events.
public final class LifecycleServices: Sendable {
    public let network: FabricNetwork
    public let events: EventHub
    public let operations: OperationService
    public let installs: InstallService
    public let definitions: DefinitionService
    public let runningOrgs = RunningOrgsCache()
    /// Installs and `wait:false` submits under way; drained by `drainBackgroundTasks` at shutdown.
    public let background: BackgroundTasks
    /// Declarative deployments: `PUT/GET .../deployment` and their reconciling operations.
    public let deployments: DeploymentService
    /// Commits `autoCommit` drafts once ready; runs between `startAutoCommit()` and `stopAutoCommit()`.
    let autoCommitter: AutoCommitter

    public init(network: FabricNetwork, queue: DatabaseQueue, packages: PackageStore, events: EventHub = EventHub(),
                metrics: MetricsRegistry? = nil, logger: Logger = Logger(label: "gateway"),
                statusOf: @escaping @Sendable (any Error) -> Int = { _ in 500 }) {
        self.network = network
        self.events = events
        operations = OperationService(queue: queue, events: events, metrics: metrics, logger: logger)
        background = BackgroundTasks(logger: logger)
        installs = InstallService(network: network, packages: packages, operations: operations, background: background)
        definitions = DefinitionService(network: network, queue: queue, operations: operations, events: events)
        let (defs, ops, tasks, running) = (definitions, operations, background, runningOrgs)
        deployments = DeploymentService(network: network, queue: queue, packages: packages, operations: ops, installs: installs,
                                        definitions: defs,
                                        invocations: { InvokeService(network: network, definitions: defs, operations: ops, cache: running, background: tasks) },
                                        events: events, background: tasks, runningOrgs: running, logger: logger)
        autoCommitter = AutoCommitter(definitions: definitions, queue: queue, events: events, runningOrgs: runningOrgs, logger: logger,
                                      statusOf: statusOf)
    }

    /// Checks at once whether the auto-commit draft at `sequence` can be committed (its
    /// approvals may already make it ready: auto-commit does not wait for the next one).
    public func triggerAutoCommit(channel: String, name: String, sequence: Int64) {
        autoCommitter.trigger(AutoCommitter.Key(channel: channel, name: name, sequence: sequence))
    }

    /// Evaluate and submit on committed chaincodes.
    public var invocations: InvokeService {
        InvokeService(network: network, definitions: definitions, operations: operations, cache: runningOrgs, background: background)
    }

    /// Starts following approval events for auto-commit drafts (after `reconcile`).
    public func startAutoCommit() { autoCommitter.start() }

    /// Stops auto-commit; returns once no attempt is under way.
    public func stopAutoCommit() async { await autoCommitter.stop() }

    /// How long shutdown waits for background tasks before cancelling them. An install may take
    /// minutes (`installTimeout`), but a stop is usually followed by a kill after a grace period
    /// (10 s for `docker stop`); waiting a bounded time lets most submits reach their commit,
    /// and what is cut off stays `running` in the database for the next start's reconciler.
    public static let drainTimeout: Duration = .seconds(10)

    /// Refuses new background work and waits (at most `timeout`) for what is under way, then
    /// cancels the rest (logged by name). Call before closing the network the tasks use.
    @discardableResult
    public func drainBackgroundTasks(timeout: Duration = drainTimeout) async -> [String] {
        await background.drain(timeout: timeout)
    }

    /// Settles operations a crashed process left unfinished (call once at start-up).
    @discardableResult
    public func reconcile(logger: Logger) async -> [GatewayOperation] {
        do {
            let done = try await OperationReconciler(network: network, operations: operations, definitions: definitions).reconcile()
            await deployments.resume()
            for op in done { logger.notice("reconciled unfinished operation", metadata: ["operation": "\(op.id)", "kind": "\(op.kind.rawValue)", "state": "\(op.state.rawValue)"]) }
            return done
        } catch {
            logger.error("could not reconcile unfinished operations", metadata: ["error": "\(error)"])
            return []
        }
    }
}
