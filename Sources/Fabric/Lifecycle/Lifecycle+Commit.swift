import FabricProtos
import Foundation

extension Lifecycle {
    /// `CheckCommitReadiness`: MSP ID -> whether that org approved exactly this definition.
    public static func checkCommitReadiness(_ definition: ChaincodeDefinition)
        throws(DefinitionValidationError) -> LifecycleCall<[String: Bool]> {
        try definition.validate()
        let args = Lifecycle_CheckCommitReadinessArgs(definition)
        return LifecycleCall(function: "CheckCommitReadiness", argument: args, isChannelScoped: true) { payload in
            try decodeLifecycleResult(Lifecycle_CheckCommitReadinessResult.self, payload, "CheckCommitReadiness").approvals
        }
    }

    /// `CommitChaincodeDefinition` (a transaction; endorse on peers of enough approving orgs
    /// to satisfy `/Channel/Application/LifecycleEndorsement`).
    public static func commitChaincodeDefinition(_ definition: ChaincodeDefinition)
        throws(DefinitionValidationError) -> LifecycleCall<Void> {
        try definition.validate()
        let args = Lifecycle_CommitChaincodeDefinitionArgs(definition)
        return LifecycleCall(function: "CommitChaincodeDefinition", argument: args,
                             isChannelScoped: true, isTransaction: true) { _ in () }
    }
}
