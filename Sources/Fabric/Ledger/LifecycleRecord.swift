import Foundation

/// One `_lifecycle` approve or commit transaction as seen in a block (`lifecycle_transactions`).
public struct LifecycleRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case approval, commit }

    public var channel: String
    public var kind: Kind
    /// The definition approved or committed (the name, version, sequence and parameters).
    public var definition: ChaincodeDefinition
    /// The creator's MSP (who approved / who submitted the commit).
    public var mspID: String
    /// Approvals only: the package the org's peers run; nil = unavailable.
    public var packageID: String?
    public var txID: String
    public var blockNumber: UInt64
    public var txIndex: Int
    /// The channel header's timestamp, ISO 8601.
    public var timestamp: String
    public var validationCode: TxValidationCode

    public var isValid: Bool { validationCode.isValid }

    public init(channel: String, kind: Kind, definition: ChaincodeDefinition, mspID: String, packageID: String?, txID: String,
                blockNumber: UInt64, txIndex: Int, timestamp: String, validationCode: TxValidationCode) {
        self.channel = channel
        self.kind = kind
        self.definition = definition
        self.mspID = mspID
        self.packageID = packageID
        self.txID = txID
        self.blockNumber = blockNumber
        self.txIndex = txIndex
        self.timestamp = timestamp
        self.validationCode = validationCode
    }
}
