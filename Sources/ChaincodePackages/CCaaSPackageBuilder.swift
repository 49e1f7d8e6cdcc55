import Archive
import Foundation

/// Builds chaincode-as-a-service install packages byte-identically for the same input:
/// metadata.json then code.tar.gz (connection.json, then META-INF/statedb/couchdb/indexes/*.json
/// sorted by name), deterministic tar headers and gzip, like Fabric's CLI writes packages.
public struct CCaaSPackageBuilder: Sendable {
    /// What to build. `validate()` says what is wrong in words an operator can act on.
    public struct Input: Sendable, Equatable {
        public var label: String
        public var address: String
        /// Go duration string, e.g. "10s"; nil leaves it out (peer default 3s).
        public var dialTimeout: String?
        public var tlsRequired: Bool
        public var clientAuthRequired: Bool
        public var rootCert: String?
        public var clientCert: String?
        /// SECRET: written into connection.json only, never into errors or inspection results.
        public var clientKey: String?
        /// "ccaas" (the peer's stock builder) or "external" (fabric-samples' sample builder).
        public var type: String
        /// Index name (".json" optional) -> CouchDB index definition JSON.
        public var couchDBIndexes: [String: String]

        public init(label: String, address: String, dialTimeout: String? = nil, tlsRequired: Bool = false,
                    clientAuthRequired: Bool = false, rootCert: String? = nil, clientCert: String? = nil,
                    clientKey: String? = nil, type: String = "ccaas", couchDBIndexes: [String: String] = [:]) {
            self.label = label
            self.address = address
            self.dialTimeout = dialTimeout
            self.tlsRequired = tlsRequired
            self.clientAuthRequired = clientAuthRequired
            self.rootCert = rootCert
            self.clientCert = clientCert
            self.clientKey = clientKey
            self.type = type
            self.couchDBIndexes = couchDBIndexes
        }
    }

    /// The built package and its Fabric package ID.
    public struct Output: Sendable, Equatable {
        public var bytes: [UInt8]
        public var packageID: String
    }

    public init() {}

    public func build(_ input: Input) throws -> Output {
        try input.validate()
        var code = TarWriter()
        try code.appendFile(name: "connection.json", contents: Array(input.connectionJSON.utf8))
        for name in input.couchDBIndexes.keys.sorted() {
            try code.appendFile(name: CodePackageScanner.indexPrefix + "indexes/" + Input.indexFileName(name),
                                contents: Array(input.couchDBIndexes[name]!.utf8))
        }
        let metadata = PackageMetadata(type: input.type, path: "", label: input.label)
        var outer = TarWriter()
        try outer.appendFile(name: "metadata.json", contents: Array(metadata.cliJSON.utf8))
        try outer.appendFile(name: "code.tar.gz", contents: GzipCompressor.compress(code.finish()))
        let bytes = GzipCompressor.compress(outer.finish())
        return Output(bytes: bytes, packageID: PackageID.make(label: input.label, packageBytes: bytes))
    }
}

extension CCaaSPackageBuilder.Input: CustomStringConvertible {
    /// Describes the input with the client key redacted (safe to log).
    public var description: String {
        "CCaaSPackageBuilder.Input(label: \(label), type: \(type), address: \(address), tls: \(tlsRequired), "
            + "clientAuth: \(clientAuthRequired), clientKey: \(clientKey == nil ? "none" : "<redacted>"), "
            + "indexes: \(couchDBIndexes.keys.sorted()))"
    }
}

extension CCaaSPackageBuilder.Input {
    /// Checks every field; the first problem is thrown as `.invalidBuilderInput`.
    public func validate() throws {
        func fail(_ message: String) -> PackageError { PackageError(.invalidBuilderInput, message) }
        do {
            try PackageMetadata.validate(label: label)
        } catch let error as PackageError {
            throw fail(error.message)
        }
        guard ["ccaas", "external"].contains(type) else { throw fail("type must be \"ccaas\" or \"external\", got '\(type)'") }
        do {
            _ = try ConnectionInfo.parse(Array(connectionJSON.utf8))
        } catch let error as PackageError {
            throw fail(error.message)
        }
        if !tlsRequired && (clientAuthRequired || rootCert != nil || clientCert != nil || clientKey != nil) {
            throw fail("root_cert, client_cert, client_key and client_auth_required need tls_required")
        }
        if tlsRequired && !clientAuthRequired && (clientCert != nil || clientKey != nil) {
            throw fail("client_cert and client_key need client_auth_required")
        }
        for (name, json) in couchDBIndexes { try Self.validateIndex(name: name, json: json, fail: fail) }
    }

    static func indexFileName(_ name: String) -> String { name.hasSuffix(".json") ? name : name + ".json" }

    static func validateIndex(name: String, json: String, fail: (String) -> PackageError) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
        }
        guard !name.isEmpty, allowed, !name.hasPrefix(".") else {
            throw fail("CouchDB index name '\(name)' may only contain letters, digits, '.', '_' and '-'")
        }
        // internal/ccmetadata/validators.go: an index definition is an object with "index": {"fields": [...]}.
        // Not JSON and the wrong shape get the same message, which says the shape expected.
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let index = object["index"] as? [String: Any], index["fields"] is [Any]
        else { throw fail("CouchDB index '\(name)' must be a JSON object with \"index\": {\"fields\": [...]}") }
    }

    /// connection.json with keys in a fixed order (Go-style escaping); TLS fields only when used.
    var connectionJSON: String {
        var fields = ["\"address\":\(GoJSONObject.quote(address))"]
        if let dialTimeout { fields.append("\"dial_timeout\":\(GoJSONObject.quote(dialTimeout))") }
        fields.append("\"tls_required\":\(tlsRequired)")
        fields.append("\"client_auth_required\":\(clientAuthRequired)")
        if let rootCert { fields.append("\"root_cert\":\(GoJSONObject.quote(rootCert))") }
        if let clientCert { fields.append("\"client_cert\":\(GoJSONObject.quote(clientCert))") }
        if let clientKey { fields.append("\"client_key\":\(GoJSONObject.quote(clientKey))") }
        return "{" + fields.joined(separator: ",") + "}"
    }
}
