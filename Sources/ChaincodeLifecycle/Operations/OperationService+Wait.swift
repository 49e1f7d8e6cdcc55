import EventLoop
import Foundation
import JSON

extension OperationService {
    /// Long-polling (`GET /operations/{id}?wait=30s[&until=succeeded,failed]`): returns the
    /// operation once it changes (any recorded change: state, a step, the phase), or, with
    /// `until`, once its state is one of those; else when `timeout` ends. Returns at once when
    /// the state already is one of `until`. nil when there is no such operation.
    ///
    /// Holds no thread: the caller's task is suspended on the event hub's stream, which the
    /// operation's own `save` feeds (`events.publish("operation", ...)`), so the answer leaves as
    /// soon as the change is recorded.
    public func wait(_ id: String, timeout: Duration, until: Set<GatewayOperation.State>?) async throws -> GatewayOperation? {
        // Subscribed before the first read: a change recorded in between is not missed.
        let stream = events.subscribe(after: nil)
        guard let current = try await find(id) else { return nil }
        if let until, until.contains(current.state) { return current }
        if current.state == .succeeded || current.state == .failed, until == nil { return current }
        // `updatedAt` has whole seconds: a change is an event whose operation differs from what was read.
        let seen = current.json.encoded()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in stream where event.name == "operation" {
                    guard let change = Self.change(event.data), change.id == id, event.data != seen else { continue }
                    if let until, !until.contains(change.state) { continue }
                    return
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return try await find(id)
    }

    /// Long-polling the list (`GET /operations?wait=30s`): returns at the next recorded change of
    /// any operation of `kind` (any kind when nil) whose new state is one of `until` (any when
    /// nil), or when `timeout` ends.
    public func waitForChange(kind: GatewayOperation.Kind?, timeout: Duration, until: Set<GatewayOperation.State>?) async {
        let stream = events.subscribe(after: nil)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in stream where event.name == "operation" {
                    guard let change = Self.change(event.data) else { continue }
                    if let kind, change.kind != kind { continue }
                    if let until, !until.contains(change.state) { continue }
                    return
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// The ID, kind and state an `operation` event carries (its `json`).
    static func change(_ data: [UInt8]) -> (id: String, kind: GatewayOperation.Kind?, state: GatewayOperation.State)? {
        // The hub's own payload: one that does not parse names no operation to wake for.
        guard case .object(let members)? = try? JSONParser.parse(data) else { return nil }
        var id: String?, kind: GatewayOperation.Kind?, state: GatewayOperation.State?
        for (k, v) in members {
            switch (k, v) {
            case ("id", .string(let s)): id = s
            case ("kind", .string(let s)): kind = GatewayOperation.Kind(rawValue: s)
            case ("state", .string(let s)): state = GatewayOperation.State(rawValue: s)
            default: continue
            }
        }
        guard let id, let state else { return nil }
        return (id, kind, state)
    }
}
