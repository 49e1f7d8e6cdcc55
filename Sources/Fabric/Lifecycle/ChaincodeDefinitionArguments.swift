import FabricProtos
import Foundation

/// The definition fields that `ApproveChaincodeDefinitionForMyOrgArgs`,
/// `CheckCommitReadinessArgs` and `CommitChaincodeDefinitionArgs` share (same names and field
/// numbers in peer/lifecycle/lifecycle.proto), so one place fills them and one reads them.
protocol ChaincodeDefinitionArguments {
    init()
    var sequence: Int64 { get set }
    var name: String { get set }
    var version: String { get set }
    var endorsementPlugin: String { get set }
    var validationPlugin: String { get set }
    var validationParameter: Data { get set }
    var collections: Protos_CollectionConfigPackage { get set }
    var hasCollections: Bool { get }
    var initRequired: Bool { get set }
}

extension Lifecycle_ApproveChaincodeDefinitionForMyOrgArgs: ChaincodeDefinitionArguments {}
extension Lifecycle_CheckCommitReadinessArgs: ChaincodeDefinitionArguments {}
extension Lifecycle_CommitChaincodeDefinitionArgs: ChaincodeDefinitionArguments {}

extension ChaincodeDefinitionArguments {
    /// The message for `definition`; collections only when there are some (the peer CLI sends
    /// none without `--collections-config`).
    init(_ definition: ChaincodeDefinition) {
        self.init()
        sequence = definition.sequence
        name = definition.name
        version = definition.version
        endorsementPlugin = definition.endorsementPlugin
        validationPlugin = definition.validationPlugin
        validationParameter = Data(definition.validationParameter)
        if let collections = definition.wireCollections { self.collections = collections }
        initRequired = definition.initRequired
    }

    /// The definition these arguments carry.
    var definition: ChaincodeDefinition {
        ChaincodeDefinition(name: name, version: version, sequence: sequence, endorsementPlugin: endorsementPlugin,
                            validationPlugin: validationPlugin, validationParameter: Array(validationParameter),
                            collections: hasCollections ? collections : nil, initRequired: initRequired)
    }
}
