// The tests' adapter from GRPCClient's channel to Fabric's transport seam (the gateway's own,
// with metrics, is AdminAPI's GRPCChannelConnection).
import Fabric
import GRPCClient

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
