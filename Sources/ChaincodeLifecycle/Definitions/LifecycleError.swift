import JSON

/// A lifecycle rule refused the request, or what it names does not exist: typed facts with a
/// stable code. No HTTP here; the API layer chooses each kind's status (AdminAPI
/// `LifecycleError+HTTP.swift`).
public struct LifecycleError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// `what` does not exist (code `<what>_not_found`: draft, chaincode, organization, package, operation, peer).
        case notFound(String)
        /// A field of the request is invalid (`details.field`).
        case invalidField(String)
        /// Too few orgs approved (`details.missing`).
        case notReady(missing: [String])
        /// The draft's sequence is the committed one.
        case alreadyCommitted
        /// The caller may not act for any organization the action needs.
        case forbidden
        /// No configured organization that approved the chaincode can endorse for it.
        case noEndorsingOrg
        /// The gateway was started without a Fabric network.
        case networkNotConfigured
        /// A stored file the action needs cannot be read.
        case storage
        /// The gateway is shutting down and starts no more background work.
        case shuttingDown
    }

    public let kind: Kind
    public let message: String
    public var description: String { message }

    public init(_ kind: Kind, _ message: String) { (self.kind, self.message) = (kind, message) }

    public var code: String {
        switch kind {
        case .notFound(let what): "\(what)_not_found"
        case .invalidField: "invalid_field"
        case .notReady: "not_ready"
        case .alreadyCommitted: "already_committed"
        case .forbidden: "forbidden"
        case .noEndorsingOrg: "no_endorsing_org"
        case .networkNotConfigured: "network_not_configured"
        case .storage: "storage"
        case .shuttingDown: "shutting_down"
        }
    }

    public var details: [(String, JSONValue)] {
        switch kind {
        case .invalidField(let field): [("field", .string(field))]
        case .notReady(let missing): [("missing", .strings(missing))]
        default: []
        }
    }

    /// `field '<name>' <problem>`: the wording of every invalid field.
    public static func invalid(_ field: String, _ problem: String) -> LifecycleError {
        LifecycleError(.invalidField(field), "field '\(field)' \(problem)")
    }

    public static func notFound(_ what: String, _ message: String) -> LifecycleError {
        LifecycleError(.notFound(what), message)
    }
}
