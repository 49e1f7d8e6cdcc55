import FabricProtos

/// Invalid chaincode definition input, caught before anything is sent. Messages follow the
/// peer's (core/chaincode/lifecycle/scc.go `validateInput`, docs/fabric-notes.md §7.5).
public struct DefinitionValidationError: Error, CustomStringConvertible, Sendable, Hashable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ChaincodeDefinition {
    static let systemChaincodeNames: Set<String> = ["cscc", "escc", "lscc", "qscc", "vscc"]

    /// Checks name, version, sequence and collections as the peer would.
    public func validate() throws(DefinitionValidationError) {
        let prefix = "error validating chaincode definition: "
        guard Self.isValidName(name) else {
            throw DefinitionValidationError(prefix + "invalid chaincode name '\(name)'. Names can only consist of alphanumerics, '_', and '-' and can only begin with alphanumerics")
        }
        guard !Self.systemChaincodeNames.contains(name) else {
            throw DefinitionValidationError(prefix + "chaincode name '\(name)' is the name of a system chaincode")
        }
        guard !version.isEmpty, version.utf8.allSatisfy({ $0.isASCIIAlphanumeric || "_.+-".utf8.contains($0) }) else {
            throw DefinitionValidationError(prefix + "invalid chaincode version '\(version)'. Versions can only consist of alphanumerics, '_', '-', '+', and '.'")
        }
        guard sequence >= 1 else {
            throw DefinitionValidationError(prefix + "sequence must be at least 1, got \(sequence)")
        }
        if let collections { try Self.validate(collections, prefix: prefix) }
    }

    /// `^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$`
    static func isValidName(_ name: String) -> Bool {
        var previousWasSeparator = true
        for byte in name.utf8 {
            if byte.isASCIIAlphanumeric {
                previousWasSeparator = false
            } else if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") {
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else {
                return false
            }
        }
        return !previousWasSeparator
    }

    /// `^[A-Za-z0-9-]+([A-Za-z0-9_-]+)*$`: alphanumerics, '-', '_', not starting with '_'.
    static func isValidCollectionName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: "_") else { return false }
        return name.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    private static func validate(_ package: Protos_CollectionConfigPackage, prefix: String) throws(DefinitionValidationError) {
        var seen = Set<String>()
        for config in package.config {
            let c = config.staticCollectionConfig
            guard isValidCollectionName(c.name) else {
                throw DefinitionValidationError(prefix + "invalid collection name '\(c.name)'. Names can only consist of alphanumerics, '_', and '-' and cannot begin with '_'")
            }
            guard seen.insert(c.name).inserted else {
                throw DefinitionValidationError(prefix + "collection-name: \(c.name) -- found duplicate in collection configuration")
            }
            guard c.requiredPeerCount >= 0 else {
                throw DefinitionValidationError(prefix + "collection-name: \(c.name) -- requiredPeerCount (\(c.requiredPeerCount)) cannot be less than zero")
            }
            guard c.maximumPeerCount >= c.requiredPeerCount else {
                throw DefinitionValidationError(prefix + "collection-name: \(c.name) -- maximum peer count (\(c.maximumPeerCount)) cannot be less than the required peer count (\(c.requiredPeerCount))")
            }
            try validateMemberPolicy(c, prefix: prefix)
        }
    }

    private static func validateMemberPolicy(_ c: Protos_StaticCollectionConfig, prefix: String) throws(DefinitionValidationError) {
        guard c.hasMemberOrgsPolicy, case .signaturePolicy(let envelope)? = c.memberOrgsPolicy.payload else {
            throw DefinitionValidationError(prefix + "collection member policy is not set for collection '\(c.name)'")
        }
        guard envelope.hasRule, !envelope.identities.isEmpty else {
            throw DefinitionValidationError(prefix + "collection member org policy is empty for collection '\(c.name)'")
        }
        if let n = firstNonOrGate(envelope.rule) {
            throw DefinitionValidationError(prefix + "collection-name: \(c.name) -- error in member org policy: signature policy is not an OR concatenation, NOutOf \(n)")
        }
    }

    /// The `n` of the first NOutOf gate that is not an OR (n != 1), if any.
    private static func firstNonOrGate(_ rule: Common_SignaturePolicy) -> Int32? {
        guard case .nOutOf(let gate)? = rule.type else { return nil }
        if gate.n != 1 { return gate.n }
        for sub in gate.rules { if let n = firstNonOrGate(sub) { return n } }
        return nil
    }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x5a) || (self >= 0x61 && self <= 0x7a)
    }
}
