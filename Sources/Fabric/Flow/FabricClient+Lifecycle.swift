import FabricProtos

extension FabricClient {
    /// Runs a query-style `_lifecycle` call (install, query*) on one peer and decodes the result.
    /// Channel-less calls ignore `channelID`. A non-2xx/3xx answer throws `EndorseError` whose
    /// detail carries the peer's status (404 for `namespace ... is not defined`) and message.
    public func evaluate<Result: Sendable>(_ call: LifecycleCall<Result>, channelID: String = "",
                                           on peer: FabricEndpoint, timeout: Duration? = nil) async throws -> Result {
        let proposal = try proposal(call.invocation(channelID: channelID))
        let response = try await evaluate(proposal, on: peer, timeout: timeout)
        return try call.decodeResult(Array(response.payload))
    }

    /// Runs a transaction `_lifecycle` call (approve, commit): endorse on `endorsingPeers`,
    /// submit to `orderer`, wait for the commit on `commitPeer`.
    public func submit<Result: Sendable>(_ call: LifecycleCall<Result>, channelID: String,
                                         endorsingPeers: [FabricEndpoint], orderer: FabricEndpoint,
                                         commitPeer: FabricEndpoint) async throws -> CommitStatus {
        precondition(call.isTransaction, "\(call.function) is not a transaction; use evaluate")
        let transaction = try await endorse(proposal(call.invocation(channelID: channelID)), on: endorsingPeers)
        return try await submit(transaction, orderer: orderer, commitPeer: commitPeer)
    }
}
