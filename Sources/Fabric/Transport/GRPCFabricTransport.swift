import FabricProtos
import Foundation
import SwiftProtobuf

/// `FabricTransport` over gRPC connections (one per endpoint, chosen by `connection(for:)`).
public struct GRPCFabricTransport: FabricTransport {
    /// gRPC method paths (docs/fabric-notes.md §1).
    public enum Path {
        public static let processProposal = "/protos.Endorser/ProcessProposal"
        public static let broadcast = "/orderer.AtomicBroadcast/Broadcast"
        public static let deliver = "/protos.Deliver/Deliver"
        public static let deliverFiltered = "/protos.Deliver/DeliverFiltered"
        public static let discover = "/discovery.Discovery/Discover"
    }

    private let connection: @Sendable (FabricEndpoint) throws -> any FabricGRPCConnection

    /// - Parameter connection: returns the (shared, long-lived) connection for a node.
    public init(connection: @escaping @Sendable (FabricEndpoint) throws -> any FabricGRPCConnection) {
        self.connection = connection
    }

    public func endorse(peer: FabricEndpoint, _ proposal: Protos_SignedProposal, timeout: Duration?) async throws
        -> Protos_ProposalResponse {
        let bytes = try await connection(peer).unary(path: Path.processProposal, request: proposal.encodedBytes(),
                                                     timeout: timeout)
        return try decode(Protos_ProposalResponse.self, bytes, "ProposalResponse from \(peer)")
    }

    public func discover(peer: FabricEndpoint, _ request: Discovery_SignedRequest, timeout: Duration?) async throws
        -> Discovery_Response {
        let bytes = try await connection(peer).unary(path: Path.discover, request: request.encodedBytes(), timeout: timeout)
        return try decode(Discovery_Response.self, bytes, "discovery Response from \(peer)")
    }

    public func broadcast(orderer: FabricEndpoint, _ envelope: Common_Envelope, timeout: Duration?) async throws
        -> Orderer_BroadcastResponse {
        let call = try connection(orderer).openBidirectional(path: Path.broadcast, timeout: timeout)
        defer { call.cancel() }
        try await call.send(envelope.encodedBytes())
        call.finishSending()
        for try await bytes in call.responses {
            return try decode(Orderer_BroadcastResponse.self, bytes, "BroadcastResponse from \(orderer)")
        }
        throw FabricProtocolError("orderer \(orderer) closed the broadcast stream without a response")
    }

    public func deliverFiltered(peer: FabricEndpoint, _ seek: Common_Envelope)
        -> AsyncThrowingStream<Protos_DeliverResponse, any Error> {
        stream(peer: peer, path: Path.deliverFiltered, seek: seek)
    }

    public func deliver(peer: FabricEndpoint, _ seek: Common_Envelope)
        -> AsyncThrowingStream<Protos_DeliverResponse, any Error> {
        stream(peer: peer, path: Path.deliver, seek: seek)
    }

    /// Opens the call, sends the seek (without half-closing: the peer reads the next seek
    /// after `stop`), and decodes responses; ending the stream cancels the call.
    private func stream(peer: FabricEndpoint, path: String, seek: Common_Envelope)
        -> AsyncThrowingStream<Protos_DeliverResponse, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Protos_DeliverResponse.self, throwing: (any Error).self)
        let call: any FabricGRPCStream
        do {
            call = try connection(peer).openBidirectional(path: path, timeout: nil)
        } catch {
            continuation.finish(throwing: error)
            return stream
        }
        let task = Task {
            do {
                try await call.send(seek.encodedBytes())
                for try await bytes in call.responses {
                    continuation.yield(try decode(Protos_DeliverResponse.self, bytes, "DeliverResponse from \(peer)"))
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in
            task.cancel()
            call.cancel()
        }
        return stream
    }
}
