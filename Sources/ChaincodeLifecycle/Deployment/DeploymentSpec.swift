import ChaincodePackages
import Configuration
import Fabric
import Foundation
import JSON

/// What `PUT .../deployment` asks for (issue 18): the definition, where each organization's
/// package comes from, which organizations install and approve, on which peers, whether the
/// gateway commits by itself, and an optional init call. Read from JSON or YAML (`parse`).
public struct DeploymentSpec: Sendable, Equatable, Codable {
    /// Where an organization's package comes from.
    public enum Package: Sendable, Equatable, Codable {
        /// A package already stored in the gateway (or installed on the peers).
        case packageID(String)
        /// A ccaas package the gateway builds (`{org}` in the address is replaced per org).
        case ccaas(CCaaS)
    }

    public struct CCaaS: Sendable, Equatable, Codable {
        public var label: String
        public var address: String
        public var dialTimeout: String?
        public var tlsRequired = false
        public var clientAuthRequired = false
        public var rootCert: String?
        /// The peer's client certificate and key for a chaincode server that requires client
        /// authentication (connection.json `client_cert`, `client_key`). The key is kept with
        /// the recorded spec (as it is in the package's connection.json) and never shown:
        /// `json` gives `redacted` in its place.
        public var clientCert: String?
        public var clientKey: String?
    }

    /// What `json` shows for a client key, and what a PUT may send back to keep the recorded one.
    public static let redacted = "<redacted>"

    public struct Init: Sendable, Equatable, Codable {
        public var function: String
        public var args: [String]
    }

    public enum CommitMode: String, Sendable, Codable { case whenReady, manual }

    public var version: String
    /// One source for every org (key "*"), or one per MSP ID.
    public var packages: [String: Package]
    public var endorsementPolicy: String?
    /// The peer CLI's collections JSON (canonical encoding); nil = unchanged (none for a new chaincode), "[]" = none.
    public var collections: String?
    public var initRequired: Bool
    /// nil = every org the gateway may act for (with an admin identity).
    public var orgs: [String]?
    /// nil = all peers of the orgs.
    public var peers: [String]?
    public var commit: CommitMode
    public var initCall: Init?

    /// The spec as JSON, what `GET .../deployment` returns, with any client key redacted (the
    /// record keeps it: `DeploymentRepository` stores the Codable form).
    public var json: JSONValue {
        func source(_ p: Package) -> JSONValue {
            switch p {
            case .packageID(let id): return .object([("packageId", .string(id))])
            case .ccaas(let c):
                var f: [(String, JSONValue)] = [("label", .string(c.label)), ("address", .string(c.address))]
                if let d = c.dialTimeout { f.append(("dialTimeout", .string(d))) }
                if c.tlsRequired { f.append(("tlsRequired", .bool(true))) }
                if c.clientAuthRequired { f.append(("clientAuthRequired", .bool(true))) }
                if let r = c.rootCert { f.append(("rootCert", .string(r))) }
                if let cert = c.clientCert { f.append(("clientCert", .string(cert))) }
                if c.clientKey != nil { f.append(("clientKey", .string(Self.redacted))) }
                return .object([("ccaas", .object(f))])
            }
        }
        let package: JSONValue = Array(packages.keys) == ["*"] ? source(packages["*"]!)
            : .object(packages.keys.sorted().map { ($0, source(packages[$0]!)) })
        var f: [(String, JSONValue)] = [("version", .string(version)), ("package", package)]
        if let p = endorsementPolicy { f.append(("endorsementPolicy", .string(p))) }
        if let c = collections { f.append(("collections", .raw(Array(c.utf8)))) }
        f.append(("initRequired", .bool(initRequired)))
        f.append(("orgs", orgs.map { .strings($0) } ?? .string("all")))
        f.append(("peers", peers.map { .strings($0) } ?? .string("all")))
        f.append(("commit", .string(commit.rawValue)))
        if let i = initCall { f.append(("init", .object([("function", .string(i.function)), ("args", .strings(i.args))]))) }
        return .object(f)
    }

    /// The package source for `org`.
    func package(for org: String) -> Package? { packages[org] ?? packages["*"] }

    /// `{org}` in a ccaas address: the MSP ID lowercased without a trailing "msp" (Org1MSP -> org1).
    static func orgToken(_ mspID: String) -> String {
        let lower = mspID.lowercased()
        return lower.hasSuffix("msp") && lower.count > 3 ? String(lower.dropLast(3)) : lower
    }
}

extension DeploymentSpec {
    /// Reads a spec from a request body: YAML when `yaml` (`application/yaml`), else JSON.
    public static func parse(_ body: [UInt8], yaml: Bool) throws -> DeploymentSpec {
        let value: JSONValue
        do {
            value = yaml ? try YAMLDocument.json(String(decoding: body, as: UTF8.self)) : try JSONParser.parse(body)
        } catch {
            throw LifecycleError.invalid("spec", "is not valid \(yaml ? "YAML" : "JSON"): \(error)")
        }
        return try DeploymentSpec(value)
    }

    init(_ value: JSONValue) throws {
        guard case .object(let members) = value else { throw LifecycleError.invalid("spec", "must be an object") }
        let known: Set = ["version", "package", "endorsementPolicy", "collections", "initRequired", "orgs", "peers", "commit", "init"]
        if let unknown = members.first(where: { !known.contains($0.0) }) {
            throw LifecycleError.invalid(unknown.0, "is not a deployment spec field (known: \(known.sorted().joined(separator: ", ")))")
        }
        let m = Dictionary(members, uniquingKeysWith: { _, last in last })
        version = try Self.string(m["version"], "version") ?? { throw LifecycleError.invalid("version", "is required") }()
        guard !version.isEmpty else { throw LifecycleError.invalid("version", "must not be empty") }
        packages = try Self.packages(m["package"])
        endorsementPolicy = try Self.string(m["endorsementPolicy"], "endorsementPolicy")
        switch m["collections"] {
        case nil, .null: collections = nil
        case .array(let items): collections = String(decoding: JSONValue.array(items).encoded(), as: UTF8.self)
        default: throw LifecycleError.invalid("collections", "must be an array (peer CLI collections JSON)")
        }
        initRequired = try Self.bool(m["initRequired"], "initRequired") ?? false
        orgs = try Self.list(m["orgs"], "orgs")
        peers = try Self.list(m["peers"], "peers")
        let mode = try Self.string(m["commit"], "commit") ?? "whenReady"
        guard let commit = CommitMode(rawValue: mode) else { throw LifecycleError.invalid("commit", "must be whenReady or manual") }
        self.commit = commit
        initCall = try Self.initCall(m["init"])
        if initCall != nil, !initRequired { throw LifecycleError.invalid("init", "is given but initRequired is false") }
    }

    private static func string(_ v: JSONValue?, _ field: String) throws -> String? {
        switch v {
        case nil, .null: return nil
        case .string(let s): return s
        default: throw LifecycleError.invalid(field, "must be a string")
        }
    }

    private static func bool(_ v: JSONValue?, _ field: String) throws -> Bool? {
        switch v {
        case nil, .null: return nil
        case .bool(let b): return b
        default: throw LifecycleError.invalid(field, "must be true or false")
        }
    }

    /// "all" (or absent) = nil; else a non-empty list of strings.
    private static func list(_ v: JSONValue?, _ field: String) throws -> [String]? {
        switch v {
        case nil, .null, .string("all"): return nil
        case .array(let items):
            let names = try items.map { item -> String in
                guard case .string(let s) = item, !s.isEmpty else { throw LifecycleError.invalid(field, "must list names (strings)") }
                return s
            }
            guard !names.isEmpty else { throw LifecycleError.invalid(field, "must not be empty (say \"all\")") }
            return names
        default: throw LifecycleError.invalid(field, "must be \"all\" or a list of names")
        }
    }

    /// `{packageId}` | `{ccaas: {...}}` for every org, or `{MSPID: {packageId} | {ccaas}, ...}`.
    private static func packages(_ v: JSONValue?) throws -> [String: Package] {
        guard case .object(let members)? = v, !members.isEmpty else {
            throw LifecycleError.invalid("package", "is required: {packageId: ...} or {ccaas: {label, address}}, for all orgs or per MSP ID")
        }
        if members.contains(where: { $0.0 == "packageId" || $0.0 == "ccaas" }) { return ["*": try source(.object(members), "package")] }
        var out: [String: Package] = [:]
        for (org, value) in members { out[org] = try source(value, "package.\(org)") }
        return out
    }

    private static func source(_ v: JSONValue, _ field: String) throws -> Package {
        guard case .object(let members) = v, members.count == 1, let (key, value) = members.first else {
            throw LifecycleError.invalid(field, "must be exactly one of {packageId: ...} or {ccaas: {...}}")
        }
        switch (key, value) {
        case ("packageId", .string(let id)) where !id.isEmpty: return .packageID(id)
        case ("ccaas", .object(let c)):
            let m = Dictionary(c, uniquingKeysWith: { _, last in last })
            let f = "\(field).ccaas"
            let known: Set = ["label", "address", "dialTimeout", "tlsRequired", "clientAuthRequired", "rootCert", "clientCert", "clientKey"]
            if let unknown = c.first(where: { !known.contains($0.0) }) {
                throw LifecycleError.invalid("\(f).\(unknown.0)", "is not a ccaas field (known: \(known.sorted().joined(separator: ", ")))")
            }
            guard let label = try string(m["label"], f + ".label"), let address = try string(m["address"], f + ".address") else {
                throw LifecycleError.invalid(f, "needs label and address")
            }
            return .ccaas(CCaaS(label: label, address: address, dialTimeout: try string(m["dialTimeout"], f + ".dialTimeout"),
                                tlsRequired: try bool(m["tlsRequired"], f + ".tlsRequired") ?? false,
                                clientAuthRequired: try bool(m["clientAuthRequired"], f + ".clientAuthRequired") ?? false,
                                rootCert: try string(m["rootCert"], f + ".rootCert"), clientCert: try string(m["clientCert"], f + ".clientCert"),
                                clientKey: try string(m["clientKey"], f + ".clientKey")))
        default: throw LifecycleError.invalid(field, "must be exactly one of {packageId: \"...\"} or {ccaas: {label, address}}")
        }
    }

    private static func initCall(_ v: JSONValue?) throws -> Init? {
        switch v {
        case nil, .null: return nil
        case .object(let members):
            let m = Dictionary(members, uniquingKeysWith: { _, last in last })
            guard let function = try string(m["function"], "init.function"), !function.isEmpty else {
                throw LifecycleError.invalid("init.function", "is required")
            }
            var args: [String] = []
            if case .array(let items)? = m["args"] {
                args = try items.map { item in
                    guard case .string(let s) = item else { throw LifecycleError.invalid("init.args", "must be strings") }
                    return s
                }
            }
            return Init(function: function, args: args)
        default: throw LifecycleError.invalid("init", "must be {function, args}")
        }
    }
}

extension DeploymentSpec {
    /// The spec with each client key given as `redacted` replaced by the key `recorded` holds for
    /// the same package source (a spec read back from GET and applied again, as the dashboard's
    /// form does); refused when there is none to keep.
    func keepingClientKeys(of recorded: DeploymentSpec?) throws -> DeploymentSpec {
        var spec = self
        for (org, source) in packages {
            guard case .ccaas(var c) = source, c.clientKey == Self.redacted else { continue }
            guard case .ccaas(let old)? = recorded?.packages[org], let key = old.clientKey else {
                let field = org == "*" ? "package.ccaas.clientKey" : "package.\(org).ccaas.clientKey"
                throw LifecycleError.invalid(field, "is \(Self.redacted), but the recorded spec has no client key to keep; give the key's PEM")
            }
            c.clientKey = key
            spec.packages[org] = .ccaas(c)
        }
        return spec
    }
}
