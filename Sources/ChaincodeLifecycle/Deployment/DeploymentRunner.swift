import ChaincodePackages
import Fabric
import FabricAccess
import Foundation
import JSON

/// Drives one `deployment` operation through its steps: package, install, define, approve,
/// commit, init, finish. Every step first asks the network what is already there, so a resumed
/// run (after a restart) submits nothing twice. Between steps, and while waiting, it checks that
/// its spec is still the chaincode's (a newer PUT supersedes it: it stops, failed, saying by which).
struct DeploymentRunner: Sendable {
    /// What the operation records to be resumed: the chaincode and the organizations acting.
    struct Input: Codable, Sendable {
        var channel: String
        var name: String
        var orgs: [String]

        static func decode(_ text: String?) throws -> Input {
            try JSONDecoder().decode(Input.self, from: Data((text ?? "").utf8))
        }
    }

    /// Retries of a step failing for a transport reason (a peer down, a timeout): `attempts` in
    /// all, pausing `firstPause`, doubled each time (0.5 + 1 + 2 + 4 s: a peer restarting is
    /// usually back within that; longer, and the operation fails with the Fabric error).
    struct RetryPolicy: Sendable {
        var attempts = 5
        var firstPause: Duration = .milliseconds(500)
    }

    /// How often a waiting deployment looks again without any event. Events (an approval the
    /// block tracker saw, a commit, a newer spec) cover the usual case, but the peer answering
    /// CheckCommitReadiness may get a block after the tracker announced it; one readiness query
    /// per deployment every 5 s bounds what that costs.
    static let recheck: Duration = .seconds(5)

    /// What the steps learn as they go: the sequence the spec takes, and whether the network already matches it.
    struct Progress: Sendable {
        var sequence: Int64 = 0
        var nothingToDo = false
    }

    struct Superseded: Error { var by: String? }
    struct StepFailed: Error { var message: String; var detail: String? }

    let service: DeploymentService
    let channel: String
    let name: String
    let spec: DeploymentSpec
    let plan: DeploymentPlan

    /// How long a deployment waits for the one it supersedes to reach its safe point (the end of
    /// the step under way: an approve or a commit awaited in a block takes seconds) before it starts.
    static let predecessorWait: Duration = .seconds(120)

    /// Runs the steps; first, when it supersedes `predecessor`, waits for that one to stop so the
    /// two never submit for the same chaincode at once.
    func run(_ operation: GatewayOperation, after predecessor: String? = nil) async {
        var op = operation
        if let predecessor {
            (op.steps[0].state, op.steps[0].message) = (.queued, "waiting for operation \(predecessor) to stop at its next safe point")
            op = await service.operations.record(op)
            _ = try? await service.operations.wait(predecessor, timeout: Self.predecessorWait, until: [.succeeded, .failed])
        }
        op.state = .running
        op = await service.operations.record(op)
        var progress = Progress()
        do {
            for i in op.steps.indices where op.steps[i].state != .succeeded || op.steps[i].name == "define" {
                try await checkCurrent(op)
                (op.steps[i].state, op.steps[i].message) = (.running, "running")
                op = await service.operations.record(op)
                let message = try await withRetry(&op, step: i) { op in
                    try await perform(op.steps[i].name, op: &op, progress: &progress)
                }
                (op.steps[i].state, op.steps[i].message, op.steps[i].detail) = (.succeeded, message, nil)
                op.phase = nil
                op = await service.operations.record(op)
            }
            op.settle()
            // The result only shows the committed definition: a peer not answering now leaves it out, nothing more.
            if let committed = try? await service.definitions.committed(channel: channel, name: name) {
                op.result = JSONValue.object([("sequence", .int(Int(committed.definition.sequence))),
                                              ("definition", DefinitionJSON.definition(committed.definition, approvals: committed.approvals))]).jsonText
            }
        } catch _ where Task.isCancelled {
            // Shutdown: the operation stays running, and the next start resumes it (`resume`).
            return
        } catch let s as Superseded {
            let message = "superseded by " + (s.by.map { "operation \($0)" } ?? "a newer spec")
            OperationReconciler.failUnfinished(&op, message)
            op.error = message
            op.settle()
        } catch let f as StepFailed {
            Self.fail(&op, f.message, detail: f.detail)
        } catch {
            let e = NetworkError.classify(error)
            Self.fail(&op, e.message, detail: e.fabricMessage)
        }
        op.phase = nil
        _ = await service.operations.record(op)
    }

    /// Fails the running step with `message` (and Fabric's words in `detail`), and the steps after it.
    static func fail(_ op: inout GatewayOperation, _ message: String, detail: String?) {
        if let i = op.steps.firstIndex(where: { $0.state == .running }) {
            (op.steps[i].state, op.steps[i].message, op.steps[i].detail) = (.failed, message, detail)
        }
        OperationReconciler.failUnfinished(&op, "not reached")
        op.error = message + (detail.map { ": \($0)" } ?? "")
        op.settle()
    }

    /// Stops (Superseded) when a newer spec replaced this operation's.
    func checkCurrent(_ op: GatewayOperation) async throws {
        let record = try await service.queue.read { try DeploymentRepository($0).find(channel: channel, name: name) }
        if record?.operationID != op.id { throw Superseded(by: record?.operationID) }
    }

    /// Runs `body`, retrying transport failures with backoff (recording each retry in the step).
    private func withRetry(_ op: inout GatewayOperation, step i: Int, _ body: (inout GatewayOperation) async throws -> String) async throws -> String {
        var pause = service.retry.firstPause
        for attempt in 1...service.retry.attempts {
            do { return try await body(&op) } catch let e as NetworkError where e.isTransportFailure && attempt < service.retry.attempts {
                op.steps[i].message = "attempt \(attempt) of \(service.retry.attempts) failed (\(e.message)); retrying in \(pause)"
                op.steps[i].detail = e.fabricMessage
                op = await service.operations.record(op)
                try await Task.sleep(for: pause)
                pause *= 2
                try await checkCurrent(op)
            }
        }
        preconditionFailure("the last attempt returns or throws")
    }

    private func perform(_ step: String, op: inout GatewayOperation, progress: inout Progress) async throws -> String {
        switch step {
        case "package": return try await packageStep()
        case "install": return try await installStep()
        case "define": return try await defineStep(&progress)
        case "approve": return progress.nothingToDo ? "nothing to approve" : try await approveStep(progress.sequence)
        case "commit":
            return progress.nothingToDo ? "nothing to commit" : try await commitStep(&op, sequence: progress.sequence)
        case "init": return try await initStep()
        default: return progress.nothingToDo ? "up to date at sequence \(progress.sequence)" : "sequence \(progress.sequence) committed"
        }
    }

    /// Stores each ccaas package built for the plan; checks a named package is stored or installed.
    private func packageStep() async throws -> String {
        var ids: [String] = []
        for org in plan.orgs {
            guard let p = plan.packages[org] else { continue }
            if let bytes = p.built { _ = try await service.packages.store(bytes: bytes, uploadedBy: "deployment") }
            if !ids.contains(p.packageID) { ids.append(p.packageID) }
        }
        return "package " + ids.joined(separator: ", ")
    }

    /// Installs each org's package on the planned peers that lack it.
    private func installStep() async throws -> String {
        let peers = await service.installedState(plan)
        if let down = peers.first(where: { $0.installed == nil }) {
            throw NetworkError(.unreachable, "peer \(down.node.name) could not be asked: \(down.error ?? "no answer")")
        }
        let missing = peers.filter { $0.installed == false }
        guard !missing.isEmpty else { return "installed on \(peers.map(\.node.name).joined(separator: ", ")) already" }
        var failures: [String] = []
        var transport = false
        for p in missing {
            let bytes = try await packageBytes(p.packageID, org: p.node.mspID)
            let step = GatewayOperation.Step(name: "install", target: p.node.name, state: .running, message: "installing")
            let done = await service.installs.install(bytes, on: p.node, step: step)
            if done.state != .succeeded {
                failures.append("\(p.node.name): \(done.message)" + (done.detail.map { " (\($0))" } ?? ""))
                transport = transport || done.detail == nil
            }
        }
        if !failures.isEmpty {
            if transport { throw NetworkError(.unreachable, "install failed on " + failures.joined(separator: "; ")) }
            throw StepFailed(message: "install failed", detail: failures.joined(separator: "; "))
        }
        return "installed on \(missing.map(\.node.name).joined(separator: ", "))"
    }

    private func packageBytes(_ id: String, org: String) async throws -> [UInt8] {
        if let built = plan.packages[org]?.built { return built }
        guard let details = try await service.packages.details(packageID: id) else {
            throw StepFailed(message: "package \(id) is neither stored in the gateway nor installed on every planned peer", detail: nil)
        }
        let path = service.packages.path(of: details.record)
        let read = Task(executorPreference: globalConcurrentExecutor) { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
        return try await read.value
    }

    /// Chooses the sequence (committed when nothing differs, else committed + 1) and saves it as
    /// the chaincode's draft, which the approvals and the commit then use.
    private func defineStep(_ progress: inout Progress) async throws -> String {
        let observed = try await service.observe(spec, plan: plan, channel: channel, name: name)
        progress.sequence = observed.desired.sequence
        progress.nothingToDo = observed.committed?.sequence == observed.desired.sequence && observed.orgs.allSatisfy { $0.state == "approved" }
        if progress.nothingToDo { return "committed definition (sequence \(progress.sequence)) matches the spec" }
        let sequence = progress.sequence
        var input = DefinitionService.DraftInput()
        input.version = spec.version
        input.sequence = sequence
        input.endorsementPolicy = spec.endorsementPolicy
        input.collectionsJSON = spec.collections.map { Array($0.utf8) }
        input.initRequired = spec.initRequired
        input.packageIDs = plan.packages.mapValues { Optional($0.packageID) }
        input.autoCommit = false
        _ = try await service.definitions.saveDraft(channel: channel, name: name, input: input, by: "deployment")
        let why = observed.committed == nil ? "first definition" : observed.definitionDifferences.map(\.field).joined(separator: ", ") + " differ"
        return "sequence \(sequence) (\(why))"
    }

    /// Approves for each planned org whose approval at `sequence` is missing or different (asked
    /// of its peer first; `DefinitionService.approve` checks the blocks again before submitting).
    private func approveStep(_ sequence: Int64) async throws -> String {
        let committed = try await service.definitions.committed(channel: channel, name: name)?.definition.sequence ?? 0
        if committed >= sequence { return "sequence \(sequence) already committed" }
        let orgs = await service.approvals(of: try await draftDefinition(), plan: plan, channel: channel)
        let needed = orgs.filter { $0.state != "approved" }.map(\.mspID)
        guard !needed.isEmpty else { return "approved by \(plan.orgs.joined(separator: ", ")) already" }
        let results = try await service.definitions.approve(channel: channel, name: name, orgs: needed, packageOverrides: [:], by: "deployment")
        if let failed = results.first(where: { $0.error != nil }), let e = failed.error { throw e }
        return "approved by " + results.map { $0.mspID + ($0.alreadyApproved ? " (already)" : "") }.joined(separator: ", ")
    }

    private func draftDefinition() async throws -> ChaincodeDefinition {
        try await service.definitions.currentDraft(channel: channel, name: name).definition()
    }

    /// Commits once the LifecycleEndorsement policy is satisfied (`whenReady`), or waits for a
    /// commit made by someone else (`manual`); meanwhile the operation's phase says what it waits for.
    private func commitStep(_ op: inout GatewayOperation, sequence: Int64) async throws -> String {
        var reapproved = false
        while true {
            // Subscribed before looking, so an approval landing in between still wakes the wait.
            let stream = service.events.subscribe(after: nil)
            let committed = try await service.definitions.committed(channel: channel, name: name)?.definition.sequence ?? 0
            if committed >= sequence { return "sequence \(sequence) committed" }
            let status = try await service.definitions.approvalStatus(channel: channel, name: name)
            // One of this deployment's own orgs no longer approves it (someone approved another
            // definition for it meanwhile): approve again, once per commit step.
            if !reapproved, status.missing.contains(where: plan.orgs.contains) {
                reapproved = true
                _ = try await approveStep(sequence)
                continue
            }
            if status.ready, spec.commit == .whenReady {
                do {
                    let result = try await service.definitions.commit(channel: channel, name: name, actor: "deployment",
                                                                      mayActFor: { plan.orgs.contains($0) })
                    service.runningOrgs.invalidate(channel, name)
                    return "sequence \(sequence) committed in block \(result.blockNumber)"
                } catch let e as LifecycleError where e.kind == .alreadyCommitted {
                    return "sequence \(sequence) committed (by someone else)"
                }
            }
            let phase = spec.commit == .manual && status.ready ? "waiting-for-commit" : "waiting-for-approvals"
            let message = phase == "waiting-for-commit" ? "approved; waiting for a commit (commit: manual)"
                : "waiting for approvals from \(status.missing.joined(separator: ", "))"
            if op.phase != phase || op.steps.first(where: { $0.name == "commit" })?.message != message {
                op.phase = phase
                if let i = op.steps.firstIndex(where: { $0.name == "commit" }) { op.steps[i].message = message }
                op.result = JSONValue.object([("waitingFor", .strings(phase == "waiting-for-approvals" ? status.missing : [])),
                                              ("sequence", .int(Int(sequence)))]).jsonText
                op = await service.operations.record(op)
            }
            await waitForChange(stream)
            try Task.checkCancellation()
            try await checkCurrent(op)
            op.result = nil
        }
    }

    /// Returns at the first approval, commit or deployment event about this chaincode, or after `recheck`.
    private func waitForChange(_ stream: AsyncStream<GatewayEvent>) async {
        let (channel, name) = (self.channel, self.name)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in stream where ["approval", "commit", "deployment"].contains(event.name) {
                    if let key = AutoCommitter.key(event.data) {
                        if key.channel == channel, key.name == name { return }
                    } else if case .object(let m)? = try? JSONParser.parse(event.data),
                              m.contains(where: { $0.0 == "channel" && $0.1 == .string(channel) }),
                              m.contains(where: { $0.0 == "name" && $0.1 == .string(name) }) {
                        return
                    }
                }
            }
            group.addTask { try? await Task.sleep(for: Self.recheck) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Submits the spec's init call once the definition (which requires init: the spec refuses an
    /// init call otherwise) is committed, unless the committed version is initialized. The network
    /// is the one to say so: Fabric keeps the initialized version in the chaincode's namespace
    /// (core/chaincode/chaincode_support.go, CheckInvocation) and refuses the init proposal
    /// when it is the definition's, so a policy-only upgrade, an init made by another tool
    /// while this gateway was down, or one this step made before a crash kept it from being
    /// recorded, all end here as "already initialized", with nothing submitted.
    private func initStep() async throws -> String {
        guard let call = spec.initCall else { return "nothing to initialize" }
        let invoke = InvokeService.Call(function: call.function, arguments: call.args.map { Array($0.utf8) }, transient: [:], isInit: true)
        // Two gateways deploying the same spec (one per organization) may both be endorsed before
        // either init is ordered: one is valid, the other an MVCC read conflict on the initialized
        // key. Asked again, the peers then refuse it as already initialized.
        for attempt in 1...2 {
            do {
                let (_, status) = try await service.invocations().submit(invoke, channel: channel, name: name)
                return "\(call.function) submitted in block \(status.blockNumber)"
            } catch where Self.alreadyInitialized(error) {
                return "version \(spec.version) is already initialized (an init call landed earlier); \(call.function) not called again"
            } catch where attempt == 1 && Self.readConflict(error) {
                continue
            }
        }
        preconditionFailure("the second attempt returns or throws")
    }

    /// The transaction was ordered but invalidated by an MVCC read conflict.
    static func readConflict(_ error: any Error) -> Bool {
        if (error as? CommitError)?.validationCode == .mvccReadConflict { return true }
        if case .transactionInvalid(let code)? = (error as? NetworkError)?.kind { return code == .mvccReadConflict }
        return false
    }

    /// Fabric's refusal of an init call for the version the chaincode's `initialized` key holds
    /// (core/chaincode/chaincode_support.go, CheckInvocation: "chaincode '%s' is already
    /// initialized but called as init"), in whichever error carries the peer's words.
    static func alreadyInitialized(_ error: any Error) -> Bool {
        String(describing: error).contains("is already initialized but called as init")
    }
}
