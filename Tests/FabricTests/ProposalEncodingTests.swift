import Fabric
import FabricProtos
import Foundation
import SwiftProtobuf
import Testing

/// `Proposal` writes its messages with `ProtoWriter`; these tests hold its bytes to the ones
/// SwiftProtobuf's generated messages produce for the same content (what the proposal was built
/// with before), over arguments and names that exercise every length and varint width.
@Suite struct ProposalEncodingTests {
    /// The proposal as SwiftProtobuf builds it (the previous implementation, kept as the reference).
    static func reference(_ invocation: ChaincodeInvocation, creator: [UInt8], nonce: [UInt8], txID: String,
                          timestamp: Date) throws -> [UInt8] {
        var ext = Protos_ChaincodeHeaderExtension()
        ext.chaincodeID.name = invocation.chaincodeName
        var chdr = Common_ChannelHeader()
        chdr.type = Int32(Common_HeaderType.endorserTransaction.rawValue)
        chdr.timestamp = Google_Protobuf_Timestamp(date: timestamp)
        chdr.channelID = invocation.channelID
        chdr.txID = txID
        chdr.extension = try ext.serializedData()
        var shdr = Common_SignatureHeader()
        shdr.creator = Data(creator)
        shdr.nonce = Data(nonce)
        var spec = Protos_ChaincodeInvocationSpec()
        spec.chaincodeSpec.chaincodeID.name = invocation.chaincodeName
        spec.chaincodeSpec.input.args = invocation.arguments.map { Data($0) }
        spec.chaincodeSpec.input.isInit = invocation.isInit
        var payload = Protos_ChaincodeProposalPayload()
        payload.input = try spec.serializedData()
        payload.transientMap = invocation.transientData.mapValues { Data($0) }
        var header = Common_Header()
        header.channelHeader = try chdr.serializedData()
        header.signatureHeader = try shdr.serializedData()
        var proposal = Protos_Proposal()
        proposal.header = try header.serializedData()
        proposal.payload = try payload.serializedData()
        return try proposal.serializedBytes()
    }

    static let invocations: [ChaincodeInvocation] = {
        var cases: [ChaincodeInvocation] = [
            ChaincodeInvocation(channelID: "mychannel", chaincodeName: "basic", function: "ReadAsset", stringArguments: ["asset1"]),
            // No arguments at all, then empty arguments (repeated elements are written even when empty).
            ChaincodeInvocation(channelID: "c", chaincodeName: "n", arguments: []),
            ChaincodeInvocation(channelID: "c", chaincodeName: "n", arguments: [[], [], [0]]),
            ChaincodeInvocation(channelID: "ch", chaincodeName: "cc", function: "Init", stringArguments: [], isInit: true),
            // Non-ASCII names; arguments at the 1- and 2-byte varint length boundaries and beyond.
            ChaincodeInvocation(channelID: "kanal-ø", chaincodeName: "资产",
                                arguments: [Array("Put".utf8), Array(repeating: 1, count: 127), Array(repeating: 2, count: 128),
                                            Array(repeating: 3, count: 16_383), Array(repeating: 4, count: 16_384),
                                            Array(repeating: 5, count: 300_000)]),
            // One transient entry (two or more are compared decoded: map order is unspecified).
            ChaincodeInvocation(channelID: "c", chaincodeName: "n", function: "f", stringArguments: ["x"],
                                transientData: ["k": [9, 9]]),
            ChaincodeInvocation(channelID: "c", chaincodeName: "n", function: "f", stringArguments: [],
                                transientData: ["": []]),
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let args = (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                (0..<Int.random(in: 0...400, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            }
            cases.append(ChaincodeInvocation(channelID: "ch\(Int.random(in: 0...999))", chaincodeName: "cc\(Int.random(in: 0...99))",
                                             arguments: args, isInit: Bool.random(using: &generator)))
        }
        return cases
    }()

    @Test("proposal bytes are identical to SwiftProtobuf's for the same content")
    func identicalToSwiftProtobuf() throws {
        let identity = try FabricFixtures.admin().identity
        let creator = identity.serialized
        for (i, invocation) in Self.invocations.enumerated() {
            let nonce = (0..<24).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) }
            // Whole seconds, fractions, and a timestamp before 1970 (negative seconds: ten-byte varint).
            let when = Date(timeIntervalSince1970: [1_700_000_000, 1_700_000_000.123456789, -12_345.5][i % 3])
            let proposal = Proposal(invocation, creator: identity, nonce: nonce, timestamp: when)
            let expected = try Self.reference(invocation, creator: creator, nonce: nonce, txID: proposal.transactionID, timestamp: when)
            #expect(proposal.bytes == expected, "case \(i): \(invocation.chaincodeName) with \(invocation.arguments.count) arguments")
        }
    }

    @Test("transient maps with several entries decode to the same payload, keys in sorted order")
    func transientMaps() throws {
        let identity = try FabricFixtures.admin().identity
        let creator = identity.serialized
        let transient: [String: [UInt8]] = ["zeta": [1], "alpha": [], "mid": Array(repeating: 7, count: 200), "ключ": [3]]
        let invocation = ChaincodeInvocation(channelID: "c", chaincodeName: "n", function: "f", stringArguments: ["a"],
                                             transientData: transient)
        let when = Date(timeIntervalSince1970: 1_700_000_000)
        let proposal = Proposal(invocation, creator: identity, nonce: Array(repeating: 1, count: 24), timestamp: when)
        let ours = try Protos_Proposal(serializedBytes: proposal.bytes)
        let theirs = try Protos_Proposal(serializedBytes: try Self.reference(invocation, creator: creator, nonce: Array(repeating: 1, count: 24),
                                                                              txID: proposal.transactionID, timestamp: when))
        #expect(ours.header == theirs.header)
        let payload = try Protos_ChaincodeProposalPayload(serializedBytes: ours.payload)
        #expect(payload == (try Protos_ChaincodeProposalPayload(serializedBytes: theirs.payload)))
        #expect(payload.transientMap.mapValues { Array($0) } == transient)
        // Entries are written in key order, so the same content always signs the same bytes.
        let again = Proposal(invocation, creator: identity, nonce: Array(repeating: 1, count: 24), timestamp: when)
        #expect(again.bytes == proposal.bytes)
    }
}
