/// What one peer (or orderer) said about a transaction.
public struct NodeFailure: Sendable, Hashable, CustomStringConvertible {
    /// `host:port` of the node, or a caller-chosen name.
    public var endpoint: String
    /// Chaincode/response status when the node answered (e.g. 500), nil for transport errors.
    public var status: Int32?
    /// The node's message, passed through verbatim.
    public var message: String
    /// For transport errors (`status == nil`): what the transport says went wrong.
    public var transport: TransportFailureKind?

    public init(endpoint: String, status: Int32?, message: String, transport: TransportFailureKind? = nil) {
        self.endpoint = endpoint
        self.status = status
        self.message = message
        self.transport = transport
    }

    /// A transport failure reaching `endpoint`, keeping the error's kind when its type says it.
    public init(endpoint: String, transportError error: any Error) {
        self.init(endpoint: endpoint, status: nil, message: "\(error)",
                  transport: (error as? any TransportFailure)?.transportFailureKind ?? .other)
    }

    /// The peer refused because it does not know the channel: the endorser answers status 500
    /// with "channel '<name>' not found" (core/endorser/endorser.go `ProcessProposal`, after
    /// `Support.GetLedger` returns nil; docs/fabric-notes.md §3.3). Protocol knowledge kept here,
    /// so no caller matches the text.
    public var isChannelNotFound: Bool {
        status != nil && message.hasPrefix("channel '") && message.hasSuffix("' not found")
    }

    public var description: String {
        if let status { return "\(endpoint): status \(status): \(message)" }
        return "\(endpoint): \(message)"
    }
}

/// What went wrong below Fabric's messages when a node could not be asked at all.
public enum TransportFailureKind: Sendable, Hashable {
    /// The node could not be reached or the connection broke.
    case unavailable
    /// The call's deadline passed before the node answered.
    case deadlineExceeded
    /// Anything else the transport reported.
    case other
}

/// Implemented by a transport's error types (the gRPC adapter's) so that failures keep their
/// kind through the Fabric flow instead of being recognised later by their text.
public protocol TransportFailure: Error {
    var transportFailureKind: TransportFailureKind { get }
}

/// A failure of one transaction, with what each node involved said.
public protocol NodeFailuresError: Error, CustomStringConvertible {
    var transactionID: String { get }
    var message: String { get }
    var details: [NodeFailure] { get }
}

extension NodeFailuresError {
    public var description: String { ([message] + details.map(\.description)).joined(separator: "; ") }
}

/// A call to a node did not finish within its deadline (the node may be frozen).
public struct DeadlineExceededError: TransportFailure, CustomStringConvertible, Sendable {
    public var operation: String
    public var after: Duration
    public init(operation: String, after: Duration) { (self.operation, self.after) = (operation, after) }
    public var transportFailureKind: TransportFailureKind { .deadlineExceeded }
    public var description: String { "\(operation): no answer within \(after)" }
}

/// Endorsement failed: a peer refused or errored, or responses could not form a transaction.
/// `message` is a stable summary (e.g. `ProposalResponsePayloads do not match`); `details` per peer.
public struct EndorseError: NodeFailuresError, Sendable, Hashable {
    public let transactionID: String
    public let message: String
    public let details: [NodeFailure]

    public init(transactionID: String, message: String, details: [NodeFailure] = []) {
        (self.transactionID, self.message, self.details) = (transactionID, message, details)
    }
}

/// The orderer did not accept a transaction envelope.
public struct SubmitError: NodeFailuresError, Sendable, Hashable {
    public let transactionID: String
    public let message: String
    public let details: [NodeFailure]

    public init(transactionID: String, message: String, details: [NodeFailure] = []) {
        (self.transactionID, self.message, self.details) = (transactionID, message, details)
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
