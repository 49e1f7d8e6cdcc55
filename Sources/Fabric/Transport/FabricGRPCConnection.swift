/// The gRPC calls `GRPCFabricTransport` makes, in the shape `GRPCClient.GRPCChannel` provides
/// them (AdminAPI's `GRPCChannelConnection` adapts a channel). A seam, so Fabric does not
/// depend on GRPCClient and the transport is testable alone.
public protocol FabricGRPCConnection: Sendable {
    func unary(path: String, request: [UInt8], timeout: Duration?) async throws -> [UInt8]
    func openBidirectional(path: String, timeout: Duration?) -> any FabricGRPCStream
}

/// A bidirectional call (`GRPCClient.GRPCBidiCall`).
public protocol FabricGRPCStream: Sendable {
    func send(_ message: [UInt8]) async throws
    func finishSending()
    var responses: AsyncThrowingStream<[UInt8], any Error> { get }
    func cancel()
}
