import FabricProtos
import Foundation

extension Lifecycle {
    /// `QueryChaincodeDefinition`: the committed definition of `name` (404 if not defined).
    public static func queryChaincodeDefinition(name: String) -> LifecycleCall<CommittedChaincodeDefinition> {
        var args = Lifecycle_QueryChaincodeDefinitionArgs()
        args.name = name
        return LifecycleCall(function: "QueryChaincodeDefinition", argument: args, isChannelScoped: true) { payload in
            let r = try decodeLifecycleResult(Lifecycle_QueryChaincodeDefinitionResult.self, payload, "QueryChaincodeDefinition")
            let definition = ChaincodeDefinition(
                name: name, sequence: r.sequence, version: r.version, endorsementPlugin: r.endorsementPlugin,
                validationPlugin: r.validationPlugin, validationParameter: r.validationParameter,
                collections: r.hasCollections ? r.collections : nil, initRequired: r.initRequired)
            return CommittedChaincodeDefinition(definition: definition, approvals: r.approvals)
        }
    }

    /// `QueryChaincodeDefinitions`: every committed definition on the channel, sorted by name.
    public static func queryChaincodeDefinitions() -> LifecycleCall<[ChaincodeDefinition]> {
        LifecycleCall(function: "QueryChaincodeDefinitions", argument: Lifecycle_QueryChaincodeDefinitionsArgs(),
                      isChannelScoped: true) { payload in
            let r = try decodeLifecycleResult(Lifecycle_QueryChaincodeDefinitionsResult.self, payload,
                                              "QueryChaincodeDefinitions")
            return r.chaincodeDefinitions.map { d in
                ChaincodeDefinition(name: d.name, sequence: d.sequence, version: d.version,
                                    endorsementPlugin: d.endorsementPlugin, validationPlugin: d.validationPlugin,
                                    validationParameter: d.validationParameter,
                                    collections: d.hasCollections ? d.collections : nil, initRequired: d.initRequired)
            }.sorted { $0.name < $1.name }
        }
    }
}
