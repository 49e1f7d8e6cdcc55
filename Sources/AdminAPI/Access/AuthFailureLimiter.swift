import EventLoop
import Foundation

/// Rate-limits failed authentications per client address and presented token ID: after
/// `maxFailures` within `window`, further failing attempts under that key get 429 with
/// Retry-After until the window has passed.
///
/// The key includes the token's public ID (`cgw_<id>_...`, see `TokenService`; "" for a missing
/// or malformed header or a token without an ID), so behind a proxy or NAT one client's failures
/// do not lock out the others. A limited key never refuses a valid token either: the caller
/// still verifies what is presented and answers 429 only instead of a 401 (an attacker who
/// knows a token's public ID cannot lock its owner out).
final class AuthFailureLimiter: Sendable {
    struct Key: Hashable, Sendable {
        let address: String
        /// The presented token's public ID; "" when none could be read.
        let tokenID: String
    }

    /// 10 failures a minute is far beyond a human mistyping and far below any useful guessing rate
    /// (tokens carry 256 bits).
    let maxFailures: Int
    let window: TimeInterval
    /// Bound on tracked keys, so a flood from many addresses or IDs cannot grow memory forever.
    static let maxTracked = 10_000
    private let state = Locked<[Key: [Date]]>([:])

    init(maxFailures: Int = 10, window: TimeInterval = 60) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// Seconds to wait, or nil when the key may try.
    func retryAfter(_ key: Key, now: Date = Date()) -> Int? {
        state.withLock { map in
            guard let fails = map[key]?.filter({ now.timeIntervalSince($0) < window }), fails.count >= maxFailures,
                  let oldest = fails.first else { return nil }
            return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
    }

    func recordFailure(_ key: Key, now: Date = Date()) {
        state.withLock { map in
            if map.count >= Self.maxTracked, map[key] == nil {
                map = map.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
                if map.count >= Self.maxTracked { map.removeAll() }
            }
            var fails = (map[key] ?? []).filter { now.timeIntervalSince($0) < window }
            fails.append(now)
            map[key] = fails
        }
    }
}
