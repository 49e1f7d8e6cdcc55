/// The `network:` section of the gateway configuration file (README.md, "Configuration"):
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

    /// An MSP folder (`signcerts/` + `keystore/`), a certificate and key file, or a
    /// certificate whose key is in a PKCS#11 token.
    public enum IdentitySource: Sendable, Equatable {
        case mspDirectory(String)
        case files(certificate: String, key: String)
        case pkcs11(certificate: String, PKCS11Settings)
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
    /// Addresses to dial instead of those peers and orderers advertise through discovery, for
    /// networks behind NAT or inside Docker (the SDKs' `asLocalhost`): `host:port` -> `host:port`,
    /// or `host` -> `host` (the advertised port kept) or `host:port`. Configured nodes are dialled
    /// at their configured address.
    public var addressRewrites: [String: String] = [:]

    public var peers: [Node] { organizations.flatMap(\.peers) }

    /// The `network:` section of the configuration file at `path`; nil when the file has none.
    /// Reads the whole file (`GatewayConfiguration.load`), so a bad `server:` section throws too.
    /// `checkFiles: false` validates everything but the existence of referenced files (for a
    /// config written for another machine, e.g. a container's paths).
    public static func load(path: String, checkFiles: Bool = true) throws -> NetworkConfig? {
        try GatewayConfiguration.load(path: path, checkFiles: checkFiles).network
    }

    /// The `network:` section of YAML text; `file` names the source in errors and is the base of
    /// a relative `connectionProfile` path.
    public static func parse(yaml text: String, file: String, checkFiles: Bool = true) throws -> NetworkConfig? {
        try GatewayConfiguration.parse(yaml: text, file: file, checkFiles: checkFiles).network
    }
}
