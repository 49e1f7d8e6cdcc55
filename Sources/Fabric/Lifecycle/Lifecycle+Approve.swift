import FabricProtos
import Foundation

extension Lifecycle {
    /// `ApproveChaincodeDefinitionForMyOrg` (a transaction; endorse on own-org peers only).
    /// An empty or nil `packageID` approves without a package (`unavailable`), as the CLI does.
    /// Throws `DefinitionValidationError` for input the peer would reject.
    public static func approveChaincodeDefinitionForMyOrg(
        _ definition: ChaincodeDefinition, packageID: String?
    ) throws(DefinitionValidationError) -> LifecycleCall<Void> {
        try definition.validate()
        var args = Lifecycle_ApproveChaincodeDefinitionForMyOrgArgs(definition)
        if let packageID, !packageID.isEmpty {
            args.source.localPackage.packageID = packageID
        } else {
            args.source.unavailable = Lifecycle_ChaincodeSource.Unavailable()
        }
        return LifecycleCall(function: "ApproveChaincodeDefinitionForMyOrg", argument: args,
                             isChannelScoped: true, isTransaction: true) { _ in () }
    }

    /// `QueryApprovedChaincodeDefinition`; `sequence` 0 means "the latest" (docs/fabric-notes.md §9.4).
    public static func queryApprovedChaincodeDefinition(name: String, sequence: Int64 = 0)
        -> LifecycleCall<ApprovedChaincodeDefinition> {
        var args = Lifecycle_QueryApprovedChaincodeDefinitionArgs()
        args.name = name
        args.sequence = sequence
        return LifecycleCall(function: "QueryApprovedChaincodeDefinition", argument: args, isChannelScoped: true) { payload in
            let r = try decodeLifecycleResult(Lifecycle_QueryApprovedChaincodeDefinitionResult.self, payload,
                                              "QueryApprovedChaincodeDefinition")
            let definition = ChaincodeDefinition(
                name: name, sequence: r.sequence, version: r.version, endorsementPlugin: r.endorsementPlugin,
                validationPlugin: r.validationPlugin, validationParameter: r.validationParameter,
                collections: r.hasCollections ? r.collections : nil, initRequired: r.initRequired)
            var packageID: String?
            if case .localPackage(let local)? = r.source.type, !local.packageID.isEmpty { packageID = local.packageID }
            return ApprovedChaincodeDefinition(definition: definition, packageID: packageID)
        }
    }
}
