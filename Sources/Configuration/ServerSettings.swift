import Foundation
import Yams

/// Server settings resolved from, in increasing precedence: defaults, the YAML config file's
/// `server:` section, environment variables, command-line flags.
public struct ServerSettings: Sendable, Equatable {
    public var listen = "127.0.0.1:8080"
    public var dataDir = "./data"
    public var publicDir: String? = nil
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var accessLog = true

    public init() {}

    /// A configuration problem, naming the file, the key and the problem.
    public struct ConfigError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public static let environmentKeys = ["GATEWAY_LISTEN": "listen", "GATEWAY_DATA_DIR": "dataDir",
                                  "GATEWAY_PUBLIC_DIR": "publicDir", "GATEWAY_THREADS": "threads"]

    public mutating func apply(configFile path: String) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(description: "cannot read config file '\(path)': \(error.localizedDescription)")
        }
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch {
            throw ConfigError(description: "config file '\(path)' is not valid YAML: \(error)")
        }
        guard let doc = root as? [String: Any] else {
            throw ConfigError(description: "config file '\(path)': top level must be a mapping")
        }
        guard let server = doc["server"] else { return }
        guard let s = server as? [String: Any] else {
            throw ConfigError(description: "config file '\(path)': key 'server' must be a mapping")
        }
        for (key, value) in s {
            try set(key, String(describing: value), source: "config file '\(path)': key 'server.\(key)'")
        }
    }

    public mutating func apply(environment: [String: String]) throws {
        for (env, key) in Self.environmentKeys {
            if let v = environment[env] { try set(key, v, source: "environment variable \(env)") }
        }
    }

    public mutating func set(_ key: String, _ value: String, source: String) throws {
        switch key {
        case "listen":
            guard Self.splitListen(value) != nil else { throw ConfigError(description: "\(source): '\(value)' is not host:port") }
            listen = value
        case "dataDir": dataDir = value
        case "publicDir": publicDir = value
        case "threads":
            guard let n = Int(value), (1...256).contains(n) else { throw ConfigError(description: "\(source): threads must be 1...256") }
            threads = n
        case "accessLog": accessLog = value == "true"
        default: throw ConfigError(description: "\(source): unknown setting")
        }
    }

    /// "host:port" or "[v6]:port" into parts.
    public static func splitListen(_ s: String) -> (host: String, port: Int)? {
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(s[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { return nil }
        return (host, port)
    }
}
