import EventLoop
import Foundation
import JSON

/// One Server-Sent Event: `id`, `event` name (`operation`, `approval`, `commit`), JSON data.
public struct GatewayEvent: Sendable {
    public let id: Int
    public let name: String
    public let data: [UInt8]

    /// The SSE wire form (data is one-line JSON).
    public var wire: [UInt8] {
        Array("id: \(id)\nevent: \(name)\ndata: ".utf8) + data + Array("\n\n".utf8)
    }
}

/// Fan-out of gateway events to SSE subscribers, with an in-memory ring buffer of the last
/// `capacity` events so a client reconnecting with `Last-Event-ID` misses nothing recent.
public final class EventHub: Sendable {
    struct State {
        var nextID = 1
        var ring: [GatewayEvent] = []
        var subscribers: [UUID: AsyncStream<GatewayEvent>.Continuation] = [:]
    }

    /// Events kept for resumption; older ones are gone (a client that far behind reloads).
    public let capacity: Int
    private let state = Locked(State())

    public init(capacity: Int = 1000) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
    }

    /// Records and delivers an event.
    public func publish(_ name: String, _ data: JSONValue) {
        state.withLock { s in
            let event = GatewayEvent(id: s.nextID, name: name, data: data.encoded())
            s.nextID += 1
            s.ring.append(event)
            if s.ring.count > capacity { s.ring.removeFirst(s.ring.count - capacity) }
            for c in s.subscribers.values { c.yield(event) }
        }
    }

    /// Events after `lastEventID` still in the buffer, then live ones, without gap or repeat.
    /// The stream ends when the consumer stops iterating (its termination unsubscribes).
    public func subscribe(after lastEventID: Int?) -> AsyncStream<GatewayEvent> {
        let key = UUID()
        let (stream, continuation) = AsyncStream<GatewayEvent>.makeStream(bufferingPolicy: .bufferingNewest(capacity))
        state.withLock { s in
            if let last = lastEventID { for e in s.ring where e.id > last { continuation.yield(e) } }
            s.subscribers[key] = continuation
        }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { s in s.subscribers[key] = nil } }
        return stream
    }

    var subscriberCount: Int { state.withLock { $0.subscribers.count } }
}
