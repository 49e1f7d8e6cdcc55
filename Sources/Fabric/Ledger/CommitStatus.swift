import FabricProtos

/// The outcome of a committed transaction.
public struct CommitStatus: Sendable, Hashable {
    public var transactionID: String
    public var validationCode: TxValidationCode
    public var blockNumber: UInt64

    public init(transactionID: String, validationCode: TxValidationCode, blockNumber: UInt64) {
        (self.transactionID, self.validationCode, self.blockNumber) = (transactionID, validationCode, blockNumber)
    }

    public var isValid: Bool { validationCode.isValid }
}

extension Protos_FilteredBlock {
    /// The commit status of `transactionID` if this filtered block contains it.
    public func commitStatus(of transactionID: String) -> CommitStatus? {
        guard let tx = filteredTransactions.first(where: { $0.txid == transactionID }) else { return nil }
        return CommitStatus(transactionID: transactionID,
                            validationCode: TxValidationCode(rawValue: Int32(tx.txValidationCode.rawValue)),
                            blockNumber: number)
    }
}
