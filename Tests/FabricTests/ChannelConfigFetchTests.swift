import Fabric
import FabricProtos
import Foundation
import Synchronization
import Testing

/// Serves blocks on Deliver: the newest (7) points at config block 5.
final class BlockServer: FabricTransport {
    let requested = Mutex<[String]>([])
    let blocks: [UInt64: Common_Block]
    let newest: UInt64

    init(blocks: [UInt64: Common_Block], newest: UInt64) {
        self.blocks = blocks
        self.newest = newest
    }

    func deliver(peer: FabricEndpoint, _ seek: Common_Envelope) -> AsyncThrowingStream<Protos_DeliverResponse, any Error> {
        AsyncThrowingStream { continuation in
            do {
                let payload = try Common_Payload(serializedBytes: seek.payload)
                let info = try Orderer_SeekInfo(serializedBytes: payload.data)
                let number: UInt64
                switch info.start.type {
                case .newest?: number = newest
                case .specified(let s)?: number = s.number
                default: number = 0
                }
                requested.withLock { $0.append("\(number)") }
                var response = Protos_DeliverResponse()
                if let block = blocks[number] { response.block = block } else { response.status = .notFound }
                continuation.yield(response)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }

    func endorse(peer: FabricEndpoint, _ proposal: Protos_SignedProposal, timeout: Duration?) async throws -> Protos_ProposalResponse {
        Protos_ProposalResponse()
    }

    func broadcast(orderer: FabricEndpoint, _ envelope: Common_Envelope, timeout: Duration?) async throws -> Orderer_BroadcastResponse {
        Orderer_BroadcastResponse()
    }

    func deliverFiltered(peer: FabricEndpoint, _ seek: Common_Envelope) -> AsyncThrowingStream<Protos_DeliverResponse, any Error> {
        AsyncThrowingStream { $0.finish() }
    }
}

@Suite(.timeLimit(.minutes(2))) struct ChannelConfigFetchTests {
    static func newestBlock(pointingAt index: UInt64) throws -> Common_Block {
        var orderer = Common_OrdererBlockMetadata()
        orderer.lastConfig.index = index
        var meta = Common_Metadata()
        meta.value = try orderer.serializedBytes()
        var block = Common_Block()
        block.header.number = 7
        block.metadata.metadata = [try meta.serializedBytes(), Data(), Data(), Data()]
        return block
    }

    @Test("channel configuration = newest block -> last config index -> config block")
    func fetch() async throws {
        let server = BlockServer(blocks: [7: try Self.newestBlock(pointingAt: 5), 5: try ChannelConfigurationTests.configBlock()],
                                 newest: 7)
        let client = FabricClient(transport: server, signer: try FabricFixtures.admin())
        let peer = FabricEndpoint(address: "peer0:7051", mspID: "Org1MSP")
        let config = try await client.channelConfiguration(channelID: "mychannel", from: peer)
        #expect(config.mspIDs == ["Org1MSP", "Org2MSP"])
        #expect(server.requested.withLock { $0 } == ["7", "5"])
        let missing = BlockServer(blocks: [:], newest: 3)
        let error = await #expect(throws: DeliverStatusError.self) {
            try await FabricClient(transport: missing, signer: try FabricFixtures.admin())
                .fetchBlock(channelID: "mychannel", position: .newest, from: peer)
        }
        #expect(error?.description == "peer peer0:7051 answered the block request for channel 'mychannel' with status NOT_FOUND")
        #expect(error?.isChannelNotFound == true, "NOT_FOUND to the newest block: the channel is unknown there")
        let beyond = DeliverStatusError(channelID: "mychannel", peer: "peer0:7051", status: .notFound, position: .specified(9))
        #expect(!beyond.isChannelNotFound, "NOT_FOUND to a specified block may be a block beyond the height")
    }

    @Test("the legacy LAST_CONFIG metadata entry is used when SIGNATURES has none")
    func legacyIndex() throws {
        var last = Common_LastConfig()
        last.index = 3
        var meta = Common_Metadata()
        meta.value = try last.serializedBytes()
        var block = Common_Block()
        block.metadata.metadata = [Data(), try meta.serializedBytes()]
        #expect(try block.lastConfigIndex() == 3)
        // No metadata at all (configtxgen's genesis block): 0, as Go's protoutil returns.
        #expect(try Common_Block().lastConfigIndex() == 0)
    }
}

@Suite(.timeLimit(.minutes(2))) struct GenesisConfigFetchTests {
    @Test("a newest block that is itself a config block is used directly")
    func genesis() async throws {
        var genesis = try ChannelConfigurationTests.configBlock()
        genesis.header.number = 0
        let server = BlockServer(blocks: [0: genesis], newest: 0)
        let client = FabricClient(transport: server, signer: try FabricFixtures.admin())
        let config = try await client.channelConfiguration(channelID: "mychannel",
                                                           from: FabricEndpoint(address: "p:1", mspID: "Org1MSP"))
        #expect(config.mspIDs == ["Org1MSP", "Org2MSP"])
        #expect(server.requested.withLock { $0 } == ["0"])
    }
}
