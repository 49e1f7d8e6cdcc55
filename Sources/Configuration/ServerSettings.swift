import Foundation

/// The HTTP server's settings, resolved from, in increasing precedence: these defaults, the
/// configuration file's `server:` section (`GatewayConfiguration`), environment variables
/// (`apply(environment:)`), command-line flags (`serve` calls `set` or assigns directly).
public struct ServerSettings: Sendable, Equatable {
    public var listen = "127.0.0.1:8080"
    public var dataDir = "./data"
    public var publicDir: String? = nil
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var accessLog = true
    /// Minimum request-body rate: at least `minBodyBytes` per `minBodyRateWindow` seconds once a
    /// body has been read for one window, else 408 (`HTTPServerConfiguration.minBodyBytes`
    /// says why); `minBodyBytes: 0` turns it off.
    public var minBodyBytes = 1024
    public var minBodyRateWindow = 10
    /// Seconds for a request head to arrive (408 beyond), and for a keep-alive connection to
    /// stay open without a request (`HTTPServerConfiguration` says why the defaults).
    public var headerTimeout = 10
    public var idleTimeout = 60

    public init() {}

    /// Environment variable -> setting. `accessLog` has none (`--no-access-log` or the file).
    public static let environmentKeys = ["GATEWAY_LISTEN": "listen", "GATEWAY_DATA_DIR": "dataDir",
                                         "GATEWAY_PUBLIC_DIR": "publicDir", "GATEWAY_THREADS": "threads",
                                         "GATEWAY_MIN_BODY_BYTES": "minBodyBytes",
                                         "GATEWAY_MIN_BODY_RATE_WINDOW": "minBodyRateWindow",
                                         "GATEWAY_HEADER_TIMEOUT": "headerTimeout", "GATEWAY_IDLE_TIMEOUT": "idleTimeout"]

    public mutating func apply(environment: [String: String]) throws {
        for (env, key) in Self.environmentKeys {
            if let v = environment[env] { try set(key, to: v, from: .environment(env)) }
        }
    }

    /// Sets one setting from its text, validated. `key` is the key path in a file
    /// (`server.threads`) for the error; nil for an environment variable or a flag.
    public mutating func set(_ setting: String, to value: String, from source: ConfigurationError.Source,
                             key: String? = nil) throws {
        func fail(_ problem: String) -> ConfigurationError { ConfigurationError(source: source, key: key, problem: problem) }
        switch setting {
        case "listen":
            guard Self.splitListen(value) != nil else { throw fail("'\(value)' is not host:port") }
            listen = value
        case "dataDir": dataDir = value
        case "publicDir": publicDir = value
        case "threads":
            guard let n = Int(value), (1...256).contains(n) else { throw fail("threads must be 1...256") }
            threads = n
        case "accessLog": accessLog = value == "true"
        case "minBodyBytes":
            guard let n = Int(value), (0...(1 << 30)).contains(n) else { throw fail("minBodyBytes must be 0...1073741824 bytes") }
            minBodyBytes = n
        case "minBodyRateWindow":
            guard let n = Int(value), (1...3600).contains(n) else { throw fail("minBodyRateWindow must be 1...3600 seconds") }
            minBodyRateWindow = n
        case "headerTimeout":
            guard let n = Int(value), (1...3600).contains(n) else { throw fail("headerTimeout must be 1...3600 seconds") }
            headerTimeout = n
        case "idleTimeout":
            guard let n = Int(value), (1...86400).contains(n) else { throw fail("idleTimeout must be 1...86400 seconds") }
            idleTimeout = n
        default: throw fail("unknown setting")
        }
    }

    /// The file's `server:` section, in document order. Each value is taken as its text, as an
    /// environment variable's is (`threads: 4` and `threads: "4"` alike; `accessLog: yes` is "true").
    mutating func apply(section: YAMLMapping, reader: ConfigurationReader) throws {
        for setting in section.keys {
            guard let value = section[setting] else { continue }
            try set(setting, to: String(describing: value.any), from: reader.source, key: "server.\(setting)")
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
