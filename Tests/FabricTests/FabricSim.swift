// A fabric-sim subprocess (tools/fabric-sim) with gRPC channels to its nodes.
import EventLoop
import Fabric
import Foundation
import GRPCClient
import TLSCrypto

/// A running simulator (`fabric_sim.py up`) in a temp dir, and clients wired to it.
final class FabricSim: Sendable {
    struct Node: Decodable { let name: String; let mspId: String; let port: Int; let tlsRootCert: String }
    struct Org: Decodable { let mspId: String; let adminMspDir: String; let adminTlsDir: String }
    struct Ready: Decodable { let orderer: Node; let peers: [Node]; let organizations: [Org] }

    static var script: String { FabricFixtures.repoRoot.appendingPathComponent("tools/fabric-sim/fabric_sim.py").path }
    static var isAvailable: Bool { FileManager.default.fileExists(atPath: script) }

    let directory: URL
    let process: Process
    let ready: Ready
    let loop: EventLoopThread
    let channels: [String: GRPCChannel]
    let mutualTLS: Bool

    /// Starts the simulator and returns once it printed its ready line (no polling).
    init(arguments: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fabric-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        mutualTLS = arguments.contains("--mutual-tls")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [FabricFixtures.python, Self.script, "up", "--orgs", "2", "--dir", directory.path] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var output = Data()
        while !output.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output += chunk
        }
        guard String(decoding: output, as: UTF8.self).hasPrefix("fabric-sim ready") else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw FabricProtocolError("fabric-sim did not start: \(String(decoding: output, as: UTF8.self))")
        }
        ready = try JSONDecoder().decode(Ready.self, from: Data(contentsOf: directory.appendingPathComponent("ready.json")))
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
            return GRPCChannelConnection(channel: channel)
        }
        let hash = try mutualTLS ? FabricClient.tlsCertificateHash(
            certificatePEM: Self.clientCertificate(ready.organizations[0]).cert) : nil
        return FabricClient(transport: transport, signer: admin, tlsCertificateHash: hash)
    }

    /// Closes the channels, kills the simulator and removes its directory. SIGKILL because a
    /// child spawned by Foundation's Process from a Dispatch thread inherits a signal mask
    /// that blocks SIGTERM, so the simulator's graceful shutdown never runs.
    func stop() async {
        for channel in channels.values { await channel.close() }
        loop.shutdown()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
