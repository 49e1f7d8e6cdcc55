/// `server.tls`: HTTPS on the gateway's own listener (README "Security"). Paths are read when the
/// server starts and again on every reload (SIGHUP or a change of any of the files).
public struct TLSSettings: Sendable, Equatable {
    /// The server certificate, leaf first, then intermediates (PEM).
    public var certFile = ""
    /// Its private key (PEM).
    public var keyFile = ""
    /// Trust anchors for client certificates (PEM); needed unless `clientAuth` is `none`.
    public var clientCAFile: String?
    /// `none`, `optional` (a certificate is asked for; without one, bearer tokens) or `required`.
    public var clientAuth = "none"
    /// `TLS1.2` (default) or `TLS1.3`.
    public var minVersion = "TLS1.2"
    /// OpenSSL cipher list for TLS 1.2 (AEAD ciphers only); nil: the built-in modern list.
    public var ciphers: String?
    /// OpenSSL suite list for TLS 1.3; nil: OpenSSL's three AEAD suites.
    public var cipherSuites: String?

    public init() {}

    public static let clientAuthValues = ["none", "optional", "required"]
    public static let versionValues = ["TLS1.2", "TLS1.3"]

    /// Setting name (after `tls.`) -> environment variable.
    public static let environmentKeys = [
        "GATEWAY_TLS_CERT_FILE": "certFile", "GATEWAY_TLS_KEY_FILE": "keyFile", "GATEWAY_TLS_CLIENT_CA_FILE": "clientCAFile",
        "GATEWAY_TLS_CLIENT_AUTH": "clientAuth", "GATEWAY_TLS_MIN_VERSION": "minVersion", "GATEWAY_TLS_CIPHERS": "ciphers",
        "GATEWAY_TLS_CIPHER_SUITES": "cipherSuites",
    ]

    enum SetResult: Equatable {
        case accepted
        case invalid(String)
        case unknown
    }

    /// Sets one setting from its text.
    mutating func set(_ setting: String, to value: String) -> SetResult {
        switch setting {
        case "certFile": certFile = value
        case "keyFile": keyFile = value
        case "clientCAFile": clientCAFile = value.isEmpty ? nil : value
        case "clientAuth":
            guard Self.clientAuthValues.contains(value) else { return .invalid("clientAuth must be one of none, optional, required") }
            clientAuth = value
        case "minVersion":
            guard Self.versionValues.contains(value) else { return .invalid("minVersion must be TLS1.2 or TLS1.3") }
            minVersion = value
        case "ciphers": ciphers = value
        case "cipherSuites": cipherSuites = value
        default: return .unknown
        }
        return .accepted
    }

    /// What is missing for a server to start with these settings, or nil.
    public var problem: String? {
        if certFile.isEmpty || keyFile.isEmpty { return "TLS needs both certFile and keyFile" }
        if clientAuth != "none" && clientCAFile == nil { return "clientAuth '\(clientAuth)' needs clientCAFile" }
        return nil
    }
}
