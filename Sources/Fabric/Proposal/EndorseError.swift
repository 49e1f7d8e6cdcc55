/// What one peer (or orderer) said about a transaction.
public struct NodeFailure: Sendable, Hashable, CustomStringConvertible {
    /// `host:port` of the node, or a caller-chosen name.
    public var endpoint: String
    /// Chaincode/response status when the node answered (e.g. 500), nil for transport errors.
    public var status: Int32?
    /// The node's message, passed through verbatim.
    public var message: String

    public init(endpoint: String, status: Int32?, message: String) {
        self.endpoint = endpoint
        self.status = status
        self.message = message
    }

    public var description: String {
        if let status { return "\(endpoint): status \(status): \(message)" }
        return "\(endpoint): \(message)"
    }
}

/// Endorsement failed: a peer refused or errored, or responses could not form a transaction.
public struct EndorseError: Error, CustomStringConvertible, Sendable, Hashable {
    public let transactionID: String
    /// Stable summary (e.g. `ProposalResponsePayloads do not match`).
    public let message: String
    /// Per-peer details.
    public let details: [NodeFailure]

    public init(transactionID: String, message: String, details: [NodeFailure] = []) {
        self.transactionID = transactionID
        self.message = message
        self.details = details
    }

    public var description: String {
        ([message] + details.map(\.description)).joined(separator: "; ")
    }
}

/// The orderer did not accept a transaction envelope.
public struct SubmitError: Error, CustomStringConvertible, Sendable, Hashable {
    public let transactionID: String
    public let message: String
    public let details: [NodeFailure]

    public init(transactionID: String, message: String, details: [NodeFailure] = []) {
        self.transactionID = transactionID
        self.message = message
        self.details = details
    }

    public var description: String {
        ([message] + details.map(\.description)).joined(separator: "; ")
    }
}

/// Waiting for a commit failed, or the transaction committed invalid.
public struct CommitError: Error, CustomStringConvertible, Sendable, Hashable {
    public let transactionID: String
    public let message: String
    /// The validation code when the transaction was committed but invalid.
    public let validationCode: TxValidationCode?
    public let blockNumber: UInt64?

    public init(transactionID: String, message: String, validationCode: TxValidationCode? = nil, blockNumber: UInt64? = nil) {
        self.transactionID = transactionID
        self.message = message
        self.validationCode = validationCode
        self.blockNumber = blockNumber
    }

    public var description: String { message }
}
