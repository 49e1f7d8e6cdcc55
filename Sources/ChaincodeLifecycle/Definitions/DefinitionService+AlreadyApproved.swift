import Fabric
import FabricAccess
import Foundation

/// Every org of an approve request failed; `first` decides the HTTP status and `results` (each
/// org's outcome) go with it.
public struct ApprovalsFailedError: Error, Sendable, CustomStringConvertible {
    public let first: NetworkError
    public let results: [ApprovalResult]
    public var description: String { "every approval failed; the first: \(first)" }
}

/// A retried approval whose first attempt landed: Fabric refuses to approve the same content
/// again at the same sequence (core/chaincode/lifecycle/lifecycle.go
/// `ApproveChaincodeDefinitionForOrg`), so the gateway answers from what it knows instead.
extension DefinitionService {
    /// The block tracker's latest valid approval of each org at the definition's sequence.
    func landedApprovals(_ definition: ChaincodeDefinition, channel: String) async throws -> [String: LifecycleRecord] {
        try await queue.read { try TrackingRepository($0).latestApprovals(channel: channel, name: definition.name, sequence: definition.sequence) }
    }

    /// A result saying `org` already approved exactly this (same definition, same package), with
    /// the block it landed in; nil when its latest recorded approval differs or there is none.
    static func alreadyApproved(_ definition: ChaincodeDefinition, org: String, packageID: String?,
                                landed: [String: LifecycleRecord]) -> ApprovalResult? {
        guard let record = landed[org], record.packageID == packageID,
              ApprovalStatus.differences(definition, record.definition).isEmpty else { return nil }
        var result = ApprovalResult(mspID: org, packageID: packageID)
        (result.alreadyApproved, result.blockNumber) = (true, record.blockNumber)
        return result
    }

    /// After the org's peer refused the approval: whether its current approval
    /// (QueryApprovedChaincodeDefinition at the sequence) already is this definition with this
    /// package, i.e. an earlier attempt landed that the tracker has not recorded yet. The block
    /// comes from the gateway's own record of that approval, else the tracker (nil if neither
    /// knows it yet).
    func approvedOnPeer(_ definition: ChaincodeDefinition, channel: String, org: String, packageID: String?) async -> LandedApproval? {
        guard let admin = network.adminClient(org), let node = network.organization(org)?.peers.first else { return nil }
        let call = Lifecycle.queryApprovedChaincodeDefinition(name: definition.name, sequence: definition.sequence)
        // The refusal stands when the peer cannot say (unreachable, or no approval at all).
        guard let approved = try? await admin.evaluate(call, channelID: channel, on: network.endpoint(node), timeout: network.queryTimeout),
              approved.packageID == packageID, approved.definition.sequence == definition.sequence,
              ApprovalStatus.differences(definition, approved.definition).isEmpty else { return nil }
        let known = try? await queue.read { db in
            try TrackingRepository(db).gatewayApprovals(channel: channel, name: definition.name, sequence: definition.sequence)[org]?.blockNumber
        }
        if let block = known ?? nil { return LandedApproval(blockNumber: UInt64(block)) }
        return LandedApproval(blockNumber: (try? await landedApprovals(definition, channel: channel))?[org]?.blockNumber)
    }

    struct LandedApproval {
        let blockNumber: UInt64?
    }
}
