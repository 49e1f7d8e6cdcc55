import Fabric

/// Nodes a one-organization gateway does not configure, found through service discovery
/// (docs/fabric-notes.md §15): a peer of each organization a lifecycle commit needs, and the
/// orderer. Configured nodes always take precedence; discovery is asked only when they are not
/// enough, from the gateway's own organization's configured peers, with its client identity.
extension FabricNetwork {
    /// The gateway's own organization: the first with a client (or admin) identity and a configured peer.
    public var ownOrganization: String? {
        config.organizations.first { queryClient($0.mspID) != nil && !$0.peers.isEmpty }?.mspID
    }

    /// The channel's configuration and peer membership from discovery, or nil when discovery
    /// is unavailable (no own organization, no Discovery service, no TLS client certificate to
    /// bind, unreachable: `DiscoveryUnavailableError`). A refused query throws
    /// `NetworkError(.discoveryRefused)` with Fabric's words.
    public func discoveredMembership(channel: String) async throws -> (config: DiscoveredChannelConfig, membership: PeerMembership)? {
        guard let own = ownOrganization, let client = queryClient(own) else { return nil }
        let asked = (organization(own)?.peers ?? []).map(endpoint)
        do {
            return try await discovery.membership(channel: channel, client: client, via: asked, timeout: queryTimeout)
        } catch is DiscoveryUnavailableError {
            return nil
        } catch {
            throw NetworkError.classify(error, peer: asked.first?.address, org: own)
        }
    }

    /// One peer of each of `orgs` on `channel`, in the order of `orgs`: its first configured peer,
    /// else (only when some org has none) the first peer discovery lists for it (channel members
    /// by endpoint). An org with neither is left out; the caller decides whether that is enough.
    public func peerOfEach(_ orgs: [String], channel: String) async throws -> [FabricEndpoint] {
        let configured = orgs.map { organization($0)?.peers.first.map(endpoint) }
        guard configured.contains(where: { $0 == nil }),
              let (config, membership) = try await discoveredMembership(channel: channel) else {
            return configured.compactMap { $0 }
        }
        return zip(orgs, configured).compactMap { org, peer in
            if let peer { return peer }
            guard let found = membership.peersByOrg[org]?.min(by: { $0.endpoint < $1.endpoint }) else { return nil }
            return discovery.endpoint(advertised: found.endpoint, mspID: org, config: config)
        }
    }

    /// Where to broadcast transactions on `channel`: the first configured orderer, else the first
    /// one discovery names (orderer orgs in MSP ID order).
    public func orderer(channel: String) async throws -> FabricEndpoint {
        if !config.orderers.isEmpty { return try orderer() }
        guard let (config, _) = try await discoveredMembership(channel: channel), let found = discovery.orderer(config: config) else {
            throw NetworkError(.noOrderer, "neither the configuration nor discovery names an orderer for channel '\(channel)'")
        }
        return found
    }
}
