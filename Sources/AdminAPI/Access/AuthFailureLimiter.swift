import EventLoop
import Foundation

/// Rate-limits failed authentications per client address and presented token ID: after
/// `maxFailures` within `window`, further failing attempts under that key get 429 with
/// Retry-After until the window has passed. Two wider budgets of `aggregateFactor` times as
/// many catch a guesser who varies what the narrow key holds (issue 17 §3): one per address
/// across all token IDs (a client trying a new ID each time), one per token ID across all
/// addresses (many clients guessing the secret of one known ID).
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
    /// The wider budgets' multiple: a busy NAT of honest clients mistyping stays under it.
    static let aggregateFactor = 3
    /// Stands for "any" in an aggregate key: no address or token ID is ever "*".
    static let any = "*"
    /// Bound on tracked keys, so a flood from many addresses or IDs cannot grow memory forever.
    static let maxTracked = 10_000
    private let state = Locked<[Key: [Date]]>([:])

    init(maxFailures: Int = 10, window: TimeInterval = 60) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// The budgets a failure under `key` counts against: its own, its address's, its token ID's.
    private func budgets(_ key: Key) -> [(Key, Int)] {
        var out = [(key, maxFailures), (Key(address: key.address, tokenID: Self.any), maxFailures * Self.aggregateFactor)]
        if !key.tokenID.isEmpty { out.append((Key(address: Self.any, tokenID: key.tokenID), maxFailures * Self.aggregateFactor)) }
        return out
    }

    /// Seconds to wait, or nil when the key may try (no budget it counts against is spent).
    func retryAfter(_ key: Key, now: Date = Date()) -> Int? {
        state.withLock { map in
            var wait: Int?
            for (k, budget) in budgets(key) {
                guard let fails = map[k]?.filter({ now.timeIntervalSince($0) < window }), fails.count >= budget,
                      let oldest = fails.first else { continue }
                wait = max(wait ?? 1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
            }
            return wait
        }
    }

    func recordFailure(_ key: Key, now: Date = Date()) {
        state.withLock { map in
            for (k, _) in budgets(key) {
                if map.count >= Self.maxTracked, map[k] == nil {
                    map = map.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
                    if map.count >= Self.maxTracked { map.removeAll() }
                }
                var fails = (map[k] ?? []).filter { now.timeIntervalSince($0) < window }
                fails.append(now)
                map[k] = fails
            }
        }
    }
}
