import Fabric
import FabricProtos
import Foundation
import Testing
import TLSCrypto

@Suite struct LifecycleTests {
    @Test("approve args without a package match the fabric-notes §14 vector")
    func approveVector() throws {
        let call = try Lifecycle.approveChaincodeDefinitionForMyOrg(
            ChaincodeDefinition(name: "basic", version: "1.0", sequence: 1), packageID: nil)
        #expect(call.function == "ApproveChaincodeDefinitionForMyOrg")
        #expect(call.argument.hexString == "0801120562617369631a03312e304a020a00")
        #expect(call.isTransaction && call.isChannelScoped)
        let invocation = try call.invocation(channelID: "mychannel")
        #expect(invocation.chaincodeName == "_lifecycle")
        #expect(invocation.arguments == [Array("ApproveChaincodeDefinitionForMyOrg".utf8), call.argument])
    }

    @Test("approve with a package ID, policy, collections and init flag round-trips through the args")
    func approveFull() throws {
        let policy = try EndorsementPolicy.signaturePolicy(dsl: "OR('Org1MSP.peer','Org2MSP.peer')")
        let collections = try CollectionsConfig.parse(json: Array(#"[{"name":"c1","policy":"OR('Org1MSP.member')"}]"#.utf8))
        let definition = ChaincodeDefinition(name: "basic", version: "1.0", sequence: 2,
                                             validationParameter: policy.applicationPolicyBytes,
                                             collections: collections, initRequired: true)
        let call = try Lifecycle.approveChaincodeDefinitionForMyOrg(definition, packageID: "basic_1:abc")
        let args = try Lifecycle_ApproveChaincodeDefinitionForMyOrgArgs(serializedBytes: call.argument)
        #expect(args.sequence == 2 && args.initRequired)
        #expect(args.source.localPackage.packageID == "basic_1:abc")
        #expect(Array(args.validationParameter) == policy.applicationPolicyBytes)
        #expect(args.collections.config.first?.staticCollectionConfig.name == "c1")
        let commit = try Lifecycle.commitChaincodeDefinition(definition)
        let commitArgs = try Lifecycle_CommitChaincodeDefinitionArgs(serializedBytes: commit.argument)
        #expect(commitArgs.name == "basic" && commitArgs.hasCollections && commitArgs.initRequired)
        let ready = try Lifecycle.checkCommitReadiness(definition)
        #expect(ready.argument == commit.argument)  // identical layout (docs/fabric-notes.md §7.3)
    }

    @Test("channel-less calls send an empty channel whatever is passed; channel calls need one")
    func channelLess() throws {
        let install = Lifecycle.installChaincode(package: [1, 2, 3])
        #expect(!install.isChannelScoped && !install.isTransaction)
        #expect(try install.invocation(channelID: "ignored").channelID == "")
        #expect(install.argument == [0x0a, 0x03, 1, 2, 3])
        #expect(try Lifecycle.queryInstalledChaincodes().invocation().channelID == "")
        #expect(throws: DefinitionValidationError("QueryChaincodeDefinitions requires a channel name")) {
            try Lifecycle.queryChaincodeDefinitions().invocation(channelID: "")
        }
        #expect(Lifecycle.getInstalledChaincodePackage(packageID: "x").function == "GetInstalledChaincodePackage")
    }

    @Test("results decode into Swift values")
    func decoders() throws {
        var installed = Lifecycle_QueryInstalledChaincodesResult()
        var entry = Lifecycle_QueryInstalledChaincodesResult.InstalledChaincode()
        entry.packageID = "basic_1:aa"
        entry.label = "basic_1"
        var refs = Lifecycle_QueryInstalledChaincodesResult.References()
        var cc = Lifecycle_QueryInstalledChaincodesResult.Chaincode()
        cc.name = "basic"
        cc.version = "1.0"
        refs.chaincodes = [cc]
        entry.references = ["mychannel": refs]
        installed.installedChaincodes = [entry]
        let list = try Lifecycle.queryInstalledChaincodes().decodeResult(try installed.serializedBytes())
        #expect(list == [InstalledChaincode(packageID: "basic_1:aa", label: "basic_1",
                                            references: ["mychannel": [ChaincodeReference(name: "basic", version: "1.0")]])])

        var approved = Lifecycle_QueryApprovedChaincodeDefinitionResult()
        approved.sequence = 3
        approved.version = "2.0"
        approved.source.localPackage.packageID = "basic_2:bb"
        let a = try Lifecycle.queryApprovedChaincodeDefinition(name: "basic").decodeResult(try approved.serializedBytes())
        #expect(a.packageID == "basic_2:bb" && a.definition.sequence == 3 && a.definition.name == "basic")

        var readiness = Lifecycle_CheckCommitReadinessResult()
        readiness.approvals = ["Org1MSP": true, "Org2MSP": false]
        let def = ChaincodeDefinition(name: "basic", version: "1.0", sequence: 1)
        #expect(try Lifecycle.checkCommitReadiness(def).decodeResult(try readiness.serializedBytes())
            == ["Org1MSP": true, "Org2MSP": false])

        var committed = Lifecycle_QueryChaincodeDefinitionsResult()
        var d1 = Lifecycle_QueryChaincodeDefinitionsResult.ChaincodeDefinition()
        d1.name = "zeta"; d1.sequence = 1; d1.version = "1"
        var d2 = d1
        d2.name = "alpha"
        committed.chaincodeDefinitions = [d1, d2]
        #expect(try Lifecycle.queryChaincodeDefinitions().decodeResult(try committed.serializedBytes()).map(\.name)
            == ["alpha", "zeta"])
        #expect(throws: FabricProtocolError.self) {
            try Lifecycle.queryChaincodeDefinition(name: "x").decodeResult([0xff, 0xff])
        }
    }

    @Test("definition input is validated like the peer does", arguments: [
        (ChaincodeDefinition(name: "_bad", version: "1", sequence: 1),
         "error validating chaincode definition: invalid chaincode name '_bad'. Names can only consist of alphanumerics, '_', and '-' and can only begin with alphanumerics"),
        (ChaincodeDefinition(name: "a--b", version: "1", sequence: 1),
         "error validating chaincode definition: invalid chaincode name 'a--b'. Names can only consist of alphanumerics, '_', and '-' and can only begin with alphanumerics"),
        (ChaincodeDefinition(name: "qscc", version: "1", sequence: 1),
         "error validating chaincode definition: chaincode name 'qscc' is the name of a system chaincode"),
        (ChaincodeDefinition(name: "cc", version: "1 0", sequence: 1),
         "error validating chaincode definition: invalid chaincode version '1 0'. Versions can only consist of alphanumerics, '_', '-', '+', and '.'"),
        (ChaincodeDefinition(name: "cc", version: "1", sequence: 0),
         "error validating chaincode definition: sequence must be at least 1, got 0"),
    ])
    func validation(definition: ChaincodeDefinition, message: String) {
        #expect(throws: DefinitionValidationError(message)) { try definition.validate() }
        #expect(throws: DefinitionValidationError(message)) {
            try Lifecycle.approveChaincodeDefinitionForMyOrg(definition, packageID: nil)
        }
    }

    @Test("valid names and versions pass", arguments: ["basic", "a-b_c", "A1", "x9-y"])
    func validNames(name: String) throws {
        try ChaincodeDefinition(name: name, version: "1.0+build_2-rc.1", sequence: 7).validate()
    }

    @Test("collection checks: name, duplicates, counts, OR-only member policy")
    func collectionValidation() throws {
        func check(_ json: String) throws {
            let c = try CollectionsConfig.parse(json: Array(json.utf8))
            try ChaincodeDefinition(name: "cc", version: "1", sequence: 1, collections: c).validate()
        }
        let p = "error validating chaincode definition: "
        #expect(throws: DefinitionValidationError(p + "invalid collection name '_c'. Names can only consist of alphanumerics, '_', and '-' and cannot begin with '_'")) {
            try check(#"[{"name":"_c","policy":"OR('A.member')"}]"#)
        }
        #expect(throws: DefinitionValidationError(p + "collection-name: c -- found duplicate in collection configuration")) {
            try check(#"[{"name":"c","policy":"OR('A.member')"},{"name":"c","policy":"OR('A.member')"}]"#)
        }
        #expect(throws: DefinitionValidationError(p + "collection-name: c -- maximum peer count (1) cannot be less than the required peer count (2)")) {
            try check(#"[{"name":"c","policy":"OR('A.member')","requiredPeerCount":2}]"#)
        }
        #expect(throws: DefinitionValidationError(p + "collection-name: c -- requiredPeerCount (-1) cannot be less than zero")) {
            try check(#"[{"name":"c","policy":"OR('A.member')","requiredPeerCount":-1}]"#)
        }
        #expect(throws: DefinitionValidationError(p + "collection-name: c -- error in member org policy: signature policy is not an OR concatenation, NOutOf 2")) {
            try check(#"[{"name":"c","policy":"AND('A.member','B.member')"}]"#)
        }
        try check(#"[{"name":"c-1_x","policy":"OR('A.member', OR('B.member'))"}]"#)
    }
}
