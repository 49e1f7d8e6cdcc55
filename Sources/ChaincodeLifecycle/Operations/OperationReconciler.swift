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
        for var op in try await operations.unfinished() {
            switch op.kind {
            case .install: await reconcileInstall(&op)
            case .approve, .commit: await reconcileDefinition(&op)
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

    func reconcileInstall(_ op: inout GatewayOperation) async {
        guard let input = try? JSONDecoder().decode(InstallService.Input.self, from: Data(op.input.utf8)) else { return }
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
        guard let input = try? JSONDecoder().decode(DefinitionOperationInput.self, from: Data(op.input.utf8)) else { return }
        var landed = false
        if op.kind == .approve, let org = input.mspId {
            landed = await definitions.approved(channel: input.channel, name: input.name, sequence: input.sequence, org: org) != nil
        } else if op.kind == .commit {
            let committed = try? await definitions.committed(channel: input.channel, name: input.name)
            landed = (committed?.definition.sequence ?? 0) >= input.sequence
        }
        for i in op.steps.indices where op.steps[i].state != .succeeded {
            op.steps[i].state = landed ? .succeeded : .failed
            op.steps[i].message = landed ? "found on the chain \(Self.note)" : "interrupted \(Self.note); not found on the chain"
        }
    }
}
