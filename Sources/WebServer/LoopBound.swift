/// Carries a loop-confined object through a `@Sendable` closure that will run on that same loop
/// (`loop.execute`). The value is never touched on another thread; that invariant is why the
/// conformance is unchecked.
struct LoopBound<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
