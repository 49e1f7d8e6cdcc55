import FabricProtos
import Foundation

extension Lifecycle {
    /// `CheckCommitReadiness`: MSP ID -> whether that org approved exactly this definition.
    public static func checkCommitReadiness(_ definition: ChaincodeDefinition)
        throws(DefinitionValidationError) -> LifecycleCall<[String: Bool]> {
        try definition.validate()
        var args = Lifecycle_CheckCommitReadinessArgs()
        args.sequence = definition.sequence
        args.name = definition.name
        args.version = definition.version
        args.endorsementPlugin = definition.endorsementPlugin
        args.validationPlugin = definition.validationPlugin
        args.validationParameter = Data(definition.validationParameter)
        if let collections = definition.wireCollections { args.collections = collections }
        args.initRequired = definition.initRequired
        return LifecycleCall(function: "CheckCommitReadiness", argument: args, isChannelScoped: true) { payload in
            try decodeLifecycleResult(Lifecycle_CheckCommitReadinessResult.self, payload, "CheckCommitReadiness").approvals
        }
    }

    /// `CommitChaincodeDefinition` (a transaction; endorse on peers of enough approving orgs
    /// to satisfy `/Channel/Application/LifecycleEndorsement`).
    public static func commitChaincodeDefinition(_ definition: ChaincodeDefinition)
        throws(DefinitionValidationError) -> LifecycleCall<Void> {
        try definition.validate()
        var args = Lifecycle_CommitChaincodeDefinitionArgs()
        args.sequence = definition.sequence
        args.name = definition.name
        args.version = definition.version
        args.endorsementPlugin = definition.endorsementPlugin
        args.validationPlugin = definition.validationPlugin
        args.validationParameter = Data(definition.validationParameter)
        if let collections = definition.wireCollections { args.collections = collections }
        args.initRequired = definition.initRequired
        return LifecycleCall(function: "CommitChaincodeDefinition", argument: args,
                             isChannelScoped: true, isTransaction: true) { _ in () }
    }
}
