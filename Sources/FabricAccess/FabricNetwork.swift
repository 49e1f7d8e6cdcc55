import Configuration
import EventLoop
import Fabric
import Foundation
import GRPCClient
import Telemetry
import TLSCrypto

/// The Fabric network the gateway administers: an event-loop thread for background gRPC (block
/// listeners, operations) and, for calls made by request handlers, channels on the handler's own
/// loop (`LoopChannelPool`); one `GRPCChannel` per peer/orderer and loop (TLS from the config), and a `FabricClient` per org
/// identity (admin for lifecycle writes, client for queries and invokes).
public final class FabricNetwork: Sendable {
    public let config: NetworkConfig
    let loop: EventLoopThread
    let channels: [String: GRPCChannel]
    /// Channels driven by the HTTP loops, for calls made from request handlers.
    let loopChannels: LoopChannelPool
    /// Channel configurations, cached while the approval tracker's listeners keep them current.
    public let channelConfigurations = ChannelConfigurationCache()
    let adminClients: [String: FabricClient]
    let clientClients: [String: FabricClient]
    /// Node address -> the hash of the client TLS certificate its connection presents (`endpoint`).
    let clientCertificateHashes: [String: [UInt8]]
    /// SHA-256 of the generated client certificate that TLS connections without a configured
    /// one present (`GeneratedClientCertificate`); nil when every TLS node has its own.
    public let generatedClientCertificateHash: [UInt8]?
    /// Deadline for quick reads (peer status, queries).
    public let queryTimeout: Duration
    /// Deadline for InstallChaincode (the peer builds the package).
    public let installTimeout: Duration
    /// Service discovery (endorsement plans, peers and orderers not in the configuration).
    public let discovery: DiscoveryService

    /// Loads every identity (private keys are read here and kept only in memory) and creates
    /// the channels; connections open lazily on first use.
    public init(config: NetworkConfig, queryTimeout: Duration = .seconds(5), installTimeout: Duration = .seconds(300),
                metrics: MetricsRegistry? = nil) throws {
        self.config = config
        self.queryTimeout = queryTimeout
        self.installTimeout = installTimeout
        let generated = try GeneratedClientCertificate.ifNeeded(config)
        generatedClientCertificateHash = generated?.hash
        var tlsConfigs: [String: TLSClientConfiguration] = [:]
        for node in config.peers + config.orderers {
            tlsConfigs[node.address] = try node.tls.map { try Self.tlsConfiguration($0, node: node.name, generated: generated) }
        }
        var admins: [String: SigningIdentity] = [:], clients: [String: SigningIdentity] = [:]
        for org in config.organizations {
            admins[org.mspID] = try org.adminIdentity.map { try Self.load($0, mspID: org.mspID, what: "adminIdentity") }
            clients[org.mspID] = try org.clientIdentity.map { try Self.load($0, mspID: org.mspID, what: "clientIdentity") }
        }
        loop = try EventLoopThread(name: "fabric-grpc")
        var channels: [String: GRPCChannel] = [:]
        for node in config.peers + config.orderers {
            let (host, port) = Self.split(node.address)
            channels[node.address] = GRPCChannel(target: GRPCTarget(host: host, port: port, tls: tlsConfigs[node.address] ?? nil),
                                                 loop: loop.loop)
        }
        self.channels = channels
        var targets: [String: GRPCTarget] = [:]
        for node in config.peers + config.orderers {
            let (host, port) = Self.split(node.address)
            targets[node.address] = GRPCTarget(host: host, port: port, tls: tlsConfigs[node.address] ?? nil)
        }
        let pool = LoopChannelPool(targets: targets, sharedLoop: loop.loop)
        self.loopChannels = pool
        let hashes = try Self.clientCertificateHashes(config, generated: generated)
        clientCertificateHashes = hashes
        let discovery = DiscoveryService(config: config, loop: loop.loop, addressRewrites: config.addressRewrites,
                                         clientTLS: try Self.clientTLS(config) ?? generated.map { ($0.certificatePEM, $0.keyPEM) },
                                         certificateHashes: hashes)
        self.discovery = discovery
        let transport = GRPCFabricTransport { [channels] endpoint in
            guard let shared = channels[endpoint.address] ?? discovery.nodes.channel(to: endpoint.address) else {
                throw FabricProtocolError("no configured node at \(endpoint.address)")
            }
            // On a request's event loop: that loop's own channel (no thread hop per call).
            let channel = pool.channel(to: endpoint.address) ?? shared
            return GRPCChannelConnection(channel: channel, node: endpoint.address, metrics: metrics)
        }
        let hash = try Self.tlsCertificateHash(config) ?? generated?.hash
        adminClients = admins.mapValues { FabricClient(transport: transport, signer: $0, tlsCertificateHash: hash) }
        clientClients = clients.mapValues { FabricClient(transport: transport, signer: $0, tlsCertificateHash: hash) }
    }

    /// Closes every channel and stops the event loop.
    /// Closes every connection and stops the gRPC loop. Idempotent.
    public func close() async {
        let first = closed.withLock { c -> Bool in
            defer { c = true }
            return !c
        }
        guard first else { return }
        await loopChannels.closeAll()
        await discovery.nodes.closeAll()
        for channel in channels.values { await channel.close() }
        loop.shutdown()
    }

    private let closed = Locked(false)

    // MARK: lookups

    public func organization(_ mspID: String) -> NetworkConfig.Organization? {
        config.organizations.first { $0.mspID == mspID }
    }

    public func peer(named name: String) -> NetworkConfig.Node? { config.peers.first { $0.name == name } }

    public func endpoint(_ node: NetworkConfig.Node) -> FabricEndpoint {
        FabricEndpoint(address: node.address, mspID: node.mspID, tlsCertificateHash: clientCertificateHashes[node.address])
    }

    /// The org's admin client (lifecycle writes, local-admin queries); nil without an admin identity.
    public func adminClient(_ mspID: String) -> FabricClient? { adminClients[mspID] }

    /// The org's client identity, falling back to its admin.
    public func queryClient(_ mspID: String) -> FabricClient? { clientClients[mspID] ?? adminClients[mspID] }

    /// The first orderer, where transactions are broadcast.
    public func orderer() throws -> FabricEndpoint {
        guard let node = config.orderers.first else {
            throw NetworkError(.noOrderer, "the network configuration has no orderer")
        }
        return endpoint(node)
    }

    // MARK: loading

    static func load(_ source: NetworkConfig.IdentitySource, mspID: String, what: String) throws -> SigningIdentity {
        do {
            switch source {
            case .mspDirectory(let dir): return try SigningIdentity.loadMSP(directory: dir, mspID: mspID)
            case .files(let cert, let key): return try SigningIdentity.load(certificateFile: cert, keyFile: key, mspID: mspID)
            case .pkcs11(let cert, let settings): return try loadPKCS11(certificateFile: cert, settings, mspID: mspID)
            }
        } catch {
            throw NetworkError(.identityUnreadable, "cannot load the \(what) of \(mspID): \(error)")
        }
    }

    /// The TLS settings of a configured node: its configured client certificate, else the
    /// `generated` one.
    public static func tlsConfiguration(_ tls: NetworkConfig.TLS, node: String,
                                        generated: GeneratedClientCertificate? = nil) throws -> TLSClientConfiguration {
        func read(_ path: String) throws -> String {
            do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw NetworkError(.tlsUnreadable, "cannot read TLS file '\(path)' for \(node)")
            }
        }
        let roots = [try tls.rootCertPEM ?? read(tls.rootCertFile)]
        guard let certFile = tls.clientCertFile else {
            return TLSClientConfiguration(rootCertificatesPEM: roots, serverNameOverride: tls.serverNameOverride,
                                          clientCertificatePEM: generated?.certificatePEM, clientKeyPEM: generated?.keyPEM)
        }
        return TLSClientConfiguration(rootCertificatesPEM: roots, serverNameOverride: tls.serverNameOverride,
                                      clientCertificatePEM: try read(certFile), clientKeyPEM: try tls.clientKeyFile.map(read))
    }

    /// Each TLS node's client certificate hash: the certificate its connection presents (its
    /// configured one, which may be another organization's than the signer's in an all-keys test
    /// network; else the generated one).
    static func clientCertificateHashes(_ config: NetworkConfig, generated: GeneratedClientCertificate?) throws -> [String: [UInt8]] {
        var hashes: [String: [UInt8]] = [:]
        for node in config.peers + config.orderers {
            guard let tls = node.tls else { continue }
            guard let file = tls.clientCertFile else {
                hashes[node.address] = generated?.hash
                continue
            }
            hashes[node.address] = try FabricClient.tlsCertificateHash(certificatePEM: String(contentsOfFile: file, encoding: .utf8))
        }
        return hashes
    }

    /// The client TLS certificate hash for Deliver (mutual TLS): the first configured one.
    static func tlsCertificateHash(_ config: NetworkConfig) throws -> [UInt8]? {
        guard let file = (config.peers + config.orderers).lazy.compactMap({ $0.tls?.clientCertFile }).first else { return nil }
        return try FabricClient.tlsCertificateHash(certificatePEM: String(contentsOfFile: file, encoding: .utf8))
    }

    /// The client certificate and key of the first node configured with both (mutual TLS).
    static func clientTLS(_ config: NetworkConfig) throws -> (cert: String, key: String)? {
        guard let tls = (config.peers + config.orderers).lazy.compactMap(\.tls).first(where: { $0.clientCertFile != nil && $0.clientKeyFile != nil }),
              let certFile = tls.clientCertFile, let keyFile = tls.clientKeyFile else { return nil }
        do {
            return (try String(contentsOfFile: certFile, encoding: .utf8), try String(contentsOfFile: keyFile, encoding: .utf8))
        } catch {
            throw NetworkError(.tlsUnreadable, "cannot read the TLS client certificate '\(certFile)' or key '\(keyFile)'")
        }
    }

    static func split(_ address: String) -> (String, Int) {
        let colon = address.lastIndex(of: ":")!  // validated by NetworkConfigReader
        return (String(address[..<colon]), Int(address[address.index(after: colon)...])!)
    }
}
