import FabricProtos
import Foundation
import SwiftProtobuf

/// A decoding failure of bytes a peer or orderer sent (malformed or unexpected content).
public struct FabricProtocolError: Error, CustomStringConvertible, Sendable, Hashable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One transaction of a block, decoded as far as clients need.
public struct BlockTransaction: Sendable {
    public var index: Int
    public var transactionID: String
    public var channelID: String
    public var headerType: Int32
    /// From the block's TRANSACTIONS_FILTER metadata (final only in peer-delivered blocks).
    public var validationCode: TxValidationCode
    public var envelope: Common_Envelope
}

extension Common_Block {
    /// TRANSACTIONS_FILTER (metadata index 2): one validation code per transaction.
    public var transactionValidationCodes: [TxValidationCode] {
        let index = Int(Common_BlockMetadataIndex.transactionsFilter.rawValue)
        guard metadata.metadata.count > index else { return [] }
        return metadata.metadata[index].map { TxValidationCode(rawValue: Int32($0)) }
    }

    /// Every envelope of the block with its channel header fields and validation code.
    public func transactions() throws -> [BlockTransaction] {
        let codes = transactionValidationCodes
        return try data.data.enumerated().map { index, bytes in
            let envelope = try decode(Common_Envelope.self, bytes, "block \(header.number) envelope \(index)")
            let payload = try decode(Common_Payload.self, envelope.payload, "block \(header.number) payload \(index)")
            let chdr = try decode(Common_ChannelHeader.self, payload.header.channelHeader,
                                  "block \(header.number) channel header \(index)")
            return BlockTransaction(index: index, transactionID: chdr.txID, channelID: chdr.channelID,
                                    headerType: chdr.type,
                                    validationCode: index < codes.count ? codes[index] : .notValidated,
                                    envelope: envelope)
        }
    }
}

/// Decodes `bytes` as `M`, naming `what` in the error.
func decode<M: SwiftProtobuf.Message>(_ type: M.Type, _ bytes: Data, _ what: String) throws(FabricProtocolError) -> M {
    do {
        return try M(serializedBytes: bytes)
    } catch {
        throw FabricProtocolError("cannot decode \(what) as \(M.protoMessageName): \(error)")
    }
}

func decode<M: SwiftProtobuf.Message>(_ type: M.Type, _ bytes: [UInt8], _ what: String) throws(FabricProtocolError) -> M {
    try decode(type, Data(bytes), what)
}
