import Foundation

/// RFC 3339 UTC timestamps, the one format stored and returned.
public enum Timestamp {
    public static func now() -> String { format(Date()) }

    public static func format(_ d: Date) -> String {
        d.formatted(.iso8601)
    }

    public static func parse(_ s: String) -> Date? {
        // nil is the answer for text that is not an RFC 3339 time; callers say which field.
        try? Date(s, strategy: .iso8601)
    }
}
