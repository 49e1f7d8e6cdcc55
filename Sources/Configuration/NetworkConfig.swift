import Foundation
import Yams

/// The `network:` section of the gateway configuration file (/work/briefs/network-config.md):
/// organizations with their identities and peers, orderers, channels. Paths only; private keys
/// are read by `FabricNetwork` and never kept here.
public struct NetworkConfig: Sendable, Equatable {
    public struct TLS: Sendable, Equatable {
        public var rootCertFile: String
        /// The root CA certificate(s) inline (a connection profile's `tlsCACerts.pem`); when set,
        /// used instead of reading `rootCertFile` (which then only describes the source).
        public var rootCertPEM: String? = nil
        public var serverNameOverride: String?
        public var clientCertFile: String?
        public var clientKeyFile: String?
    }

    public struct Node: Sendable, Equatable {
        public var name: String
        public var mspID: String
        /// `host:port`.
        public var address: String
        /// nil = plaintext.
        public var tls: TLS?
    }

    /// Either an MSP folder (`signcerts/` + `keystore/`) or a certificate and key file.
    public enum IdentitySource: Sendable, Equatable {
        case mspDirectory(String)
        case files(certificate: String, key: String)
    }

    public struct Organization: Sendable, Equatable {
        public var mspID: String
        public var name: String
        public var adminIdentity: IdentitySource?
        public var clientIdentity: IdentitySource?
        public var peers: [Node]
    }

    public var organizations: [Organization]
    public var orderers: [Node]
    public var channels: [String]

    public var peers: [Node] { organizations.flatMap(\.peers) }

    /// Reads the `network:` section of `path`; nil when the file has none.
    /// Throws `NetworkConfigError` naming the file, the key and the problem.
    /// `checkFiles: false` validates everything but the existence of referenced files (for a
    /// config written for another machine, e.g. a container's paths).
    public static func load(path: String, checkFiles: Bool = true) throws -> NetworkConfig? {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw NetworkConfigError(file: path, key: nil, problem: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(yaml: text, file: path, checkFiles: checkFiles)
    }

    /// Parses YAML text; `file` only names the source in errors.
    public static func parse(yaml text: String, file: String, checkFiles: Bool = true) throws -> NetworkConfig? {
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch {
            throw NetworkConfigError(file: file, key: nil, problem: "not valid YAML: \(error)")
        }
        guard let doc = root as? [String: Any] else {
            throw NetworkConfigError(file: file, key: nil, problem: "the top level must be a mapping")
        }
        guard let network = doc["network"] else { return nil }
        return try NetworkConfigReader(file: file, checkFiles: checkFiles).network(network)
    }
}

/// A problem in the network configuration file.
public struct NetworkConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let key: String?
    public let problem: String
    /// What `file` is: "config file", or "connection profile".
    public var kind = "config file"

    public var description: String {
        "\(kind) '\(file)'" + (key.map { ": key '\($0)'" } ?? "") + ": \(problem)"
    }
}
