/// A task-group child result tagged with its position. A named struct on purpose: Swift 6.3.1
/// at -O has corrupted tuple-typed child results (`(Int, …)`) in this codebase's task groups.
struct Indexed<Value: Sendable>: Sendable {
    let index: Int
    let value: Value
}
