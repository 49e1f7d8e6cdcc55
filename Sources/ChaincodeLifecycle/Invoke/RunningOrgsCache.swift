import EventLoop
import Foundation

/// Which orgs run a committed chaincode, remembered briefly: without it every evaluate costs
/// a second signed proposal and peer round trip (QueryChaincodeDefinition) before the query.
/// Entries live `ttl` seconds and are dropped when the gateway commits a definition; a commit
/// made elsewhere is seen within `ttl`.
public final class RunningOrgsCache: Sendable {
    /// Short enough that an upgrade made with another tool is picked up almost at once.
    let ttl: TimeInterval
    private let entries = Locked<[String: (orgs: [String], at: Date)]>([:])

    init(ttl: TimeInterval = 2) { self.ttl = ttl }

    func get(_ channel: String, _ name: String) -> [String]? {
        let key = channel + "/" + name
        return entries.withLock { map -> [String]? in
            guard let e = map[key], Date().timeIntervalSince(e.at) < ttl else { return nil }
            return e.orgs
        }
    }

    func set(_ channel: String, _ name: String, _ orgs: [String]) {
        entries.withLock { $0[channel + "/" + name] = (orgs, Date()) }
    }

    public func invalidate(_ channel: String, _ name: String) {
        entries.withLock { _ = $0.removeValue(forKey: channel + "/" + name) }
    }
}
