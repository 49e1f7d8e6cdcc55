import FabricProtos

/// Listens on a peer's DeliverFiltered stream for one transaction's validation code.
///
/// `connect` returns only after the peer answered the seek (its first response is the
/// current newest block), so a transaction broadcast afterwards cannot be missed.
final class CommitWaiter: Sendable {
    private let transactionID: String
    private let peer: FabricEndpoint
    private let task: Task<CommitStatus, any Error>

    private init(transactionID: String, peer: FabricEndpoint, task: Task<CommitStatus, any Error>) {
        self.transactionID = transactionID
        self.peer = peer
        self.task = task
    }

    static func connect(transport: any FabricTransport, peer: FabricEndpoint, seek: Common_Envelope,
                        transactionID: String) async throws -> CommitWaiter {
        let stream = transport.deliverFiltered(peer: peer, seek)
        var iterator = stream.makeAsyncIterator()
        let first: Protos_DeliverResponse?
        do {
            first = try await iterator.next()
        } catch {
            throw CommitError(transactionID: transactionID, message: "failed to listen for commits on \(peer): \(error)")
        }
        guard let first else {
            throw CommitError(transactionID: transactionID, message: "peer \(peer) ended the deliver stream before any block")
        }
        if let status = try check(first, transactionID: transactionID, peer: peer) {
            return CommitWaiter(transactionID: transactionID, peer: peer, task: Task { status })
        }
        let task = Task { [iterator] in
            var iterator = iterator
            while let response = try await iterator.next() {
                if let status = try check(response, transactionID: transactionID, peer: peer) { return status }
            }
            throw CommitError(transactionID: transactionID, message: "peer \(peer) ended the deliver stream before transaction \(transactionID) was committed")
        }
        return CommitWaiter(transactionID: transactionID, peer: peer, task: task)
    }

    /// The commit status, or `CommitError` on timeout / stream failure.
    func wait(timeout: Duration) async throws -> CommitStatus {
        try await withThrowingTaskGroup(of: CommitStatus?.self) { group in
            group.addTask { [task] in
                try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
            }
            group.addTask {
                try await Task.sleep(for: timeout)  // a deadline, not synchronisation
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let status = first else {
                task.cancel()
                throw CommitError(transactionID: transactionID, message: "timed out after \(timeout) waiting for transaction \(transactionID) to commit on \(peer)")
            }
            return status
        }
    }

    func cancel() { task.cancel() }

    /// A status for our transaction, nil to keep reading, or a `CommitError` for a deliver status.
    private static func check(_ response: Protos_DeliverResponse, transactionID: String, peer: FabricEndpoint) throws
        -> CommitStatus? {
        switch response.type {
        case .filteredBlock(let block)?:
            return block.commitStatus(of: transactionID)
        case .status(let status)?:
            throw CommitError(transactionID: transactionID, message: "deliver completed with status (\(FabricClient.name(status))) before txid received")
        default:
            return nil
        }
    }
}
