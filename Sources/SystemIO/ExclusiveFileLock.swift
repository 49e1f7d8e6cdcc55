import Glibc
import Synchronization

/// An exclusive flock(2) on one file, held until `release()` or this object's end. The kernel
/// drops it when the process ends, however it ends, so a crash leaves no stale lock. Two opens
/// of the file are two open file descriptions, so a second lock in the same process is refused
/// too (flock(2), NOTES).
public final class ExclusiveFileLock: Sendable {
    public let path: String
    /// The locked descriptor; -1 once released.
    private let fd: Mutex<Int32>

    /// Takes the lock, or returns nil when another holder has it.
    public init?(path: String) throws {
        let fd = try Sys.openReadWrite(path)
        do {
            guard try Sys.tryLockExclusive(fd) else {
                Sys.close(fd)
                return nil
            }
        } catch {
            Sys.close(fd)
            throw error
        }
        self.path = path
        self.fd = Mutex(fd)
    }

    /// Drops the lock (closing the descriptor releases it); later calls do nothing.
    public func release() {
        let old = fd.withLock { fd in
            defer { fd = -1 }
            return fd
        }
        if old >= 0 { Sys.close(old) }
    }

    deinit { release() }
}
