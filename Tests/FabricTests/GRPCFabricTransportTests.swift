import Fabric
import FabricProtos
import Foundation
import Synchronization
import Testing

/// Records calls; answers unary with a canned ProposalResponse and bidi calls with canned messages.
final class RecordingConnection: FabricGRPCConnection {
    final class Stream: FabricGRPCStream {
        let sent = Mutex<[[UInt8]]>([])
        let finished = Mutex(false)
        let cancelled = Mutex(false)
        let responses: AsyncThrowingStream<[UInt8], any Error>

        init(answers: [[UInt8]]) {
            responses = AsyncThrowingStream { continuation in
                for answer in answers { continuation.yield(answer) }
                continuation.finish()
            }
        }

        func send(_ message: [UInt8]) async throws { sent.withLock { $0.append(message) } }
        func finishSending() { finished.withLock { $0 = true } }
        func cancel() { cancelled.withLock { $0 = true } }
    }

    let paths = Mutex<[String]>([])
    let unaryRequests = Mutex<[[UInt8]]>([])
    let streams = Mutex<[Stream]>([])
    let unaryAnswer: [UInt8]
    let streamAnswers: [[UInt8]]

    init(unaryAnswer: [UInt8] = [], streamAnswers: [[UInt8]] = []) {
        self.unaryAnswer = unaryAnswer
        self.streamAnswers = streamAnswers
    }

    func unary(path: String, request: [UInt8], timeout: Duration?) async throws -> [UInt8] {
        paths.withLock { $0.append(path) }
        unaryRequests.withLock { $0.append(request) }
        return unaryAnswer
    }

    func openBidirectional(path: String, timeout: Duration?) -> any FabricGRPCStream {
        paths.withLock { $0.append(path) }
        let stream = Stream(answers: streamAnswers)
        streams.withLock { $0.append(stream) }
        return stream
    }
}

@Suite(.timeLimit(.minutes(2))) struct GRPCFabricTransportTests {
    static let peer = FabricEndpoint(address: "peer0:7051", mspID: "Org1MSP")

    @Test("endorse sends the SignedProposal bytes to /protos.Endorser/ProcessProposal and decodes the answer")
    func endorse() async throws {
        var answer = Protos_ProposalResponse()
        answer.response.status = 200
        let connection = RecordingConnection(unaryAnswer: try answer.serializedBytes())
        let transport = GRPCFabricTransport { _ in connection }
        var signed = Protos_SignedProposal()
        signed.proposalBytes = Data([1, 2, 3])
        signed.signature = Data([4])
        let response = try await transport.endorse(peer: Self.peer, signed, timeout: .seconds(1))
        #expect(response.response.status == 200)
        #expect(connection.paths.withLock { $0 } == ["/protos.Endorser/ProcessProposal"])
        #expect(connection.unaryRequests.withLock { $0 } == [try signed.serializedBytes()])
    }

    @Test("broadcast sends one envelope, half-closes, returns the first response and cancels the call")
    func broadcast() async throws {
        var answer = Orderer_BroadcastResponse()
        answer.status = .success
        let connection = RecordingConnection(streamAnswers: [try answer.serializedBytes()])
        let transport = GRPCFabricTransport { _ in connection }
        var envelope = Common_Envelope()
        envelope.payload = Data([9])
        let response = try await transport.broadcast(orderer: Self.peer, envelope, timeout: nil)
        #expect(response.status == .success)
        #expect(connection.paths.withLock { $0 } == ["/orderer.AtomicBroadcast/Broadcast"])
        let stream = try #require(connection.streams.withLock { $0.first })
        #expect(stream.sent.withLock { $0 } == [try envelope.serializedBytes()])
        #expect(stream.finished.withLock { $0 } && stream.cancelled.withLock { $0 })
    }

    @Test("an empty broadcast stream is a protocol error; undecodable bytes too")
    func broadcastErrors() async throws {
        let empty = GRPCFabricTransport { _ in RecordingConnection() }
        await #expect(throws: FabricProtocolError("orderer peer0:7051 closed the broadcast stream without a response")) {
            try await empty.broadcast(orderer: Self.peer, Common_Envelope(), timeout: nil)
        }
        let garbage = GRPCFabricTransport { _ in RecordingConnection(unaryAnswer: [0xff]) }
        await #expect(throws: FabricProtocolError.self) {
            try await garbage.endorse(peer: Self.peer, Protos_SignedProposal(), timeout: nil)
        }
    }

    @Test("deliverFiltered sends the seek on /protos.Deliver/DeliverFiltered and yields decoded responses")
    func deliverFiltered() async throws {
        var r1 = Protos_DeliverResponse()
        r1.filteredBlock.number = 4
        var r2 = Protos_DeliverResponse()
        r2.status = .success
        let connection = RecordingConnection(streamAnswers: [try r1.serializedBytes(), try r2.serializedBytes()])
        let transport = GRPCFabricTransport { _ in connection }
        var seek = Common_Envelope()
        seek.payload = Data([7])
        var received: [Protos_DeliverResponse] = []
        for try await response in transport.deliverFiltered(peer: Self.peer, seek) { received.append(response) }
        #expect(received == [r1, r2])
        #expect(connection.paths.withLock { $0 } == ["/protos.Deliver/DeliverFiltered"])
        let stream = try #require(connection.streams.withLock { $0.first })
        #expect(stream.sent.withLock { $0 } == [try seek.serializedBytes()])
        #expect(!stream.finished.withLock { $0 })
    }
}
