internal import CLinux
import Glibc

/// Tells whether anything in one directory changed (inotify): a file written, created,
/// deleted or renamed there, by this process or any other. Checking costs one non-blocking
/// read(2). The kernel queues an event inside the writer's system call, so a change that
/// completed before `changedSinceLastCheck()` is called is always reported by it.
public final class DirectoryChangeWatch: @unchecked Sendable {
    private let fd: Int32

    /// Fails when inotify is unavailable (e.g. the per-user watch limit is reached).
    public init(directory: String) throws {
        let fd = CLinux.clinux_inotify_watch_directory(directory)
        guard fd >= 0 else { throw SystemError(code: CLinux.clinux_errno(), call: "inotify_add_watch(\(directory))") }
        self.fd = fd
    }

    deinit { Sys.close(fd) }

    /// True when events arrived since the last call (they are consumed). When the kernel's
    /// event queue overflowed, that too is a change. Any thread; callers serialize.
    public func changedSinceLastCheck() -> Bool {
        withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 8) { buffer in
            var changed = false
            while true {
                let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
                if n > 0 { changed = true; continue }
                let error = n < 0 ? CLinux.clinux_errno() : 0
                if error == EINTR { continue }
                // EAGAIN: the queue is empty. Any other error: report a change (the safe answer).
                return changed || (error != 0 && error != EAGAIN)
            }
        }
    }
}
