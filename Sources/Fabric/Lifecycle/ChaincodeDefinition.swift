import FabricProtos
import Foundation

/// The parameters of a chaincode definition that every org approves and the channel commits
/// (docs/fabric-notes.md §7.3). All orgs must send byte-identical values (§9.2).
public struct ChaincodeDefinition: Sendable, Hashable {
    public var name: String
    public var version: String
    public var sequence: Int64
    /// Empty means the peer default `escc`.
    public var endorsementPlugin: String
    /// Empty means the peer default `vscc`.
    public var validationPlugin: String
    /// Serialized `protos.ApplicationPolicy`; empty means `/Channel/Application/Endorsement`.
    public var validationParameter: [UInt8]
    /// Private data collections; nil (or empty) sends none.
    public var collections: Protos_CollectionConfigPackage?
    public var initRequired: Bool

    public init(name: String, version: String, sequence: Int64, endorsementPlugin: String = "",
                validationPlugin: String = "", validationParameter: [UInt8] = [],
                collections: Protos_CollectionConfigPackage? = nil, initRequired: Bool = false) {
        self.name = name
        self.version = version
        self.sequence = sequence
        self.endorsementPlugin = endorsementPlugin
        self.validationPlugin = validationPlugin
        self.validationParameter = validationParameter
        self.collections = collections
        self.initRequired = initRequired
    }

    /// The endorsement policy, decoded from `validationParameter` (nil when empty = default).
    public func endorsementPolicy() throws -> EndorsementPolicy? {
        validationParameter.isEmpty ? nil : try EndorsementPolicy(applicationPolicyBytes: validationParameter)
    }

    /// Collections to put on the wire: absent when nil or empty (peer CLI behaviour without
    /// `--collections-config`).
    var wireCollections: Protos_CollectionConfigPackage? {
        guard let collections, !collections.config.isEmpty else { return nil }
        return collections
    }

    init(name: String, sequence: Int64, version: String, endorsementPlugin: String, validationPlugin: String,
         validationParameter: Data, collections: Protos_CollectionConfigPackage?, initRequired: Bool) {
        self.init(name: name, version: version, sequence: sequence, endorsementPlugin: endorsementPlugin,
                  validationPlugin: validationPlugin, validationParameter: Array(validationParameter),
                  collections: collections.flatMap { $0.config.isEmpty ? nil : $0 }, initRequired: initRequired)
    }
}
