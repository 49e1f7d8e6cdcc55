import Fabric
import GRPCClient

/// Adapts `GRPCChannel` to Fabric's transport seam. (Fabric's own adapter is still behind
/// `#if FABRIC_GRPC_CLIENT_MERGED`; a wrapper, unlike a second conformance, cannot clash with
/// it once that flag goes.)
struct GRPCChannelConnection: FabricGRPCConnection {
    let channel: GRPCChannel

    func unary(path: String, request: [UInt8], timeout: Duration?) async throws -> [UInt8] {
        try await channel.unary(path: path, request: request, timeout: timeout)
    }

    func openBidirectional(path: String, timeout: Duration?) -> any FabricGRPCStream {
        BidiStream(call: channel.bidirectional(path: path, timeout: timeout))
    }

    struct BidiStream: FabricGRPCStream {
        let call: GRPCBidiCall
        func send(_ message: [UInt8]) async throws { try await call.send(message) }
        func finishSending() { call.finishSending() }
        var responses: AsyncThrowingStream<[UInt8], any Error> { call.responses }
        func cancel() { call.cancel() }
    }
}
