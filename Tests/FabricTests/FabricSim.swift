// A fabric-sim subprocess (tools/fabric-sim) with gRPC channels to its nodes.
import EventLoop
import Fabric
import FabricAccess
import Foundation
import GRPCClient
import TLSCrypto
import TestSupport

/// A running simulator (`fabric_sim.py up`) in a temp dir, and clients wired to it.
final class FabricSim: Sendable {
    struct Node: Decodable { let name: String; let mspId: String; let port: Int; let tlsRootCert: String }
    struct Org: Decodable { let mspId: String; let adminMspDir: String; let adminTlsDir: String }
    struct Ready: Decodable { let orderer: Node; let peers: [Node]; let organizations: [Org] }

    static var isAvailable: Bool { FabricSimulator.isAvailable }

    let simulator: FabricSimulator
    let ready: Ready
    let loop: EventLoopThread
    let channels: [String: GRPCChannel]
    let mutualTLS: Bool

    /// Starts the simulator (2 orgs) and returns once it printed its ready line (no polling).
    static func start(arguments: [String] = []) async throws -> FabricSim {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fabric-sim-\(UUID().uuidString)")
        let simulator = try await FabricSimulator.start(directory: directory, arguments: ["--orgs", "2"] + arguments)
        do {
            return try FabricSim(simulator: simulator, mutualTLS: arguments.contains("--mutual-tls"))
        } catch {
            await simulator.stop()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    private init(simulator: FabricSimulator, mutualTLS: Bool) throws {
        self.simulator = simulator
        self.mutualTLS = mutualTLS
        ready = try JSONDecoder().decode(Ready.self, from: simulator.readyFile())
        loop = try EventLoopThread(name: "fabric-sim-e2e")
        var channels: [String: GRPCChannel] = [:]
        let clientTLS = try mutualTLS ? Self.clientCertificate(ready.organizations[0]) : nil
        for node in [ready.orderer] + ready.peers {
            let tls = TLSClientConfiguration(rootCertificatesPEM: [try String(contentsOfFile: node.tlsRootCert, encoding: .utf8)],
                                             serverNameOverride: node.name, clientCertificatePEM: clientTLS?.cert,
                                             clientKeyPEM: clientTLS?.key)
            channels[node.name] = GRPCChannel(target: GRPCTarget(host: "127.0.0.1", port: node.port, tls: tls), loop: loop.loop)
        }
        self.channels = channels
    }

    static func clientCertificate(_ org: Org) throws -> (cert: String, key: String) {
        (try String(contentsOfFile: org.adminTlsDir + "/client.crt", encoding: .utf8),
         try String(contentsOfFile: org.adminTlsDir + "/client.key", encoding: .utf8))
    }

    func endpoint(_ node: Node) -> FabricEndpoint { FabricEndpoint(address: node.name, mspID: node.mspId) }
    var orderer: FabricEndpoint { endpoint(ready.orderer) }
    func peer(_ mspID: String) -> FabricEndpoint { endpoint(ready.peers.first { $0.mspId == mspID }!) }

    /// A client signing as `mspID`'s admin. Under mutual TLS every connection presents Org1's
    /// admin TLS cert, whose hash goes into seek envelopes.
    func client(_ mspID: String) throws -> FabricClient {
        let org = ready.organizations.first { $0.mspId == mspID }!
        let admin = try SigningIdentity.loadMSP(directory: org.adminMspDir, mspID: mspID)
        let channels = self.channels
        let transport = GRPCFabricTransport { endpoint in
            guard let channel = channels[endpoint.address] else { throw FabricProtocolError("unknown node \(endpoint)") }
            return GRPCChannelConnection(channel: channel, node: "test")
        }
        let hash = try mutualTLS ? FabricClient.tlsCertificateHash(
            certificatePEM: Self.clientCertificate(ready.organizations[0]).cert) : nil
        return FabricClient(transport: transport, signer: admin, tlsCertificateHash: hash)
    }

    /// Closes the channels, stops the simulator and removes its directory.
    func stop() async {
        for channel in channels.values { await channel.close() }
        loop.shutdown()
        await simulator.stop()
        try? FileManager.default.removeItem(at: simulator.directory)
    }
}
