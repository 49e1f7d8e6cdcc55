extension Array where Element == UInt8 {
    /// Bytes from a string of hex digit pairs ("00ff…"). A malformed string is a test bug.
    public init(hex: String) {
        let chars = Array<UInt8>(hex.utf8)
        precondition(chars.count % 2 == 0, "odd-length hex string")
        self = stride(from: 0, to: chars.count, by: 2).map {
            UInt8(String(decoding: chars[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
    }
}
