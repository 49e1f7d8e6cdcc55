import Fabric
import Foundation
import WebServer

extension DefinitionService {
    /// Commits the draft when enough orgs approved: endorsed by one peer of each approving org,
    /// submitted as the first approving org the caller may act for; waits for the commit.
    func commit(channel: String, name: String, principal: Principal) async throws -> CommitStatus {
        let status = try await approvalStatus(channel: channel, name: name)
        guard status.ready else {
            throw HTTPError(status: 409, code: "not_ready",
                            message: "the definition is not approved by enough organizations; missing: \(status.missing.joined(separator: ", "))",
                            details: [("missing", .strings(status.missing))])
        }
        let approving = status.orgs.filter(\.readiness).map(\.mspID)
        let allowed = approving.filter { principal.mayActFor(org: $0) && network.adminClient($0) != nil }
        guard let submitter = allowed.first, let client = network.adminClient(submitter) else {
            throw HTTPError(status: 403, code: "forbidden", message: "token '\(principal.name)' may not act for any approving organization (\(approving.joined(separator: ", ")))")
        }
        let peers = approving.compactMap { network.organization($0)?.peers.first }.map(network.endpoint)
        let draft = try await currentDraft(channel: channel, name: name)
        let definition = try draft.definition()
        let input = DefinitionOperationInput(channel: channel, name: name, sequence: definition.sequence, mspId: submitter, packageId: nil)
        var op = GatewayOperation(kind: .commit, createdBy: principal.name, target: "\(channel)/\(name)",
                           input: String(decoding: try JSONEncoder().encode(input), as: UTF8.self),
                           steps: [GatewayOperation.Step(name: "commit", target: channel, state: .running, message: "committing sequence \(definition.sequence)")])
        op.state = .running
        op = try await operations.save(op)
        do {
            let result: CommitStatus
            do {
                result = try await client.submit(Lifecycle.commitChaincodeDefinition(definition), channelID: channel, endorsingPeers: peers,
                                                 orderer: network.orderer(), commitPeer: peers[0])
            } catch {
                throw NetworkError.classify(error, org: submitter)
            }
            op.steps[0].state = .succeeded
            op.steps[0].message = "committed in block \(result.blockNumber)"
            op.settle()
            op.result = String(decoding: Self.commitJSON(result).encoded(), as: UTF8.self)
            // The draft stays (hidden once committed) so the next upgrade carries its package IDs over.
            _ = await operations.record(op)
            events.publish("commit", .object([("channel", .string(channel)), ("name", .string(name)),
                                              ("sequence", .int(Int(definition.sequence))), ("result", Self.commitJSON(result))]))
            return result
        } catch {
            let e = NetworkError.classify(error, org: submitter)
            op.steps[0].state = .failed
            op.steps[0].message = e.message
            op.steps[0].detail = e.fabricMessage
            op.settle()
            _ = await operations.record(op)
            throw e
        }
    }

    static func commitJSON(_ s: CommitStatus) -> JSONValue {
        .object([("txId", .string(s.transactionID)), ("blockNumber", .int(Int(s.blockNumber))), ("validationCode", .string(s.validationCode.name))])
    }
}
