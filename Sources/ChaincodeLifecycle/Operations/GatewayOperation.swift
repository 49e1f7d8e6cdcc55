import Foundation
import JSON
import Store

/// An asynchronous or recorded gateway action (install, approve, commit, submit) and its
/// per-target steps, as stored in `operations` and returned by `/operations`.
public struct GatewayOperation: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case install, approve, commit, submit, deployment }
    public enum State: String, Sendable, Codable { case queued, running, succeeded, failed }

    public struct Step: Sendable, Codable, Equatable {
        public var name: String
        public var target: String
        public var state: State
        public var message: String
        public var detail: String?
    }

    public var id: String
    public var kind: Kind
    public var state: State
    public var createdAt: String
    public var updatedAt: String
    public var createdBy: String
    public var target: String
    /// What was asked (JSON); used to reconcile after a crash.
    public var input: String
    public var steps: [Step]
    /// JSON text.
    public var result: String?
    public var error: String?
    /// What a running operation is doing or waiting for, beyond its steps (a deployment's
    /// `waiting-for-approvals`); nil when there is nothing to say.
    public var phase: String?

    public init(kind: Kind, createdBy: String, target: String, input: String, steps: [Step]) {
        id = UUID().uuidString.lowercased()
        self.kind = kind
        state = .queued
        createdAt = Timestamp.now()
        updatedAt = createdAt
        self.createdBy = createdBy
        self.target = target
        self.input = input
        self.steps = steps
    }

    /// Sets the overall state from the steps: failed if any failed, succeeded if all did.
    public mutating func settle() {
        state = steps.contains { $0.state == .failed } ? .failed : .succeeded
        if state == .failed, error == nil {
            error = steps.filter { $0.state == .failed }.map { "\($0.target): \($0.message)" }.joined(separator: "; ")
        }
    }

    /// The API representation.
    public var json: JSONValue {
        var f: [(String, JSONValue)] = [
            ("id", .string(id)), ("kind", .string(kind.rawValue)), ("state", .string(state.rawValue)),
            ("createdAt", .string(createdAt)), ("updatedAt", .string(updatedAt)), ("createdBy", .string(createdBy)),
            ("target", .string(target)),
            ("steps", .array(steps.map { s in
                var o: [(String, JSONValue)] = [("name", .string(s.name)), ("target", .string(s.target)),
                                                ("state", .string(s.state.rawValue)), ("message", .string(s.message))]
                if let d = s.detail { o.append(("detail", .string(d))) }
                return .object(o)
            })),
        ]
        if let p = phase { f.append(("phase", .string(p))) }
        if let r = result { f.append(("result", .raw(Array(r.utf8)))) }
        if let e = error { f.append(("error", .string(e))) }
        return .object(f)
    }
}
