import Foundation

/// connection.json of a ccaas/external package (`externalbuilder.ChaincodeServerUserData`),
/// with the client key removed: only whether one was present is kept.
public struct ConnectionInfo: Sendable, Equatable, Codable {
    public var address: String
    /// dial_timeout as written (Go duration string or nanoseconds); nil when absent (peer default 3s).
    public var dialTimeout: String?
    public var tlsRequired: Bool
    public var clientAuthRequired: Bool
    public var rootCert: String?
    public var clientCert: String?
    /// True when connection.json carried a client_key (the key itself is never kept).
    public var clientKeyPresent: Bool

    enum CodingKeys: String, CodingKey {
        case address, dialTimeout = "dial_timeout", tlsRequired = "tls_required"
        case clientAuthRequired = "client_auth_required", rootCert = "root_cert", clientCert = "client_cert"
        case clientKeyPresent = "client_key_present"
    }

    /// JSON for storage and API responses (sorted keys, no secrets).
    public var redactedJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and booleans cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static let context = "could not unmarshal connection.json as json"

    /// Parses and validates like the peer (externalbuilder `ChaincodeServerInfo`), plus syntactic
    /// checks of address, dial_timeout and PEM blocks. Returns the info and any warnings.
    public static func parse(_ bytes: [UInt8]) throws -> (ConnectionInfo, warnings: [String]) {
        let json = try GoJSONObject.decode(bytes, goType: "externalbuilder.ChaincodeServerUserData", context: context)
        func string(_ key: String) throws -> String? {
            try json.string(key, goField: "ChaincodeServerUserData.\(key)", context: context)
        }
        func bool(_ key: String) throws -> Bool {
            try json.bool(key, goField: "ChaincodeServerUserData.\(key)", context: context) ?? false
        }
        let key = try string("client_key") ?? ""
        let info = ConnectionInfo(
            address: try string("address") ?? "", dialTimeout: try dialTimeout(json.value("dial_timeout")),
            tlsRequired: try bool("tls_required"), clientAuthRequired: try bool("client_auth_required"),
            rootCert: try string("root_cert"), clientCert: try string("client_cert"), clientKeyPresent: !key.isEmpty)
        let warnings = try info.validate(clientKey: key)
        return (info, warnings)
    }

    private static func dialTimeout(_ raw: Any?) throws -> String? {
        switch raw {
        case nil, is NSNull: return nil
        case let text as String:
            guard GoDuration.isValid(text) else {
                throw PackageError.connection("invalid dial_timeout '\(text)': not a Go duration such as \"10s\"")
            }
            return text
        case let number as NSNumber where !GoJSONObject.isBoolean(number):
            return number.stringValue
        default:
            throw PackageError.connection("invalid dial_timeout: must be a duration string or a number of nanoseconds")
        }
    }

    /// The peer's checks in its order, then ours (address syntax, PEM shape).
    private func validate(clientKey: String) throws -> [String] {
        guard !address.isEmpty else { throw PackageError.connection("chaincode address not provided") }
        var warnings: [String] = []
        if address.contains("{{") {
            warnings.append("connection.json address '\(address)' is a builder template, resolved on the peer")
        } else if !Self.isHostPort(address) {
            throw PackageError.connection("chaincode address '\(address)' is not host:port")
        }
        guard tlsRequired else { return warnings }
        if clientAuthRequired {
            guard !clientKey.isEmpty else { throw PackageError.connection("chaincode tls key not provided") }
            guard let cert = clientCert, !cert.isEmpty else { throw PackageError.connection("chaincode tls cert not provided") }
            guard PEM.isPrivateKey(clientKey) else { throw PackageError.connection("connection.json client_key is not a PEM private key") }
            guard PEM.isCertificate(cert) else { throw PackageError.connection("connection.json client_cert is not a PEM certificate") }
        }
        guard let root = rootCert, !root.isEmpty else { throw PackageError.connection("chaincode tls root cert not provided") }
        guard PEM.isCertificate(root) else { throw PackageError.connection("connection.json root_cert is not a PEM certificate") }
        return warnings
    }

    /// `host:port` or `[v6]:port`, port 1...65535, host non-empty without spaces.
    static func isHostPort(_ address: String) -> Bool {
        guard let colon = address.lastIndex(of: ":") else { return false }
        var host = address[..<colon]
        let port = address[address.index(after: colon)...]
        guard let number = Int(port), (1...65535).contains(number), port.allSatisfy(\.isASCII) else { return false }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        else if host.contains(":") { return false }
        return !host.isEmpty && !host.contains(where: { $0.isWhitespace || $0 == "/" })
    }
}
