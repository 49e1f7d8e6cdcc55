import FabricProtos

/// The network operations the Fabric flows need; one gRPC call each (docs/fabric-notes.md §1).
///
/// `GRPCFabricTransport` implements it over gRPC; tests use in-memory fakes.
public protocol FabricTransport: Sendable {
    /// `/protos.Endorser/ProcessProposal`.
    func endorse(peer: FabricEndpoint, _ proposal: Protos_SignedProposal, timeout: Duration?) async throws
        -> Protos_ProposalResponse
    /// `/orderer.AtomicBroadcast/Broadcast`: one envelope, one response.
    func broadcast(orderer: FabricEndpoint, _ envelope: Common_Envelope, timeout: Duration?) async throws
        -> Orderer_BroadcastResponse
    /// `/protos.Deliver/DeliverFiltered`: sends `seek`, yields responses until cancelled or ended.
    /// Dropping the stream cancels the call.
    func deliverFiltered(peer: FabricEndpoint, _ seek: Common_Envelope) -> AsyncThrowingStream<Protos_DeliverResponse, any Error>
    /// `/protos.Deliver/Deliver`: full blocks.
    func deliver(peer: FabricEndpoint, _ seek: Common_Envelope) -> AsyncThrowingStream<Protos_DeliverResponse, any Error>
    /// `/discovery.Discovery/Discover`.
    func discover(peer: FabricEndpoint, _ request: Discovery_SignedRequest, timeout: Duration?) async throws
        -> Discovery_Response
}

extension FabricTransport {
    /// Transports without discovery (in-memory fakes) answer like a peer without the service.
    public func discover(peer: FabricEndpoint, _ request: Discovery_SignedRequest, timeout: Duration?) async throws
        -> Discovery_Response {
        throw FabricProtocolError("\(peer) offers no discovery service")
    }
}
