import Foundation

/// Finds this process's open descriptors that are TCP sockets on a given local or remote port,
/// by matching /proc/self/fd socket inodes against /proc/net/tcp{,6}. Unlike a plain descriptor
/// count, this is not disturbed by other suites running in parallel.
enum DescriptorAudit {
    static func openSockets(port: Int) -> Int {
        let hexPort = String(format: "%04X", port)
        var inodes = Set<String>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // procfs reports size 0: read to EOF rather than trusting the size.
            guard let fh = FileHandle(forReadingAtPath: table) else { continue }
            let text = String(decoding: fh.readDataToEndOfFile(), as: UTF8.self)
            try? fh.close()
            for line in text.split(separator: "\n").dropFirst() {
                let cols = line.split(separator: " ")
                guard cols.count > 9 else { continue }
                if cols[1].hasSuffix(":" + hexPort) || cols[2].hasSuffix(":" + hexPort) { inodes.insert(String(cols[9])) }
            }
        }
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"),
                  target.hasPrefix("socket:[") else { return false }
            return inodes.contains(String(target.dropFirst(8).dropLast()))
        }.count
    }
}
