import FabricProtos
import Foundation
import SwiftProtobuf

/// One `_lifecycle` function call: the two arguments `[function, serialize(<Function>Args)]`
/// (docs/fabric-notes.md §7.1) and a decoder for `serialize(<Function>Result)`.
public struct LifecycleCall<Result: Sendable>: Sendable {
    /// The system chaincode's name.
    public static var chaincodeName: String { "_lifecycle" }

    /// `args[0]`, e.g. `ApproveChaincodeDefinitionForMyOrg`.
    public let function: String
    /// `args[1]`: the serialized `<Function>Args` message.
    public let argument: [UInt8]
    /// Whether the call is made on a channel; install/query-installed are channel-less.
    public let isChannelScoped: Bool
    /// Whether the call must be ordered (approve, commit) rather than only evaluated.
    public let isTransaction: Bool
    private let decoder: @Sendable ([UInt8]) throws -> Result

    init(function: String, argument: some SwiftProtobuf.Message, isChannelScoped: Bool, isTransaction: Bool = false,
         decoder: @escaping @Sendable ([UInt8]) throws -> Result) {
        self.function = function
        self.argument = argument.encodedBytes()
        self.isChannelScoped = isChannelScoped
        self.isTransaction = isTransaction
        self.decoder = decoder
    }

    /// The chaincode invocation; `channelID` is ignored (sent empty) for channel-less calls
    /// and required for the others (`DefinitionValidationError` if empty).
    public func invocation(channelID: String = "") throws(DefinitionValidationError) -> ChaincodeInvocation {
        guard !isChannelScoped || !channelID.isEmpty else {
            throw DefinitionValidationError("\(function) requires a channel name")
        }
        return ChaincodeInvocation(channelID: isChannelScoped ? channelID : "", chaincodeName: Self.chaincodeName,
                                   arguments: [Array(function.utf8), argument])
    }

    /// Decodes `Response.payload` of a successful call. Throws `FabricProtocolError`.
    public func decodeResult(_ payload: [UInt8]) throws -> Result {
        try decoder(payload)
    }
}

/// Decodes a result message, naming the function on failure.
func decodeLifecycleResult<M: SwiftProtobuf.Message>(_ type: M.Type, _ payload: [UInt8], _ function: String) throws -> M {
    try decode(type, payload, "\(function) result")
}
