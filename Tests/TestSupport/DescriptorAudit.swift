import Foundation

/// Finds this process's open descriptors that are TCP sockets on a given port, by matching
/// /proc/self/fd socket inodes against /proc/net/tcp{,6}. Unlike a plain descriptor count, this
/// is not disturbed by other suites running in parallel.
public enum DescriptorAudit {
    /// Which end of a connection must be on the port.
    public enum End: Sendable {
        /// Bound locally to the port: a server's listener and the connections it accepted
        /// (client sockets have other local ports).
        case local
        /// The local or the remote end: also counts this process's client sockets to the port.
        case localOrRemote
    }

    /// The number of this process's open TCP socket descriptors with `end` on `port`.
    public static func openSockets(port: Int, end: End) -> Int {
        let inodes = socketInodes(port: port, end: end)
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
                  target.hasPrefix("socket:[") else { return false }
            return inodes.contains(String(target.dropFirst(8).dropLast()))
        }.count
    }

    /// The number of such descriptors once it reaches 0, or after about `seconds` (then the
    /// last count). A leak stays; what may pass is a connection a stopping peer is closing.
    /// Servers audited so listen on a port from `TestPorts`: with an ephemeral port, a client
    /// socket of another test running in parallel could get the same number once the server had
    /// let it go, and would count here for as long as it lived.
    public static func openSocketsSettled(port: Int, end: End, seconds: Double = 3) -> Int {
        var count = openSockets(port: port, end: end)
        var waited = 0.0
        while count > 0 && waited < seconds {
            usleep(100_000)
            waited += 0.1
            count = openSockets(port: port, end: end)
        }
        return count
    }

    private static func socketInodes(port: Int, end: End) -> Set<String> {
        let suffix = ":" + String(format: "%04X", port)
        var inodes = Set<String>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // procfs reports size 0: read to EOF rather than trusting the size.
            guard let fh = FileHandle(forReadingAtPath: table) else { continue }
            let text = String(decoding: fh.readDataToEndOfFile(), as: UTF8.self)
            try? fh.close()
            for line in text.split(separator: "\n").dropFirst() {
                let cols = line.split(separator: " ")
                guard cols.count > 9 else { continue }
                let matches = cols[1].hasSuffix(suffix) || (end == .localOrRemote && cols[2].hasSuffix(suffix))
                if matches { inodes.insert(String(cols[9])) }
            }
        }
        return inodes
    }
}
