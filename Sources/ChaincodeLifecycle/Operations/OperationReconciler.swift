import Fabric
import FabricAccess
import Foundation

/// At start-up, settles operations a previous process left `queued`/`running` by asking the
/// network what actually happened — never silently dropped, never blindly repeated:
/// install → QueryInstalledChaincode on each unfinished peer; approve →
/// QueryApprovedChaincodeDefinition; commit → QueryChaincodeDefinition; submit → failed.
struct OperationReconciler: Sendable {
    let network: FabricNetwork
    let operations: OperationService
    let definitions: DefinitionService

    static let note = "after a gateway restart"

    /// Returns the reconciled operations.
    func reconcile() async throws -> [GatewayOperation] {
        var done: [GatewayOperation] = []
        // A deployment is resumed by `DeploymentService.resume`, which checks the ledger itself.
        for var op in try await operations.unfinished() where op.kind != .deployment {
            switch op.kind {
            case .install: await reconcileInstall(&op)
            case .approve, .commit: await reconcileDefinition(&op)
            case .deployment: continue
            case .submit:
                for i in op.steps.indices where op.steps[i].state != .succeeded {
                    op.steps[i].state = .failed
                    op.steps[i].message = "interrupted \(Self.note); outcome unknown, check the ledger before retrying"
                }
            }
            op.settle()
            done.append(try await operations.save(op))
        }
        return done
    }

    /// Fails every unfinished step with `message` (settled as failed, never as succeeded).
    static func failUnfinished(_ op: inout GatewayOperation, _ message: String) {
        for i in op.steps.indices where op.steps[i].state != .succeeded {
            (op.steps[i].state, op.steps[i].message) = (.failed, message)
        }
    }

    /// The operation's recorded input; nil, with its unfinished steps failed saying why, when it
    /// does not decode (nothing to ask the network about).
    static func input<Input: Decodable>(_ type: Input.Type, of op: inout GatewayOperation) -> Input? {
        do { return try JSONDecoder().decode(type, from: Data(op.input.utf8)) } catch {
            failUnfinished(&op, "interrupted \(note); outcome unknown, its recorded input does not decode (\(error))")
            return nil
        }
    }

    func reconcileInstall(_ op: inout GatewayOperation) async {
        guard let input = Self.input(InstallService.Input.self, of: &op) else { return }
        for i in op.steps.indices where op.steps[i].state != .succeeded {
            guard let node = network.peer(named: op.steps[i].target), let admin = network.adminClient(node.mspID) else {
                op.steps[i].state = .failed
                op.steps[i].message = "interrupted \(Self.note); peer no longer configured"
                continue
            }
            do {
                _ = try await admin.evaluate(Lifecycle.queryInstalledChaincode(packageID: input.packageId), on: network.endpoint(node),
                                             timeout: network.queryTimeout)
                op.steps[i].state = .succeeded
                op.steps[i].message = "installed (confirmed \(Self.note))"
            } catch {
                let e = NetworkError.classify(error, peer: node.address, org: node.mspID)
                op.steps[i].state = .failed
                op.steps[i].message = e.isTransportFailure
                    ? "interrupted \(Self.note); peer unreachable, state unknown" : "interrupted \(Self.note); not installed"
                op.steps[i].detail = e.fabricMessage
            }
        }
    }

    func reconcileDefinition(_ op: inout GatewayOperation) async {
        guard let input = Self.input(DefinitionOperationInput.self, of: &op) else { return }
        var landed = false
        if op.kind == .approve, let org = input.mspId {
            let approved = await definitions.approved(channel: input.channel, name: input.name, sequence: input.sequence, org: org)
            // The org's approval at the sequence must be this one: an earlier approval of other
            // content (or another package) at the same sequence is not this operation landing.
            landed = approved.map { a in
                input.definition.map { a.packageID == input.packageId && ApprovalStatus.fingerprint(a.definition) == $0 } ?? true
            } ?? false
        } else if op.kind == .commit {
            do {
                let committed = try await definitions.committed(channel: input.channel, name: input.name)
                landed = (committed?.definition.sequence ?? 0) >= input.sequence
            } catch {
                // Not knowing is not "not found": say the outcome is unknown, and why.
                let e = NetworkError.classify(error)
                Self.failUnfinished(&op, "interrupted \(Self.note); outcome unknown, the chain could not be asked: \(e.message)")
                return
            }
        }
        for i in op.steps.indices where op.steps[i].state != .succeeded {
            op.steps[i].state = landed ? .succeeded : .failed
            op.steps[i].message = landed ? "found on the chain \(Self.note)" : "interrupted \(Self.note); not found on the chain"
        }
    }
}
