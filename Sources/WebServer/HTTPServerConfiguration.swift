import HTTP1

/// Everything the server needs to know; each limit says why its value and what happens beyond it.
public struct HTTPServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Event-loop threads, each with its own SO_REUSEPORT listener. Default: one per core.
    public var threads = 1
    public var parserLimits = HTTPParserLimits()
    /// From the first byte of a request until its head is complete. Beyond: 408 and close
    /// (slowloris protection). 10 s is generous for any real client on a LAN or the internet.
    public var headerTimeoutNanos: UInt64 = 10_000_000_000
    /// A body that makes no progress for this long: 408 and close.
    public var bodyTimeoutNanos: UInt64 = 60_000_000_000
    /// Minimum body rate (issue 20 item 3): once a body has been read for one window, each window
    /// must bring at least this many bytes, else 408 and close. Without it a client sending a
    /// byte every few seconds holds a connection forever (each byte resets the no-progress
    /// timeout). 1 KiB per 10 s is below any real client's rate (a phone on a bad link moves
    /// more in a second); 0 turns the check off. Counted only while the server reads the body:
    /// not while it waits for its own consumer (back-pressure) or the route's admission check.
    public var minBodyBytes = 1024
    public var minBodyRateWindowNanos: UInt64 = 10_000_000_000
    /// An idle keep-alive connection is closed silently after this long.
    public var idleTimeoutNanos: UInt64 = 60_000_000_000
    /// After the response that ends a connection, unread request bytes are drained (so the client
    /// sees the response instead of a reset) for at most this long.
    public var lingerTimeoutNanos: UInt64 = 2_000_000_000
    /// Open connections across all loops. Beyond: a canned 503 and close. Each costs an fd and a
    /// few KiB; 10,000 stays well under the raised RLIMIT_NOFILE.
    public var maxConnections = 10_000
    /// Fairness: bytes one connection may write / read per wakeup before the loop serves others.
    public var maxWriteBytesPerWakeup = 256 << 10
    public var maxReadBytesPerWakeup = 256 << 10
    /// Accepts per wakeup per loop, so an accept storm cannot starve established connections.
    public var maxAcceptsPerWakeup = 64
    /// Graceful shutdown waits this long for in-flight requests, then closes everything.
    public var shutdownGraceNanos: UInt64 = 10_000_000_000
    /// One access-log line per request, written in batches per loop (`AccessLog`).
    public var accessLog = true
    /// Where the access log goes (tests capture it).
    public var accessLogSink = AccessLogSink.standardError
    /// The listener serves TLS: responses also carry `Strict-Transport-Security` (`securityHeaders`).
    public var servesTLS = false

    public init() {}
}
