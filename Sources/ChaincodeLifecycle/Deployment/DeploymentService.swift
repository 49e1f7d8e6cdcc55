import ChaincodePackages
import FabricAccess
import Foundation
import JSON
import Logging
import Store

/// `PUT/GET .../deployment` (issue 18): records a spec and reconciles the network towards it as
/// one `deployment` operation (`DeploymentRunner`), or says it is up to date.
public struct DeploymentService: Sendable {
    let network: FabricNetwork
    let queue: DatabaseQueue
    let packages: PackageStore
    let operations: OperationService
    let installs: InstallService
    let definitions: DefinitionService
    let invocations: @Sendable () -> InvokeService
    let events: EventHub
    let background: BackgroundTasks
    let runningOrgs: RunningOrgsCache
    let logger: Logger
    /// Retries of a step failing for a transport reason (a peer down, a timeout), and the first pause.
    var retry = DeploymentRunner.RetryPolicy()

    /// The outcome of a PUT: nothing to do (with what was observed), or the operation started.
    public enum Applied: Sendable {
        case upToDate(DeploymentObservation)
        /// `diff`: what the observation before starting found to differ; nil when the answer is
        /// the deployment of the same spec already running.
        case started(GatewayOperation, diff: JSONValue?)
    }

    /// The steps of a deployment operation, in order (`init` only when the spec gives one).
    static func steps(for spec: DeploymentSpec) -> [GatewayOperation.Step] {
        let names = ["package", "install", "define", "approve", "commit"] + (spec.initCall == nil ? [] : ["init"]) + ["finish"]
        return names.map { GatewayOperation.Step(name: $0, target: "", state: .queued, message: "waiting") }
    }

    /// Records `spec` and starts reconciling it, unless the network already matches it and no
    /// deployment of the chaincode is under way (then nothing is submitted). A deployment under
    /// way for the same chaincode is superseded: it stops at its next safe point.
    /// `actingOrgs`: the organizations the caller may act for whose admin identity the gateway holds.
    public func apply(_ given: DeploymentSpec, channel: String, name: String, actingOrgs: [String], by actor: String) async throws -> Applied {
        let previous = try await queue.read { try DeploymentRepository($0).find(channel: channel, name: name) }
        let spec = try given.keepingClientKeys(of: previous?.spec)
        let plan = try DeploymentPlan(spec: spec, network: network, actingOrgs: actingOrgs)
        var running: GatewayOperation?
        if let id = previous?.operationID, let op = try await operations.find(id), op.state == .queued || op.state == .running { running = op }
        // The same spec while its deployment runs: that deployment is the answer.
        if let running, previous?.spec == spec { return .started(running, diff: nil) }
        var diff: JSONValue?
        if running == nil {
            let observed = try await observe(spec, plan: plan, channel: channel, name: name)
            if observed.upToDate {
                try await record(spec, channel: channel, name: name, operationID: previous?.operationID, by: actor)
                return .upToDate(observed)
            }
            diff = .array(observed.diff)
        }
        let input = String(decoding: try JSONEncoder().encode(DeploymentRunner.Input(channel: channel, name: name, orgs: plan.orgs)), as: UTF8.self)
        var op = GatewayOperation(kind: .deployment, createdBy: actor, target: "\(channel)/\(name)", input: input, steps: Self.steps(for: spec))
        op = try await operations.save(op)
        try await record(spec, channel: channel, name: name, operationID: op.id, by: actor)
        // Wakes a superseded deployment waiting for approvals.
        events.publish("deployment", .object([("channel", .string(channel)), ("name", .string(name)), ("operationId", .string(op.id))]))
        let runner = DeploymentRunner(service: self, channel: channel, name: name, spec: spec, plan: plan)
        let (queued, predecessor) = (op, running?.id)
        guard background.start("deployment \(op.id)", cancelOnDrain: true, { await runner.run(queued, after: predecessor) }) else { throw await operations.notStarted(op) }
        return .started(op, diff: diff)
    }

    private func record(_ spec: DeploymentSpec, channel: String, name: String, operationID: String?, by actor: String) async throws {
        let r = DeploymentRepository.Record(channel: channel, name: name, spec: spec, operationID: operationID, updatedAt: Timestamp.now(), updatedBy: actor)
        try await queue.write { try DeploymentRepository($0).save(r) }
    }

    /// The ID of the operation reconciling the chaincode's recorded spec, if any (one database read).
    public func operationID(channel: String, name: String) async throws -> String? {
        try await queue.read { try DeploymentRepository($0).find(channel: channel, name: name) }?.operationID
    }

    /// The recorded spec, its operation, and what the network holds for it; nil without a spec.
    public func state(channel: String, name: String) async throws -> JSONValue? {
        guard let record = try await queue.read({ try DeploymentRepository($0).find(channel: channel, name: name) }) else { return nil }
        let op = try await record.operationID.asyncMap { try await operations.find($0) } ?? nil
        var fields: [(String, JSONValue)] = [("channel", .string(channel)), ("name", .string(name)), ("spec", record.spec.json),
                                             ("updatedAt", .string(record.updatedAt)), ("updatedBy", .string(record.updatedBy)),
                                             ("operation", op?.json ?? .null)]
        // The orgs named by the spec, else those its operation acted for, else every org this
        // gateway holds an admin identity of (a spec found up to date at once has no operation).
        let orgs = record.spec.orgs ?? (try? DeploymentRunner.Input.decode(op?.input))?.orgs
            ?? network.config.organizations.map(\.mspID).filter { network.adminClient($0) != nil }
        do {
            let plan = try DeploymentPlan(spec: record.spec, network: network, actingOrgs: orgs)
            if case .object(let o) = try await observe(record.spec, plan: plan, channel: channel, name: name).json { fields += o }
        } catch let e as LifecycleError {
            // The spec no longer fits the configuration (an org removed): say so, still show the spec.
            fields.append(("observedError", .string(e.message)))
        }
        return .object(fields)
    }

    /// At start-up: resumes each deployment a previous process left unfinished, from its recorded
    /// spec (every step asks the network first, so nothing already done is submitted again);
    /// fails those whose spec was replaced meanwhile.
    public func resume() async {
        do {
            for op in try await operations.unfinished() where op.kind == .deployment {
                guard let input = try? DeploymentRunner.Input.decode(op.input),
                      let record = try await queue.read({ try DeploymentRepository($0).find(channel: input.channel, name: input.name) }),
                      record.operationID == op.id else {
                    var failed = op
                    OperationReconciler.failUnfinished(&failed, "interrupted \(OperationReconciler.note); superseded or its spec is gone")
                    failed.settle()
                    _ = await operations.record(failed)
                    continue
                }
                let runner: DeploymentRunner
                do {
                    runner = DeploymentRunner(service: self, channel: input.channel, name: input.name, spec: record.spec,
                                              plan: try DeploymentPlan(spec: record.spec, network: network, actingOrgs: input.orgs))
                } catch {
                    var failed = op
                    OperationReconciler.failUnfinished(&failed, "cannot resume \(OperationReconciler.note): \(error)")
                    failed.settle()
                    _ = await operations.record(failed)
                    continue
                }
                logger.notice("resuming deployment", metadata: ["operation": "\(op.id)", "chaincode": "\(input.channel)/\(input.name)"])
                if !background.start("deployment \(op.id)", cancelOnDrain: true, { await runner.run(op) }) { _ = await operations.notStarted(op) }
            }
        } catch {
            logger.error("could not resume unfinished deployments", metadata: ["error": "\(error)"])
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
