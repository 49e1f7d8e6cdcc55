/// An endorsement/collection policy string that cannot be parsed. Messages follow Fabric's
/// common/policydsl where it has one.
public struct PolicyParseError: Error, CustomStringConvertible, Sendable, Hashable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
