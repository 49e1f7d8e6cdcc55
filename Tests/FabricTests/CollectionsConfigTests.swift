import Fabric
import FabricProtos
import Testing

@Suite struct CollectionsConfigTests {
    @Test("converts the peer CLI JSON with defaults and endorsement policies")
    func convert() throws {
        let json = """
        [
          {"name": "assetCollection", "policy": "OR('Org1MSP.member', 'Org2MSP.member')",
           "requiredPeerCount": 1, "maxPeerCount": 3, "blockToLive": 1000000,
           "memberOnlyRead": true, "memberOnlyWrite": true,
           "endorsementPolicy": {"signaturePolicy": "OR('Org1MSP.peer')"}},
          {"Name": "Org1MSPPrivateCollection", "Policy": "OR('Org1MSP.member')",
           "endorsementPolicy": {"channelConfigPolicy": "/Channel/Application/Org1MSP/Endorsement"}},
          {"name": "plain", "policy": "OR('Org2MSP.member')", "unknownKey": 5}
        ]
        """
        let package = try CollectionsConfig.parse(json: Array(json.utf8))
        let c = package.config.map(\.staticCollectionConfig)
        #expect(c.map(\.name) == ["assetCollection", "Org1MSPPrivateCollection", "plain"])
        #expect(c[0].requiredPeerCount == 1 && c[0].maximumPeerCount == 3 && c[0].blockToLive == 1_000_000)
        #expect(c[0].memberOnlyRead && c[0].memberOnlyWrite)
        #expect(c[0].memberOrgsPolicy.signaturePolicy == (try SignaturePolicyParser.parse("OR('Org1MSP.member', 'Org2MSP.member')")))
        #expect(c[0].endorsementPolicy.signaturePolicy == (try SignaturePolicyParser.parse("OR('Org1MSP.peer')")))
        #expect(c[1].requiredPeerCount == 0 && c[1].maximumPeerCount == 1 && !c[1].memberOnlyRead)
        #expect(c[1].endorsementPolicy.channelConfigPolicyReference == "/Channel/Application/Org1MSP/Endorsement")
        #expect(!c[2].hasEndorsementPolicy)
    }

    @Test("errors name the problem", arguments: [
        (#"{"name": "x"}"#, "could not parse the collection configuration: expected a JSON array of objects"),
        (#"[{"name": "x", "policy": "XOR('A.member')"}]"#, "invalid policy XOR('A.member'): unrecognized token 'XOR' in policy string"),
        (#"[{"name": "x", "policy": "OR('A.member')", "maxPeerCount": "3"}]"#,
         "could not parse the collection configuration: 'maxPeerCount' must be a 32-bit integer"),
        (#"[{"name": "x", "policy": "OR('A.member')", "endorsementPolicy": {"signaturePolicy": "OR('A.peer')", "channelConfigPolicy": "/C"}}]"#,
         "invalid endorsement policy for collection 'x': cannot specify both \"--signature-policy\" and \"--channel-config-policy\""),
        ("[1]", "could not parse the collection configuration: item 0 is not an object"),
    ])
    func errors(json: String, message: String) {
        #expect(throws: DefinitionValidationError(message)) { try CollectionsConfig.parse(json: Array(json.utf8)) }
    }
}
