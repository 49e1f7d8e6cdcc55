import Foundation
import JSON

/// One organization's package for a draft: the package ID its peers are to run, or explicitly
/// none, and where that choice came from. An upgrade draft fills it from what the org approved
/// for the committed sequence, so a definition change never drops a running package silently.
public struct PackageChoice: Sendable, Equatable {
    /// nil: approve without a package, chosen explicitly (`"packageIds": {"Org1MSP": null}`).
    public var packageID: String?
    public var source: PackageSource

    public init(packageID: String?, source: PackageSource) {
        self.packageID = packageID
        self.source = source
    }
}

/// Where a draft's package ID for one organization came from.
public struct PackageSource: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// Given in the draft request.
        case request
        /// Kept from an earlier draft of this chaincode.
        case previousDraft = "previous-draft"
        /// The org's approval of the committed sequence, read from the channel's blocks.
        case block
        /// The org's own peer: QueryApprovedChaincodeDefinition for the committed sequence.
        case peer
        /// Adopted definition: the one package installed on the org's peers with the label of
        /// the package the adopted organization approved.
        case installedLabel = "installed-label"
        /// A draft saved before sources were recorded.
        case unrecorded
    }

    public var kind: Kind
    /// The sequence whose approval the ID was carried over from (`block`, `peer`).
    public var sequence: Int64?
    public var blockNumber: UInt64?
    public var txID: String?
    /// The peer that answered (`peer`).
    public var peer: String?
    /// Whether every configured peer of the org has the package installed (QueryInstalledChaincodes);
    /// nil when the gateway could not ask (no admin identity of that org, or the peer did not answer).
    public var installed: Bool?
    /// What an operator should know about this choice (a missing install, an unreachable peer).
    public var note: String?

    public init(kind: Kind, sequence: Int64? = nil, blockNumber: UInt64? = nil, txID: String? = nil, peer: String? = nil) {
        self.kind = kind
        self.sequence = sequence
        self.blockNumber = blockNumber
        self.txID = txID
        self.peer = peer
    }

    enum CodingKeys: String, CodingKey {
        case kind, sequence, blockNumber, txID = "txId", peer, installed, note
    }

    var json: JSONValue {
        var f: [(String, JSONValue)] = [("kind", .string(kind.rawValue))]
        if let sequence { f.append(("sequence", .int(Int(sequence)))) }
        if let blockNumber { f.append(("blockNumber", .int(Int(blockNumber)))) }
        if let txID { f.append(("txId", .string(txID))) }
        if let peer { f.append(("peer", .string(peer))) }
        if let installed { f.append(("installed", .bool(installed))) }
        if let note { f.append(("note", .string(note))) }
        return .object(f)
    }
}
