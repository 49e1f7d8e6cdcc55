import EventLoop
import Foundation

/// Rate-limits failed authentications per client address: after `maxFailures` within `window`,
/// further attempts from that address get 429 with Retry-After until the window has passed.
final class AuthFailureLimiter: Sendable {
    /// 10 failures a minute is far beyond a human mistyping and far below any useful guessing rate
    /// (tokens carry 256 bits).
    let maxFailures: Int
    let window: TimeInterval
    /// Bound on tracked addresses, so a flood from many addresses cannot grow memory forever.
    static let maxTracked = 10_000
    private let state = Locked<[String: [Date]]>([:])

    init(maxFailures: Int = 10, window: TimeInterval = 60) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// Seconds to wait, or nil when the address may try.
    func retryAfter(_ address: String, now: Date = Date()) -> Int? {
        state.withLock { map in
            guard let fails = map[address]?.filter({ now.timeIntervalSince($0) < window }), fails.count >= maxFailures,
                  let oldest = fails.first else { return nil }
            return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
    }

    func recordFailure(_ address: String, now: Date = Date()) {
        state.withLock { map in
            if map.count >= Self.maxTracked, map[address] == nil {
                map = map.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
                if map.count >= Self.maxTracked { map.removeAll() }
            }
            var fails = (map[address] ?? []).filter { now.timeIntervalSince($0) < window }
            fails.append(now)
            map[address] = fails
        }
    }
}
