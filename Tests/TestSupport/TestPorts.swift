import Foundation
import Synchronization

/// Listening ports for in-process test servers, taken below the kernel's ephemeral range
/// (net.ipv4.ip_local_port_range).
///
/// A server bound to port 0 gets a port from the ephemeral range, and once it closes, the kernel
/// may give that same number to a socket another test (running in parallel in this process)
/// connects with. DescriptorAudit, which counts this process's sockets on the server's port,
/// then saw that client socket as a leak of the stopped server for as long as the other test's
/// connection lived (CI once failed an HTTP test so, next to a gRPC keepalive test's 20-second
/// connection). The kernel never picks a connecting socket's port outside the ephemeral range,
/// so a port from here is only ever the server's own; successive calls never repeat one within
/// a run of the process.
public enum TestPorts {
    private static let next: Mutex<Int> = {
        let range = ephemeralRange()
        let low = max(1024, range.lowerBound - 12_000)
        // A random start: two test processes at once (rare) do not walk the same ports.
        return Mutex(low + Int.random(in: 0..<2_000))
    }()

    /// Calls `bind` with successive ports until it does not throw an error `inUse` accepts
    /// (the port is taken by another process); other errors are thrown at once.
    public static func bind<T>(inUse: (any Error) -> Bool, _ bind: (Int) throws -> T) throws -> T {
        var lastError: (any Error)?
        for _ in 0..<50 {
            do { return try bind(take()) } catch where inUse(error) { lastError = error }
        }
        throw lastError!
    }

    /// The next unused port number of the range.
    public static func take() -> Int {
        let ceiling = ephemeralRange().lowerBound
        return next.withLock { port in
            defer { port += 1 }
            if port >= ceiling { port = max(1024, ceiling - 12_000) }
            return port
        }
    }

    /// The kernel's ephemeral port range; Linux's default when it cannot be read.
    static func ephemeralRange() -> ClosedRange<Int> {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let bounds = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard bounds.count == 2, bounds[0] <= bounds[1], bounds[0] > 1024 else { return 32768...60999 }
        return bounds[0]...bounds[1]
    }
}
