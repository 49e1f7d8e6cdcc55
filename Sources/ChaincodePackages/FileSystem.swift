import Foundation

/// The few POSIX file calls the package store needs, with EINTR retried and failures thrown
/// as `PackageError(.storage)` naming the call (never file contents).
enum FileSystem {
    static func openExclusive(_ path: String) throws -> Int32 {
        let fd = retrying { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        guard fd >= 0 else { throw failure("open", path) }
        return fd
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = retrying { write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
            guard n > 0 else { throw failure("write", path) }
            offset += n
        }
    }

    static func fsync(_ fd: Int32, path: String) throws {
        guard retrying({ Foundation.fsync(fd) }) == 0 else { throw failure("fsync", path) }
    }

    /// fsyncs a directory so a rename or unlink in it is durable.
    static func fsyncDirectory(_ path: String) throws {
        let fd = retrying { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    static func rename(_ from: String, _ to: String) throws {
        guard Foundation.rename(from, to) == 0 else { throw failure("rename", to) }
    }

    static func remove(_ path: String) {
        _ = unlink(path)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw PackageError(.storage, "cannot create directory '\(path)'")
        }
    }

    private static func retrying<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    private static func failure(_ call: String, _ path: String) -> PackageError {
        PackageError(.storage, "\(call) '\(path)' failed: \(String(cString: strerror(errno)))")
    }
}
