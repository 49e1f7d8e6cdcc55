/// A request the server refuses before any handler sees it, with the status it maps to.
/// Messages are stable: tests assert them and clients may show them.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let message: String

    public init(status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status): \(message)" }

    static func bad(_ m: String) -> HTTPParseError { HTTPParseError(status: 400, m) }
    static func uriTooLong(_ limit: Int) -> HTTPParseError {
        HTTPParseError(status: 414, "request line longer than \(limit) bytes")
    }
    static func headersTooLarge(_ m: String) -> HTTPParseError { HTTPParseError(status: 431, m) }
}
