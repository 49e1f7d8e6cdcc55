/// A configuration problem: where the value came from, the key (for a file), and what is wrong.
/// Its description is the one line an operator sees, e.g.
/// `config file '/etc/gateway.yaml': key 'network.orderers[0].address': 'x' is not host:port`.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Where a setting was read from.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// The gateway's YAML configuration file.
        case configFile(String)
        /// A Fabric common connection profile named by `network.connectionProfile`.
        case connectionProfile(String)
        /// An environment variable, by name.
        case environment(String)
        /// A command-line flag, e.g. `--listen`.
        case flag(String)
        /// The settings as resolved from every source together (a combination is invalid).
        case resolvedSettings

        public var description: String {
            switch self {
            case .configFile(let path): "config file '\(path)'"
            case .connectionProfile(let path): "connection profile '\(path)'"
            case .environment(let name): "environment variable \(name)"
            case .flag(let name): name
            case .resolvedSettings: "server settings"
            }
        }

        /// The file's path, for a file source.
        public var path: String? {
            switch self {
            case .configFile(let path), .connectionProfile(let path): path
            case .environment, .flag, .resolvedSettings: nil
            }
        }
    }

    public let source: Source
    /// The key path inside a file (`network.organizations[0].mspId`); nil for the file as a whole,
    /// an environment variable or a flag.
    public let key: String?
    public let problem: String

    public init(source: Source, key: String? = nil, problem: String) {
        self.source = source
        self.key = key
        self.problem = problem
    }

    public var description: String {
        "\(source)" + (key.map { ": key '\($0)'" } ?? "") + ": \(problem)"
    }
}
