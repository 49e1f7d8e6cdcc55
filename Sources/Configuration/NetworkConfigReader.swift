import Foundation

/// Walks the decoded YAML of the `network:` section, with errors naming the key path.
struct NetworkConfigReader {
    let file: String
    /// False: referenced files are not required to exist here (a config for another machine).
    var checkFiles = true
    /// Names `file` in errors: "config file", or "connection profile".
    var kind = "config file"

    func fail(_ key: String, _ problem: String) -> NetworkConfigError {
        NetworkConfigError(file: file, key: key, problem: problem, kind: kind)
    }

    func network(_ value: Any) throws -> NetworkConfig {
        let m = try mapping(value, "network")
        let profilePath = try optionalString(m["connectionProfile"], "network.connectionProfile")
        let orgs = try list(m["organizations"], "network.organizations", required: profilePath == nil).enumerated().map {
            try organization($1, "network.organizations[\($0)]")
        }
        let orderers = try list(m["orderers"], "network.orderers", required: false).enumerated().map { i, v in
            try node(v, "network.orderers[\(i)]", mspID: nil)
        }
        let channels = try list(m["channels"], "network.channels", required: false).enumerated().map { i, v in
            try string(try mapping(v, "network.channels[\(i)]")["name"], "network.channels[\(i)].name")
        }
        var config = NetworkConfig(organizations: orgs, orderers: orderers, channels: channels)
        if let profilePath {
            let resolved = URL(fileURLWithPath: profilePath, relativeTo: URL(fileURLWithPath: file).deletingLastPathComponent()).path
            config = try ConnectionProfileReader.load(path: resolved, checkFiles: checkFiles).merged(with: config)
        }
        try checkUnique(config)
        return config
    }

    func organization(_ value: Any, _ key: String) throws -> NetworkConfig.Organization {
        let m = try mapping(value, key)
        let mspID = try string(m["mspId"], key + ".mspId")
        return NetworkConfig.Organization(
            mspID: mspID, name: try optionalString(m["name"], key + ".name") ?? mspID,
            adminIdentity: try m["adminIdentity"].map { try identity($0, key + ".adminIdentity") },
            clientIdentity: try m["clientIdentity"].map { try identity($0, key + ".clientIdentity") },
            peers: try list(m["peers"], key + ".peers", required: false).enumerated().map { i, v in
                try node(v, "\(key).peers[\(i)]", mspID: mspID)
            })
    }

    func identity(_ value: Any, _ key: String) throws -> NetworkConfig.IdentitySource {
        let m = try mapping(value, key)
        if let dir = try optionalString(m["mspDir"], key + ".mspDir") { return .mspDirectory(try existing(dir, key + ".mspDir")) }
        guard let cert = try optionalString(m["certFile"], key + ".certFile"),
              let keyFile = try optionalString(m["keyFile"], key + ".keyFile") else {
            throw fail(key, "needs 'mspDir', or both 'certFile' and 'keyFile'")
        }
        return .files(certificate: try existing(cert, key + ".certFile"), key: try existing(keyFile, key + ".keyFile"))
    }

    func node(_ value: Any, _ key: String, mspID: String?) throws -> NetworkConfig.Node {
        let m = try mapping(value, key)
        let address = try string(m["address"], key + ".address")
        guard let colon = address.lastIndex(of: ":"), Int(address[address.index(after: colon)...]) != nil else {
            throw fail(key + ".address", "'\(address)' is not host:port")
        }
        return NetworkConfig.Node(
            name: try string(m["name"], key + ".name"),
            mspID: try mspID ?? string(m["mspId"], key + ".mspId"),
            address: address, tls: try m["tls"].flatMap { try tls($0, key + ".tls") })
    }

    func tls(_ value: Any, _ key: String) throws -> NetworkConfig.TLS? {
        let m = try mapping(value, key)
        if let enabled = m["enabled"] {
            guard let b = enabled as? Bool else { throw fail(key + ".enabled", "must be true or false") }
            if !b { return nil }
        }
        let clientCert = try optionalString(m["clientCertFile"], key + ".clientCertFile")
        let clientKey = try optionalString(m["clientKeyFile"], key + ".clientKeyFile")
        guard (clientCert == nil) == (clientKey == nil) else {
            throw fail(key, "'clientCertFile' and 'clientKeyFile' go together")
        }
        return NetworkConfig.TLS(
            rootCertFile: try existing(try string(m["rootCertFile"], key + ".rootCertFile"), key + ".rootCertFile"),
            serverNameOverride: try optionalString(m["serverNameOverride"], key + ".serverNameOverride"),
            clientCertFile: try clientCert.map { try existing($0, key + ".clientCertFile") },
            clientKeyFile: try clientKey.map { try existing($0, key + ".clientKeyFile") })
    }

    func checkUnique(_ c: NetworkConfig) throws {
        var seen = Set<String>()
        for node in c.peers + c.orderers where !seen.insert(node.name).inserted {
            throw fail("network", "node name '\(node.name)' is used twice")
        }
        var msps = Set<String>()
        for org in c.organizations where !msps.insert(org.mspID).inserted {
            throw fail("network.organizations", "mspId '\(org.mspID)' is listed twice")
        }
    }

    // MARK: primitives

    func mapping(_ value: Any, _ key: String) throws -> [String: Any] {
        guard let m = value as? [String: Any] else { throw fail(key, "must be a mapping") }
        return m
    }

    func list(_ value: Any?, _ key: String, required: Bool) throws -> [Any] {
        guard let value, !(value is NSNull) else {
            if required { throw fail(key, "is required") }
            return []
        }
        guard let l = value as? [Any] else { throw fail(key, "must be a list") }
        return l
    }

    func string(_ value: Any?, _ key: String) throws -> String {
        guard let s = try optionalString(value, key), !s.isEmpty else { throw fail(key, "is required") }
        return s
    }

    func optionalString(_ value: Any?, _ key: String) throws -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let s = value as? String else { throw fail(key, "must be a string") }
        return s
    }

    func existing(_ path: String, _ key: String) throws -> String {
        guard checkFiles else { return path }
        guard FileManager.default.fileExists(atPath: path) else { throw fail(key, "'\(path)' does not exist") }
        return path
    }
}
