/// A task-group child result tagged with its position. A named struct on purpose: Swift 6.3.1
/// at -O has corrupted tuple-typed child results (`(Int, …)`) in this codebase's task groups.
public struct Indexed<Value: Sendable>: Sendable {
    public let index: Int
    public let value: Value

    public init(index: Int, value: Value) {
        self.index = index
        self.value = value
    }
}

/// The same, tagged with a key (an organization, a peer).
public struct Keyed<Value: Sendable>: Sendable {
    public let key: String
    public let value: Value

    public init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
    }
}
