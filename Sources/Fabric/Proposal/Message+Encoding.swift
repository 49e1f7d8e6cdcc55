import SwiftProtobuf

extension SwiftProtobuf.Message {
    /// Serialized bytes (deterministic map order); encoding a generated message cannot fail.
    func encodedBytes() -> [UInt8] {
        var options = BinaryEncodingOptions()
        options.useDeterministicOrdering = true
        do {
            return try serializedBytes(options: options)
        } catch {
            preconditionFailure("protobuf encoding of \(Self.protoMessageName) failed: \(error)")
        }
    }
}
