import FabricProtos

extension FabricClient {
    /// Asks `peer`'s Discovery service (docs/fabric-notes.md §15), signed by this client's identity
    /// and bound to its TLS client certificate. Throws the transport's error when the call fails as
    /// a whole (e.g. gRPC UNKNOWN `client didn't send a TLS certificate`), `DiscoveryError` when a
    /// query is refused.
    public func discover(_ queries: [DiscoveryQuery], channel: String, on peer: FabricEndpoint,
                         timeout: Duration? = nil) async throws -> [DiscoveryAnswer] {
        let request = try DiscoveryRequest.make(channel: channel, queries: queries, signer: signer,
                                                tlsCertHash: peer.tlsCertificateHash ?? tlsCertificateHash)
        let response = try await transport.discover(peer: peer, request, timeout: timeout ?? timeouts.endorse)
        return try DiscoveryAnswer.decode(response, channel: channel, count: queries.count)
    }
}
