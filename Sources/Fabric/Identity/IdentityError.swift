/// Failure to load or use a client identity (files, certificates, keys).
/// Messages name the file involved, never key contents.
public struct IdentityError: Error, CustomStringConvertible, Sendable, Hashable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
