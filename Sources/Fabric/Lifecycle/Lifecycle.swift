/// Request builders and result decoders for every `_lifecycle` function (docs/fabric-notes.md §7.2).
///
/// Each function returns a `LifecycleCall` (arguments + typed decoder); a flow turns it into
/// a proposal, sends it, and decodes `Response.payload` with `decodeResult`.
public enum Lifecycle {}

/// A chaincode (name, definition version) that uses an installed package on some channel.
public struct ChaincodeReference: Sendable, Hashable {
    public var name: String
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// An installed package as reported by `QueryInstalledChaincode(s)`.
public struct InstalledChaincode: Sendable, Hashable {
    public var packageID: String
    public var label: String
    /// Channel name -> chaincodes using this package there.
    public var references: [String: [ChaincodeReference]]

    public init(packageID: String, label: String, references: [String: [ChaincodeReference]] = [:]) {
        self.packageID = packageID
        self.label = label
        self.references = references
    }
}

/// `InstallChaincodeResult`.
public struct InstallResult: Sendable, Hashable {
    public var packageID: String
    public var label: String

    public init(packageID: String, label: String) {
        self.packageID = packageID
        self.label = label
    }
}

/// `QueryApprovedChaincodeDefinitionResult`: this org's approval.
public struct ApprovedChaincodeDefinition: Sendable, Hashable {
    public var definition: ChaincodeDefinition
    /// The approved package ID; nil when approved without a package (`unavailable`).
    public var packageID: String?

    public init(definition: ChaincodeDefinition, packageID: String?) {
        self.definition = definition
        self.packageID = packageID
    }
}

/// `QueryChaincodeDefinitionResult`: the committed definition and each org's approval of it.
public struct CommittedChaincodeDefinition: Sendable, Hashable {
    public var definition: ChaincodeDefinition
    public var approvals: [String: Bool]

    public init(definition: ChaincodeDefinition, approvals: [String: Bool]) {
        self.definition = definition
        self.approvals = approvals
    }
}
