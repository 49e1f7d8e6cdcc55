import Foundation
import Store

/// Manifests that run the chaincode server of a ccaas/external package (chaincode as a
/// service): a Kubernetes Deployment and Service (plus a TLS Secret when connection.json
/// requires TLS) or a compose service. The peer dials connection.json's `address`
/// (Fabric's ccaas builder, core/container/externalbuilder `ChaincodeServerInfo`), so the
/// generated Service must be exactly that host and port; the server reads `CHAINCODE_ID` and
/// `CHAINCODE_SERVER_ADDRESS` (fabric-chaincode-go shim `ChaincodeServer`, as the
/// fabric-samples chaincode-external servers wire it) and, with TLS, the `CHAINCODE_TLS_*`
/// files. Same input, same bytes: nothing depends on time or randomness.
public struct ChaincodeServerManifests: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case kubernetes, compose
    }

    public struct Input: Sendable, Equatable {
        public var packageID: String
        public var connection: ConnectionInfo
        /// The chaincode server's image, `REPO[:TAG][@DIGEST]`.
        public var image: String
        /// Kubernetes namespace; nil: the one in the address, else `default`.
        public var namespace: String?
        /// Compose: the external network the peers are on.
        public var network: String
        /// Labels (optional): the channel and chaincode name the package is for.
        public var channel: String?
        public var chaincode: String?

        public init(packageID: String, connection: ConnectionInfo, image: String, namespace: String? = nil,
                    network: String = "fabric-gateway", channel: String? = nil, chaincode: String? = nil) {
            (self.packageID, self.connection, self.image, self.namespace) = (packageID, connection, image, namespace)
            (self.network, self.channel, self.chaincode) = (network, channel, chaincode)
        }
    }

    /// The connection.json of a stored package; a package without one has no server to run.
    public static func connection(of record: PackageRecord) throws -> ConnectionInfo {
        guard let json = record.connectionJSON else {
            throw ManifestError(.notChaincodeServer, "package '\(record.packageID)' is of type '\(record.type)' with no connection.json: "
                + "only ccaas and external packages name a chaincode server to run")
        }
        // Written by ConnectionInfo.redactedJSON; a row that does not decode is a 500 (logged).
        return try JSONDecoder().decode(ConnectionInfo.self, from: Data(json.utf8))
    }

    /// Where the TLS Secret is mounted; the `CHAINCODE_TLS_*` variables name files in it.
    static let tlsDirectory = "/etc/chaincode/tls"

    public let input: Input

    public init(_ input: Input) throws {
        try Self.validate(input)
        self.input = input
    }

    /// The manifests in `format`, as YAML text.
    public func render(_ format: Format) throws -> String {
        switch format {
        case .kubernetes: try kubernetes()
        case .compose: try compose()
        }
    }

    // MARK: - Shared parts

    /// Host and port of connection.json's address; a template or a malformed address is refused.
    func hostAndPort() throws -> (host: String, port: Int) {
        let address = input.connection.address
        if address.contains("{{") {
            throw ManifestError(.addressMismatch, "connection.json address '\(address)' is a builder template, resolved per peer; "
                + "one service cannot have every peer's name: build the package with the server's own host:port")
        }
        guard ConnectionInfo.isHostPort(address), let colon = address.lastIndex(of: ":"),
              let port = Int(address[address.index(after: colon)...]) else {
            throw ManifestError(.addressMismatch, "connection.json address '\(address)' is not host:port")
        }
        return (String(address[..<colon]), port)
    }

    /// The server's environment: what the shim's ChaincodeServer needs, TLS files when required.
    func environment(port: Int) -> [(String, String)] {
        var env = [("CHAINCODE_ID", input.packageID), ("CHAINCODE_SERVER_ADDRESS", "0.0.0.0:\(port)")]
        guard input.connection.tlsRequired else { return env + [("CHAINCODE_TLS_DISABLED", "true")] }
        env += [("CHAINCODE_TLS_DISABLED", "false"),
                ("CHAINCODE_TLS_KEY", "\(Self.tlsDirectory)/tls.key"), ("CHAINCODE_TLS_CERT", "\(Self.tlsDirectory)/tls.crt")]
        // With client_auth_required the peer presents connection.json's client_cert; the server
        // verifies it against this CA (shim TLSProperties.ClientCACerts).
        if input.connection.clientAuthRequired { env.append(("CHAINCODE_CLIENT_CA_CERT", "\(Self.tlsDirectory)/ca.crt")) }
        return env
    }

    /// The files the TLS Secret (or the compose TLS folder) must hold, with what goes in each.
    func tlsFiles() -> [(String, String)] {
        var files = [
            ("tls.crt", "REPLACE: PEM certificate of the chaincode server, for the host in connection.json's address, "
                + "issued by the CA in connection.json's root_cert"),
            ("tls.key", "REPLACE: PEM private key of that certificate"),
        ]
        if input.connection.clientAuthRequired {
            files.append(("ca.crt", "REPLACE: PEM certificate of the CA that issued connection.json's client_cert (the peer's client certificate)"))
        }
        return files
    }

    /// Labels naming the channel and chaincode, when given.
    func fabricLabels() -> [(String, YAMLNode)] {
        var labels: [(String, YAMLNode)] = []
        if let channel = input.channel { labels.append(("chaincode-gateway/channel", .string(channel))) }
        if let chaincode = input.chaincode { labels.append(("chaincode-gateway/chaincode", .string(chaincode))) }
        return labels
    }

    static func header(_ lines: [String]) -> String {
        lines.map { "# " + $0 + "\n" }.joined()
    }
}
