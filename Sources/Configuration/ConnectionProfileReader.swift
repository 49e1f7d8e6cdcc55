import Foundation
import Yams

/// Reads a Fabric common connection profile (the YAML or JSON the Fabric SDKs use) into a
/// `NetworkConfig`: `organizations.<name>.mspid/.peers/.orderers` (and optionally
/// `.adminPrivateKey.path` + `.signedCert.path` as the admin identity), `peers.<name>` and
/// `orderers.<name>` (`url`, `tlsCACerts.pem|path`, `grpcOptions.ssl-target-name-override` or
/// `hostnameOverride`), `channels.<name>`, and `client.tlsCerts.client.cert/key.path` for mutual TLS.
/// Organizations, peers, orderers and channels keep the profile's order.
/// Errors name the profile file and the key (`ConfigurationError` from `.connectionProfile`).
struct ConnectionProfileReader {
    let base: ConfigurationReader
    let doc: YAMLMapping

    static func load(path: String, checkFiles: Bool) throws -> NetworkConfig {
        try parse(text: try ConfigurationReader.read(.connectionProfile(path)), file: path, checkFiles: checkFiles)
    }

    /// Parses YAML or JSON text; `file` only names the source in errors.
    static func parse(text: String, file: String, checkFiles: Bool) throws -> NetworkConfig {
        let base = ConfigurationReader(source: .connectionProfile(file), checkFiles: checkFiles)
        return try ConnectionProfileReader(base: base, doc: try base.document(text, syntax: "YAML or JSON")).network()
    }

    func network() throws -> NetworkConfig {
        let clientTLS = try clientCertificate()
        var placed: [String: String] = [:]  // node name -> mspid
        var orgs: [NetworkConfig.Organization] = []
        for name in names(in: "organizations") {
            let key = "organizations.\(name)"
            let m = try base.mapping(try section("organizations")[name], key)
            let mspID = try base.string(m["mspid"] ?? m["mspId"], key + ".mspid")
            let peerNames = try names(m["peers"], key + ".peers")
            let ordererNames = try names(m["orderers"], key + ".orderers")
            for n in peerNames + ordererNames { placed[n] = mspID }
            if peerNames.isEmpty && !ordererNames.isEmpty { continue }  // an orderer organization
            let peers = try peerNames.map { try node($0, in: "peers", mspID: mspID, clientTLS: clientTLS) }
            orgs.append(NetworkConfig.Organization(mspID: mspID, name: name, adminIdentity: try adminIdentity(m, key),
                                                   clientIdentity: nil, peers: peers))
        }
        for name in names(in: "peers") where placed[name] == nil {
            throw base.fail("peers.\(name)", "is not listed under any organization's 'peers'")
        }
        let orderers = try names(in: "orderers").map { name in
            let m = try base.mapping(try section("orderers")[name], "orderers.\(name)")
            let mspID = try placed[name] ?? base.optionalString(m["mspid"], "orderers.\(name).mspid")
            guard let mspID else {
                throw base.fail("orderers.\(name).mspid", "is required (or list the orderer under an organization's 'orderers')")
            }
            return try node(name, in: "orderers", mspID: mspID, clientTLS: clientTLS)
        }
        return NetworkConfig(organizations: orgs, orderers: orderers, channels: names(in: "channels"))
    }

    func node(_ name: String, in section: String, mspID: String, clientTLS: (String, String)?) throws -> NetworkConfig.Node {
        let key = "\(section).\(name)"
        guard let value = try self.section(section)[name] else { throw base.fail(key, "is missing (listed under an organization)") }
        let m = try base.mapping(value, key)
        var url = try base.string(m["url"], key + ".url")
        var secure: Bool?
        for (scheme, tls) in [("grpcs://", true), ("grpc://", false)] where url.hasPrefix(scheme) {
            (url, secure) = (String(url.dropFirst(scheme.count)), tls)
        }
        guard let colon = url.lastIndex(of: ":"), Int(url[url.index(after: colon)...]) != nil, !url.contains("/") else {
            throw base.fail(key + ".url", "'\(url)' is not grpcs://host:port, grpc://host:port or host:port")
        }
        let tls = try secure == false ? nil : self.tls(m, key, required: secure == true, clientTLS: clientTLS)
        return NetworkConfig.Node(name: name, mspID: mspID, address: url, tls: tls)
    }

    func tls(_ m: YAMLMapping, _ key: String, required: Bool, clientTLS: (String, String)?) throws -> NetworkConfig.TLS? {
        guard let value = m["tlsCACerts"] else {
            if required { throw base.fail(key + ".tlsCACerts", "is required for a grpcs:// url") }
            return nil
        }
        let ca = try base.mapping(value, key + ".tlsCACerts")
        let grpc = try m["grpcOptions"].map { try base.mapping($0, key + ".grpcOptions") }
        let override = try base.optionalString(grpc?["ssl-target-name-override"], key + ".grpcOptions.ssl-target-name-override")
            ?? base.optionalString(grpc?["hostnameOverride"], key + ".grpcOptions.hostnameOverride")
        var tls = NetworkConfig.TLS(rootCertFile: "", serverNameOverride: override,
                                    clientCertFile: clientTLS?.0, clientKeyFile: clientTLS?.1)
        if let pem = try pem(ca["pem"], key + ".tlsCACerts.pem") {
            tls.rootCertFile = "\(base.file)#\(key).tlsCACerts.pem"
            tls.rootCertPEM = pem
        } else if let path = try base.optionalString(ca["path"], key + ".tlsCACerts.path") {
            tls.rootCertFile = try base.existing(path, key + ".tlsCACerts.path")
        } else {
            throw base.fail(key + ".tlsCACerts", "needs 'pem' or 'path'")
        }
        return tls
    }

    /// Inline PEM: a string, or a list of strings (several CAs).
    func pem(_ value: Yams.Node?, _ key: String) throws -> String? {
        guard let value, !ConfigurationReader.isNull(value) else { return nil }
        let parts = try (value.sequence.map(Array.init) ?? [value]).map { try base.string($0, key) }
        guard parts.allSatisfy({ $0.contains("-----BEGIN CERTIFICATE-----") }) else { throw base.fail(key, "is not a PEM certificate") }
        return parts.joined(separator: "\n")
    }

    func adminIdentity(_ m: YAMLMapping, _ key: String) throws -> NetworkConfig.IdentitySource? {
        let keyPath = try path(m, "adminPrivateKey", key), certPath = try path(m, "signedCert", key)
        guard let keyPath, let certPath else {
            if keyPath == nil && certPath == nil { return nil }
            throw base.fail(key, "'adminPrivateKey.path' and 'signedCert.path' go together")
        }
        return .files(certificate: try base.existing(certPath, key + ".signedCert.path"),
                      key: try base.existing(keyPath, key + ".adminPrivateKey.path"))
    }

    /// `client.tlsCerts.client.{cert,key}.path`: the client certificate for mutual TLS.
    func clientCertificate() throws -> (String, String)? {
        let key = "client.tlsCerts.client"
        guard let client = doc["client"], let certs = try base.mapping(client, "client")["tlsCerts"],
              let pair = try base.mapping(certs, "client.tlsCerts")["client"] else { return nil }
        let m = try base.mapping(pair, key)
        guard let cert = try path(m, "cert", key), let keyFile = try path(m, "key", key) else {
            throw base.fail(key, "needs both 'cert.path' and 'key.path'")
        }
        return (try base.existing(cert, key + ".cert.path"), try base.existing(keyFile, key + ".key.path"))
    }

    /// `<field>.path` of the mapping `m` at `key`, if given.
    func path(_ m: YAMLMapping, _ field: String, _ key: String) throws -> String? {
        guard let value = m[field] else { return nil }
        return try base.optionalString(try base.mapping(value, "\(key).\(field)")["path"], "\(key).\(field).path")
    }

    /// The top-level mapping `name`; empty when absent or null.
    func section(_ name: String) throws -> YAMLMapping {
        guard let value = doc[name], !ConfigurationReader.isNull(value) else { return YAMLMapping() }
        return try base.mapping(value, name)
    }

    /// The keys of the top-level mapping `name` in document order; none when it is not a mapping.
    func names(in name: String) -> [String] {
        doc[name].flatMap(ConfigurationReader.mapping)?.keys ?? []
    }

    func names(_ value: Yams.Node?, _ key: String) throws -> [String] {
        try base.list(value, key, required: false).enumerated().map { try base.string($1, "\(key)[\($0)]") }
    }
}
