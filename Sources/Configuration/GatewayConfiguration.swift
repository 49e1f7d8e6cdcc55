/// The gateway configuration file, parsed once: the `server:` section applied over the
/// defaults, and the optional `network:` section (with its connection profile merged in).
/// `serve` applies environment variables and flags over `server`; `check-config` only reads.
public struct GatewayConfiguration: Sendable, Equatable {
    /// Defaults overridden by the file's `server:` section.
    public var server: ServerSettings
    /// nil when the file has no `network:` section.
    public var network: NetworkConfig?

    public init(server: ServerSettings = ServerSettings(), network: NetworkConfig? = nil) {
        self.server = server
        self.network = network
    }

    /// Reads the file at `path`. Throws `ConfigurationError` naming the file, the key and the
    /// problem. `checkFiles: false` does not require referenced certificate, key and MSP paths to
    /// exist on this machine.
    public static func load(path: String, checkFiles: Bool = true) throws -> GatewayConfiguration {
        let text = try ConfigurationReader.read(.configFile(path))
        return try parse(yaml: text, file: path, checkFiles: checkFiles)
    }

    /// Parses YAML text; `file` names the source in errors and is the base of a relative
    /// `network.connectionProfile` path.
    public static func parse(yaml text: String, file: String, checkFiles: Bool = true) throws -> GatewayConfiguration {
        let reader = ConfigurationReader(source: .configFile(file), checkFiles: checkFiles)
        let doc = try reader.document(text, syntax: "YAML")
        var config = GatewayConfiguration()
        if let server = doc["server"] { try config.server.apply(section: try reader.mapping(server, "server"), reader: reader) }
        if let network = doc["network"] { config.network = try NetworkConfigReader(base: reader).network(network) }
        return config
    }
}
