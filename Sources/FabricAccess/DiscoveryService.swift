import Configuration
import EventLoop
import Fabric
import Foundation
import GRPCClient
import SystemIO
import TLSCrypto

/// Fabric's service discovery for the gateway: asks the configured peers'
/// `/discovery.Discovery/Discover`, caches the answers per channel until `invalidate`, and turns
/// discovered peers and orderers into endpoints the transport can reach (an address rewrite for
/// endpoints advertised behind NAT or Docker, like the SDKs' `asLocalhost`; TLS roots from the
/// channel's MSP configuration for nodes missing from the static configuration, which wins).
public final class DiscoveryService: Sendable {
    /// Advertised `host:port` or `host` -> the address to dial (`host:port` or `host`).
    public let addressRewrites: [String: String]
    let nodes: DiscoveredNodes
    /// Addresses of statically configured nodes, with their MSP IDs.
    let staticNodes: [String: String]
    /// The client certificate and key the configured nodes present (mutual TLS), reused for
    /// discovered nodes; nil when none is configured.
    let clientTLS: (cert: String, key: String)?
    let tlsEnabled: Bool
    private let cache = Locked<[String: ChannelAnswers]>([:])
    /// Channels whose discovery could not be reached, and until when (monotonic ns) it is not
    /// asked again: without this every query on a network without a usable Discovery service
    /// (an old peer, TLS without a client certificate) would pay a failing call before its
    /// static fallback. A config block or lifecycle commit (`invalidate`) asks again at once.
    private let unavailable = Locked<[String: (until: UInt64, error: DiscoveryUnavailableError)]>([:])
    /// How long an unreachable discovery is remembered: long enough that the fallback costs
    /// nothing per query, short enough that a peer coming back is used within half a minute.
    static let unavailableRetryNanos: UInt64 = 30_000_000_000

    struct ChannelAnswers {
        var config: DiscoveredChannelConfig?
        var descriptors: [[ChaincodeInterestCall]: EndorsementDescriptor] = [:]
        var membership: PeerMembership?
    }

    /// Statically configured node address -> the hash of the client certificate its connection presents.
    let certificateHashes: [String: [UInt8]]

    init(config: NetworkConfig, loop: EventLoop, addressRewrites: [String: String], clientTLS: (cert: String, key: String)?,
         certificateHashes: [String: [UInt8]] = [:]) {
        self.certificateHashes = certificateHashes
        self.addressRewrites = addressRewrites
        self.nodes = DiscoveredNodes(loop: loop)
        var nodes: [String: String] = [:]
        for n in config.peers + config.orderers { nodes[n.address] = n.mspID }
        self.staticNodes = nodes
        self.clientTLS = clientTLS
        self.tlsEnabled = (config.peers + config.orderers).contains { $0.tls != nil }
    }

    /// Forgets what discovery said about `channel` (a config block, a lifecycle commit).
    public func invalidate(channel: String) {
        cache.withLock { _ = $0.removeValue(forKey: channel) }
        unavailable.withLock { _ = $0.removeValue(forKey: channel) }
    }

    /// The channel's configuration and the endorsement descriptor for `calls`, from the cache or
    /// from the first of `peers` that answers. Throws `DiscoveryError` (Fabric refused a query:
    /// its words kept) or `DiscoveryUnavailableError` (no peer could answer at all).
    public func endorsers(channel: String, calls: [ChaincodeInterestCall], client: FabricClient,
                          via peers: [FabricEndpoint], timeout: Duration) async throws
        -> (config: DiscoveredChannelConfig, descriptor: EndorsementDescriptor) {
        if let hit = cache.withLock({ c -> (DiscoveredChannelConfig, EndorsementDescriptor)? in
            guard let entry = c[channel], let config = entry.config, let d = entry.descriptors[calls] else { return nil }
            return (config, d)
        }) { return hit }
        let now = Sys.monotonicNanos()
        if let known = unavailable.withLock({ $0[channel] }), known.until > now { throw known.error }
        let answers: [DiscoveryAnswer]
        do {
            answers = try await ask([.config, .endorsers(chaincodes: calls)], channel: channel, client: client, via: peers, timeout: timeout)
        } catch let e as DiscoveryUnavailableError {
            unavailable.withLock { $0[channel] = (now &+ Self.unavailableRetryNanos, e) }
            throw e
        }
        guard case .config(let config) = answers[0], case .endorsers(let ds) = answers[1], let d = ds.first else {
            throw FabricProtocolError("discovery answered the queries out of order")
        }
        cache.withLock { c in
            c[channel, default: ChannelAnswers()].config = config
            c[channel, default: ChannelAnswers()].descriptors[calls] = d
        }
        return (config, d)
    }

    /// The channel's configuration and its peers by organization (a `PeerMembershipQuery`
    /// without a chaincode filter: every alive peer that joined the channel, discovery/service.go
    /// `channelMembershipResponse`), from the cache or from the first of `peers` that answers.
    /// Throws like `endorsers`.
    public func membership(channel: String, client: FabricClient, via peers: [FabricEndpoint], timeout: Duration) async throws
        -> (config: DiscoveredChannelConfig, membership: PeerMembership) {
        if let hit = cache.withLock({ c -> (DiscoveredChannelConfig, PeerMembership)? in
            guard let entry = c[channel], let config = entry.config, let m = entry.membership else { return nil }
            return (config, m)
        }) { return hit }
        let answers = try await ask([.config, .peers(chaincodes: [])], channel: channel, client: client, via: peers, timeout: timeout)
        guard case .config(let config) = answers[0], case .peers(let membership) = answers[1] else {
            throw FabricProtocolError("discovery answered the queries out of order")
        }
        cache.withLock { c in
            c[channel, default: ChannelAnswers()].config = config
            c[channel, default: ChannelAnswers()].membership = membership
        }
        return (config, membership)
    }

    private func ask(_ queries: [DiscoveryQuery], channel: String, client: FabricClient, via peers: [FabricEndpoint],
                     timeout: Duration) async throws -> [DiscoveryAnswer] {
        var failures: [NetworkError] = []
        for peer in peers {
            do {
                return try await client.discover(queries, channel: channel, on: peer, timeout: timeout)
            } catch let refused as DiscoveryError {
                throw refused
            } catch {
                failures.append(NetworkError.classify(error, peer: peer.address, org: peer.mspID))
            }
        }
        throw DiscoveryUnavailableError(channel: channel, failures: failures)
    }

    /// The address to dial for an advertised endpoint: a rewrite of `host:port`, else of `host`.
    public func rewrite(_ advertised: String) -> String {
        if let exact = addressRewrites[advertised] { return exact }
        guard let colon = advertised.lastIndex(of: ":"), let host = addressRewrites[String(advertised[..<colon])] else {
            return advertised
        }
        // A rewrite with a port replaces it; a bare host (`[::1]` included) keeps the advertised one.
        let hasPort = host.lastIndex(of: ":").map { !host.hasPrefix("[") || host[..<$0].hasSuffix("]") } ?? false
        return hasPort ? host : host + advertised[colon...]
    }

    /// An endpoint for a discovered node of `mspID`: a statically configured node at the
    /// (rewritten) address keeps its own settings; another is registered with the org's TLS roots
    /// from the channel configuration, verified against the advertised host name.
    public func endpoint(advertised: String, mspID: String, config: DiscoveredChannelConfig) -> FabricEndpoint {
        let address = rewrite(advertised)
        if let configured = staticNodes[address] {
            return FabricEndpoint(address: address, mspID: configured, tlsCertificateHash: certificateHashes[address])
        }
        let (host, port) = FabricNetwork.split(address)
        var tls: TLSClientConfiguration?
        if tlsEnabled {
            let advertisedHost = String(advertised[..<(advertised.lastIndex(of: ":") ?? advertised.endIndex)])
            tls = TLSClientConfiguration(rootCertificatesPEM: config.tlsRootCertificates[mspID] ?? [],
                                         serverNameOverride: advertisedHost,
                                         clientCertificatePEM: clientTLS?.cert, clientKeyPEM: clientTLS?.key)
        }
        nodes.register(address: address, target: GRPCTarget(host: host, port: port, tls: tls))
        return FabricEndpoint(address: address, mspID: mspID)
    }

    /// The first orderer endpoint discovery names (orderer orgs in MSP ID order).
    public func orderer(config: DiscoveredChannelConfig) -> FabricEndpoint? {
        for org in config.orderers.keys.sorted() {
            if let first = config.orderers[org]?.first { return endpoint(advertised: first, mspID: org, config: config) }
        }
        return nil
    }
}
