import Fabric
import FabricProtos
import Foundation
import Testing

@Suite struct ChannelConfigurationTests {
    static func value(_ bytes: Data) -> Common_ConfigValue {
        var v = Common_ConfigValue()
        v.value = bytes
        return v
    }

    static func mspGroup(_ mspID: String) throws -> Common_ConfigGroup {
        var fabric = Msp_FabricMSPConfig()
        fabric.name = mspID
        var msp = Msp_MSPConfig()
        msp.config = try fabric.serializedBytes()
        var group = Common_ConfigGroup()
        group.values["MSP"] = value(try msp.serializedBytes())
        return group
    }

    static func implicitMeta(_ rule: Common_ImplicitMetaPolicy.Rule, _ sub: String) throws -> Common_ConfigPolicy {
        var meta = Common_ImplicitMetaPolicy()
        meta.rule = rule
        meta.subPolicy = sub
        var policy = Common_ConfigPolicy()
        policy.policy.type = 3
        policy.policy.value = try meta.serializedBytes()
        return policy
    }

    static func configBlock() throws -> Common_Block {
        var org1 = try mspGroup("Org1MSP")
        var sig = Common_ConfigPolicy()
        sig.policy.type = 1
        sig.policy.value = try SignaturePolicyParser.parse("OR('Org1MSP.peer')").serializedBytes()
        org1.policies["Endorsement"] = sig
        var anchors = Protos_AnchorPeers()
        var anchor = Protos_AnchorPeer()
        anchor.host = "peer0.org1.example.com"
        anchor.port = 7051
        anchors.anchorPeers = [anchor]
        org1.values["AnchorPeers"] = value(try anchors.serializedBytes())
        var application = Common_ConfigGroup()
        application.groups = ["Org2": try mspGroup("Org2MSP"), "Org1": org1]
        application.policies["LifecycleEndorsement"] = try implicitMeta(.majority, "Endorsement")
        application.policies["Endorsement"] = try implicitMeta(.any, "Endorsement")
        var caps = Common_Capabilities()
        caps.capabilities = ["V2_0": Common_Capability()]
        application.values["Capabilities"] = value(try caps.serializedBytes())
        var ordererOrg = try mspGroup("OrdererMSP")
        var addresses = Common_OrdererAddresses()
        addresses.addresses = ["orderer.example.com:7050"]
        ordererOrg.values["Endpoints"] = value(try addresses.serializedBytes())
        var orderer = Common_ConfigGroup()
        orderer.groups = ["OrdererOrg": ordererOrg]
        var config = Common_ConfigEnvelope()
        config.config.sequence = 3
        config.config.channelGroup.groups = ["Application": application, "Orderer": orderer]
        var chdr = Common_ChannelHeader()
        chdr.type = 1
        chdr.channelID = "mychannel"
        var payload = Common_Payload()
        payload.header.channelHeader = try chdr.serializedBytes()
        payload.data = try config.serializedBytes()
        var envelope = Common_Envelope()
        envelope.payload = try payload.serializedBytes()
        var block = Common_Block()
        block.header.number = 5
        block.data.data = [try envelope.serializedBytes()]
        return block
    }

    @Test("reads orgs, lifecycle/endorsement policies, capabilities and orderer endpoints from a config block")
    func read() throws {
        let config = try ChannelConfiguration(configBlock: Self.configBlock())
        #expect(config.channelID == "mychannel" && config.sequence == 3)
        #expect(config.mspIDs == ["Org1MSP", "Org2MSP"])
        #expect(config.applicationOrganizations[0].name == "Org1")
        #expect(config.applicationOrganizations[0].anchorPeers == ["peer0.org1.example.com:7051"])
        #expect(config.applicationOrganizations[0].endorsementPolicy?.description == "OR('Org1MSP.peer')")
        #expect(config.applicationOrganizations[1].endorsementPolicy == nil)
        #expect(config.lifecycleEndorsementPolicy == .implicitMeta(rule: .majority, subPolicy: "Endorsement"))
        #expect(config.lifecycleEndorsementPolicy?.description == "MAJORITY Endorsement")
        #expect(config.lifecycleEndorsingOrganizationCount == 2)
        #expect(config.endorsementPolicy?.description == "ANY Endorsement")
        #expect(config.applicationCapabilities == ["V2_0"])
        #expect(config.ordererEndpoints == ["OrdererMSP": ["orderer.example.com:7050"]])
    }

    @Test("a non-config block is rejected")
    func notConfig() throws {
        var block = try Self.configBlock()
        var envelope = try Common_Envelope(serializedBytes: block.data.data[0])
        var payload = try Common_Payload(serializedBytes: envelope.payload)
        var chdr = try Common_ChannelHeader(serializedBytes: payload.header.channelHeader)
        chdr.type = 3
        payload.header.channelHeader = try chdr.serializedBytes()
        envelope.payload = try payload.serializedBytes()
        block.data.data = [try envelope.serializedBytes()]
        #expect(throws: FabricProtocolError("block 5 is not a config block (header type 3)")) {
            try ChannelConfiguration(configBlock: block)
        }
    }
}
