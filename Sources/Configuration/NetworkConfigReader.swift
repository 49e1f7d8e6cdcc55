import Foundation
import Yams

/// Reads the `network:` section of the composed configuration file, with errors naming the key
/// path. A `connectionProfile` is read (`ConnectionProfileReader`) and completed by this section.
struct NetworkConfigReader {
    let base: ConfigurationReader

    func network(_ value: Yams.Node) throws -> NetworkConfig {
        let m = try base.mapping(value, "network")
        let profilePath = try base.optionalString(m["connectionProfile"], "network.connectionProfile")
        let orgs = try base.list(m["organizations"], "network.organizations", required: profilePath == nil).enumerated().map {
            try organization($1, "network.organizations[\($0)]")
        }
        let orderers = try base.list(m["orderers"], "network.orderers", required: false).enumerated().map { i, v in
            try node(v, "network.orderers[\(i)]", mspID: nil)
        }
        let channels = try base.list(m["channels"], "network.channels", required: false).enumerated().map { i, v in
            try base.string(try base.mapping(v, "network.channels[\(i)]")["name"], "network.channels[\(i)].name")
        }
        var config = NetworkConfig(organizations: orgs, orderers: orderers, channels: channels,
                                   addressRewrites: try addressRewrites(m["addressRewrites"], "network.addressRewrites"))
        if let profilePath {
            let resolved = URL(fileURLWithPath: profilePath, relativeTo: URL(fileURLWithPath: base.file).deletingLastPathComponent()).path
            config = try ConnectionProfileReader.load(path: resolved, checkFiles: base.checkFiles).merged(with: config)
        }
        try checkUnique(config)
        return config
    }

    func organization(_ value: Yams.Node, _ key: String) throws -> NetworkConfig.Organization {
        let m = try base.mapping(value, key)
        let mspID = try base.string(m["mspId"], key + ".mspId")
        return NetworkConfig.Organization(
            mspID: mspID, name: try base.optionalString(m["name"], key + ".name") ?? mspID,
            adminIdentity: try m["adminIdentity"].map { try identity($0, key + ".adminIdentity") },
            clientIdentity: try m["clientIdentity"].map { try identity($0, key + ".clientIdentity") },
            peers: try base.list(m["peers"], key + ".peers", required: false).enumerated().map { i, v in
                try node(v, "\(key).peers[\(i)]", mspID: mspID)
            })
    }

    func identity(_ value: Yams.Node, _ key: String) throws -> NetworkConfig.IdentitySource {
        let m = try base.mapping(value, key)
        if let dir = try base.optionalString(m["mspDir"], key + ".mspDir") {
            return .mspDirectory(try base.existing(dir, key + ".mspDir"))
        }
        if let hsm = m["pkcs11"] {
            let cert = try base.string(m["certFile"], key + ".certFile")
            guard m["keyFile"] == nil else { throw base.fail(key, "'keyFile' and 'pkcs11' exclude each other") }
            return .pkcs11(certificate: try base.existing(cert, key + ".certFile"), try pkcs11(hsm, key + ".pkcs11"))
        }
        guard let cert = try base.optionalString(m["certFile"], key + ".certFile"),
              let keyFile = try base.optionalString(m["keyFile"], key + ".keyFile") else {
            throw base.fail(key, "needs 'mspDir', or 'certFile' with 'keyFile' or 'pkcs11'")
        }
        return .files(certificate: try base.existing(cert, key + ".certFile"), key: try base.existing(keyFile, key + ".keyFile"))
    }

    /// `pkcs11: {library, label, pin: env:NAME | file:PATH, keyLabel | keyId (hex)}`.
    func pkcs11(_ value: Yams.Node, _ key: String) throws -> PKCS11Settings {
        let m = try base.mapping(value, key)
        let pinText = try base.string(m["pin"], key + ".pin")
        guard let pin = SecretReference(pinText) else {
            // Not echoed: the value may be the PIN itself.
            throw base.fail(key + ".pin", "must be 'env:NAME' or 'file:PATH': a PIN is never written in the configuration")
        }
        let keyLabel = try base.optionalString(m["keyLabel"], key + ".keyLabel")
        // The scalar's text as written: unquoted `01` or `0x1f` would otherwise be read as integers.
        let keyID = try m["keyId"].flatMap { node -> String? in
            guard !ConfigurationReader.isNull(node) else { return nil }
            guard case .scalar(let scalar) = node else { throw base.fail(key + ".keyId", "must be a string") }
            return scalar.string
        }.map { text in
            guard let bytes = Self.hexBytes(text) else { throw base.fail(key + ".keyId", "'\(text)' is not hexadecimal bytes") }
            return bytes
        }
        guard keyLabel != nil || keyID != nil else { throw base.fail(key, "needs 'keyLabel' or 'keyId'") }
        return PKCS11Settings(library: try base.existing(try base.string(m["library"], key + ".library"), key + ".library"),
                              tokenLabel: try base.string(m["label"], key + ".label"), pin: pin, keyLabel: keyLabel, keyID: keyID)
    }

    /// `0a1B..` (optionally `0x`-prefixed, `:` separated) as bytes; nil when not an even count of hex digits.
    static func hexBytes(_ text: String) -> [UInt8]? {
        var digits = Substring(text.replacingOccurrences(of: ":", with: ""))
        if digits.hasPrefix("0x") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var i = digits.startIndex
        while i < digits.endIndex {
            let j = digits.index(i, offsetBy: 2)
            guard let b = UInt8(digits[i..<j], radix: 16) else { return nil }
            bytes.append(b)
            i = j
        }
        return bytes
    }

    func node(_ value: Yams.Node, _ key: String, mspID: String?) throws -> NetworkConfig.Node {
        let m = try base.mapping(value, key)
        let address = try base.string(m["address"], key + ".address")
        guard let colon = address.lastIndex(of: ":"), Int(address[address.index(after: colon)...]) != nil else {
            throw base.fail(key + ".address", "'\(address)' is not host:port")
        }
        return NetworkConfig.Node(
            name: try base.string(m["name"], key + ".name"),
            mspID: try mspID ?? base.string(m["mspId"], key + ".mspId"),
            address: address, tls: try m["tls"].flatMap { try tls($0, key + ".tls") })
    }

    func tls(_ value: Yams.Node, _ key: String) throws -> NetworkConfig.TLS? {
        let m = try base.mapping(value, key)
        if let enabled = m["enabled"], try !base.bool(enabled, key + ".enabled") { return nil }
        let clientCert = try base.optionalString(m["clientCertFile"], key + ".clientCertFile")
        let clientKey = try base.optionalString(m["clientKeyFile"], key + ".clientKeyFile")
        guard (clientCert == nil) == (clientKey == nil) else {
            throw base.fail(key, "'clientCertFile' and 'clientKeyFile' go together")
        }
        return NetworkConfig.TLS(
            rootCertFile: try base.existing(try base.string(m["rootCertFile"], key + ".rootCertFile"), key + ".rootCertFile"),
            serverNameOverride: try base.optionalString(m["serverNameOverride"], key + ".serverNameOverride"),
            clientCertFile: try clientCert.map { try base.existing($0, key + ".clientCertFile") },
            clientKeyFile: try clientKey.map { try base.existing($0, key + ".clientKeyFile") })
    }

    /// `addressRewrites:` — a mapping from an advertised `host` or `host:port` to the address to
    /// dial; a `host:port` key needs a `host:port` value (the port cannot be inherited).
    func addressRewrites(_ value: Yams.Node?, _ key: String) throws -> [String: String] {
        guard let value, !ConfigurationReader.isNull(value) else { return [:] }
        var rewrites: [String: String] = [:]
        for (from, node) in try base.mapping(value, key).entries {
            let entryKey = "\(key).\(from)"
            let to = try base.string(node, entryKey)
            for (text, what) in [(from, "advertised address"), (to, "address")] {
                guard !text.isEmpty, !text.contains(where: { $0 == "/" || $0.isWhitespace }) else {
                    throw base.fail(entryKey, "'\(text)' is not a host or host:port \(what)")
                }
            }
            for text in [from, to] where Self.hasPort(text) {
                guard let colon = text.lastIndex(of: ":"), colon != text.startIndex,
                      let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
                    throw base.fail(entryKey, "'\(text)' has no valid port")
                }
            }
            if Self.hasPort(from) && !Self.hasPort(to) {
                throw base.fail(entryKey, "'\(from)' names a port, so the rewrite must be host:port too, not '\(to)'")
            }
            rewrites[from] = to
        }
        return rewrites
    }

    /// `host:port` rather than a bare host (an IPv6 host is written in brackets: `[::1]:7051`).
    static func hasPort(_ address: String) -> Bool {
        guard let colon = address.lastIndex(of: ":") else { return false }
        return !address.hasPrefix("[") || address[..<colon].hasSuffix("]")
    }

    func checkUnique(_ c: NetworkConfig) throws {
        var seen = Set<String>()
        for node in c.peers + c.orderers where !seen.insert(node.name).inserted {
            throw base.fail("network", "node name '\(node.name)' is used twice")
        }
        var msps = Set<String>()
        for org in c.organizations where !msps.insert(org.mspID).inserted {
            throw base.fail("network.organizations", "mspId '\(org.mspID)' is listed twice")
        }
    }
}
