import Fabric
import FabricAccess
import Foundation
import JSON

/// The outcome of one org's approve.
public struct ApprovalResult: Sendable {
    public var mspID: String
    /// The package the approval names; nil = approved without one.
    public var packageID: String?
    var txID: String?
    var blockNumber: UInt64?
    var validationCode: String?
    /// The org's current approval already was this definition with this package: nothing was
    /// submitted, `blockNumber` is where it landed (when known).
    var alreadyApproved = false
    public internal(set) var error: NetworkError?

    public var json: JSONValue {
        var f: [(String, JSONValue)] = [("mspId", .string(mspID)), ("packageId", .optional(packageID)), ("txId", .optional(txID)),
                                        ("blockNumber", blockNumber.map { .int(Int($0)) } ?? .null),
                                        ("validationCode", .optional(validationCode)), ("alreadyApproved", .bool(alreadyApproved))]
        if let error { f.append(("error", error.bodyJSON)) }
        return .object(f)
    }
}

/// What an approve/commit operation needs to be reconciled after a crash.
struct DefinitionOperationInput: Codable, Sendable {
    var channel: String
    var name: String
    var sequence: Int64
    var mspId: String?
    var packageId: String?
    /// For approvals: `ApprovalStatus.fingerprint` of the approved definition, so a restart tells
    /// this approval from an earlier one at the same sequence (absent in operations of older versions).
    var definition: String?
}

extension DefinitionService {
    /// Approves the current draft for each org in turn, each endorsed by that org's own peer,
    /// ordered, and awaited until committed. The caller has been authorized for `orgs`.
    /// An org left without a package while its peers run the committed sequence is refused
    /// (409 `package_missing`) before any transaction, unless the draft or `packageOverrides`
    /// says `null` for it or `allowNoPackage` is set.
    public func approve(channel: String, name: String, orgs: [String], packageOverrides: [String: String?], allowNoPackage: Bool = false,
                 by actor: String) async throws -> [ApprovalResult] {
        let draft = try await approvableDraft(channel: channel, name: name)
        let definition = try draft.definition()
        for org in orgs {
            guard network.organization(org) != nil else { throw LifecycleError.notFound("organization", "no configured organization '\(org)'") }
            guard network.adminClient(org) != nil else {
                throw NetworkError(.noAdminIdentity, "no admin identity configured for \(org)")
            }
        }
        func package(_ org: String) -> (id: String?, explicit: Bool) {
            if let override = packageOverrides[org] { return (override, true) }
            let choice = draft.packages[org]
            return (choice?.packageID, allowNoPackage || (choice != nil && choice?.packageID == nil))
        }
        try await checkNoSilentRemoval(definition, channel: channel, orgs: orgs, packageFor: package)
        let landed = try await landedApprovals(definition, channel: channel)
        var results: [ApprovalResult] = []
        for org in orgs {
            if let done = Self.alreadyApproved(definition, org: org, packageID: package(org).id, landed: landed) {
                results.append(done)
                continue
            }
            results.append(try await approve(definition, channel: channel, org: org, packageID: package(org).id, by: actor))
        }
        if let first = results.first?.error, results.allSatisfy({ $0.error != nil }) {
            throw ApprovalsFailedError(first: first, results: results)
        }
        return results
    }

    /// Throws only before the transaction: when the operation cannot be encoded or stored (the
    /// reconciler needs its input to settle it after a crash), as `commit` does.
    private func approve(_ definition: ChaincodeDefinition, channel: String, org: String, packageID: String?, by actor: String) async throws
        -> ApprovalResult {
        let input = DefinitionOperationInput(channel: channel, name: definition.name, sequence: definition.sequence, mspId: org, packageId: packageID,
                                             definition: ApprovalStatus.fingerprint(definition))
        var op = GatewayOperation(kind: .approve, createdBy: actor, target: "\(channel)/\(definition.name)",
                                  input: String(decoding: try JSONEncoder().encode(input), as: UTF8.self),
                                  steps: [GatewayOperation.Step(name: "approve", target: org, state: .running,
                                                                message: "approving sequence \(definition.sequence)")])
        op.state = .running
        op = try await operations.save(op)
        var result = ApprovalResult(mspID: org, packageID: packageID)
        do {
            let status = try await submitApproval(definition, channel: channel, org: org, packageID: packageID)
            (result.txID, result.blockNumber, result.validationCode) = (status.transactionID, status.blockNumber, status.validationCode.name)
            let operationID = op.id
            try await queue.write { try DraftRepository($0).recordApproval(
                channel: channel, name: definition.name, sequence: definition.sequence, mspID: org, packageID: packageID,
                txID: status.transactionID, blockNumber: status.blockNumber, validationCode: status.validationCode.name, operationID: operationID) }
            op.steps[0].state = .succeeded
            op.steps[0].message = "approved in block \(status.blockNumber)"
        } catch let e as NetworkError where e.isRejection {
            // A peer's refusal may mean an earlier attempt landed: ask the org's own peer.
            guard let landed = await approvedOnPeer(definition, channel: channel, org: org, packageID: packageID) else {
                (result.error, op.steps[0].state, op.steps[0].message, op.steps[0].detail) = (e, .failed, e.message, e.fabricMessage)
                return await finish(op, result, channel: channel, name: definition.name, sequence: definition.sequence)
            }
            (result.alreadyApproved, result.blockNumber) = (true, landed.blockNumber)
            (op.steps[0].state, op.steps[0].message) = (.succeeded, "already approved")
        } catch let e as CommitError where e.validationCode == .mvccReadConflict {
            // Another transaction wrote this org's approval in the same block: a retry that raced an
            // earlier attempt still in flight (a client that timed out, a gateway killed after
            // broadcasting). If the peer now holds exactly this approval, it is done.
            guard let landed = await approvedOnPeer(definition, channel: channel, org: org, packageID: packageID) else {
                return await finish(op, failed(result, e, step: &op.steps[0], org: org), channel: channel, name: definition.name,
                                    sequence: definition.sequence)
            }
            (result.alreadyApproved, result.blockNumber) = (true, landed.blockNumber)
            (op.steps[0].state, op.steps[0].message) = (.succeeded, "already approved (a concurrent attempt landed)")
        } catch {
            result = failed(result, error, step: &op.steps[0], org: org)
        }
        return await finish(op, result, channel: channel, name: definition.name, sequence: definition.sequence)
    }

    /// The result and the operation step of an approval that failed with `error`.
    private func failed(_ result: ApprovalResult, _ error: any Error, step: inout GatewayOperation.Step, org: String) -> ApprovalResult {
        var result = result
        if let invalid = error as? CommitError {
            (result.txID, result.blockNumber, result.validationCode) = (invalid.transactionID, invalid.blockNumber, invalid.validationCode?.name)
        }
        let e = NetworkError.classify(error, org: org)
        result.error = e
        (step.state, step.message, step.detail) = (.failed, e.message, e.fabricMessage)
        return result
    }

    private func finish(_ operation: GatewayOperation, _ result: ApprovalResult, channel: String, name: String, sequence: Int64) async
        -> ApprovalResult {
        var op = operation
        op.settle()
        op.result = result.json.jsonText
        _ = await operations.record(op)
        events.publish("approval", .object([("channel", .string(channel)), ("name", .string(name)),
                                            ("sequence", .int(Int(sequence))), ("result", result.json)]))
        return result
    }

    /// Endorsed by the org's own peer only (a foreign org's peer would refuse the local-admin
    /// ACL and write its own org's approval, docs/fabric-notes.md §6.3), ordered, and awaited.
    private func submitApproval(_ definition: ChaincodeDefinition, channel: String, org: String, packageID: String?) async throws
        -> CommitStatus {
        guard let admin = network.adminClient(org), let nodes = network.organization(org)?.peers, !nodes.isEmpty else {
            throw NetworkError(.noPeerConfigured, "no peer configured for \(org)")
        }
        let call = try Lifecycle.approveChaincodeDefinitionForMyOrg(definition, packageID: packageID)
        // The configured orderer, else the one discovery names (a gateway configuring only its own peers).
        let orderer = try await network.orderer(channel: channel)
        var unreachable: (any Error)?
        for node in nodes {
            let peer = network.endpoint(node)
            do {
                return try await admin.submit(call, channelID: channel, endorsingPeers: [peer], orderer: orderer, commitPeer: peer)
            } catch let e as EndorseError where e.details.allSatisfy({ $0.status == nil }) {
                // Nothing was sent to the orderer: the org's next peer may endorse instead.
                unreachable = NetworkError.classify(e, peer: node.address, org: org)
            } catch let e as CommitError {
                throw e
            } catch {
                throw NetworkError.classify(error, peer: node.address, org: org)
            }
        }
        throw unreachable ?? NetworkError(.unreachable, "no peer of \(org) answered")
    }
}
