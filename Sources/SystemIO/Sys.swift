internal import CLinux
import Glibc

/// The one syscall funnel. Every call retries `EINTR`, reports `EAGAIN` as `.wouldBlock`,
/// traps on `EBADF`/`EFAULT` (those are bugs: a closed or bogus descriptor), and throws
/// `SystemError` for conditions of the world.
public enum Sys {
    @inline(__always)
    static func check(_ call: String, _ result: Int) throws -> IOResult<Int> {
        if result >= 0 { return .processed(result) }
        let err = CLinux.clinux_errno()
        switch err {
        case EAGAIN: return .wouldBlock
        case EBADF, EFAULT: preconditionFailure("\(call): \(String(cString: strerror(err))) (bug)")
        default: throw SystemError(code: err, call: call)
        }
    }

    @inline(__always)
    static func retrying(_ call: String, _ body: () -> Int) throws -> IOResult<Int> {
        while true {
            let r = body()
            if r < 0 && CLinux.clinux_errno() == EINTR { continue }
            return try check(call, r)
        }
    }

    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws -> IOResult<Int> {
        try retrying("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    public static func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) throws -> IOResult<Int> {
        try retrying("write") { Glibc.write(fd, buffer.baseAddress, buffer.count) }
    }

    /// Gathered write of two buffers (response head + body) in one syscall.
    public static func writev(_ fd: Int32, _ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) throws -> IOResult<Int> {
        var iov = (Glibc.iovec(iov_base: UnsafeMutableRawPointer(mutating: a.baseAddress), iov_len: a.count),
                   Glibc.iovec(iov_base: UnsafeMutableRawPointer(mutating: b.baseAddress), iov_len: b.count))
        return try withUnsafeMutableBytes(of: &iov) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: Glibc.iovec.self)
            return try retrying("writev") { Glibc.writev(fd, p, 2) }
        }
    }

    /// Zero-copy file -> socket. `offset` advances by the bytes sent.
    public static func sendfile(out: Int32, in file: Int32, offset: inout Int, count: Int) throws -> IOResult<Int> {
        var off = off_t(offset)
        let r = try retrying("sendfile") { CLinux.clinux_sendfile(out, file, &off, count) }
        offset = Int(off)
        return r
    }

    /// Reads from `offset` without moving the file position (the TLS path copies a file through
    /// user space: sendfile cannot encrypt).
    public static func pread(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, offset: Int) throws -> IOResult<Int> {
        try retrying("pread") { Glibc.pread(fd, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    /// Opens (creating, mode 0600) a file for reading and writing, close-on-exec.
    public static func openReadWrite(_ path: String) throws -> Int32 {
        let r = try retrying("open(\(path))") { Int(Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)) }
        guard case .processed(let fd) = r else { throw SystemError(code: EAGAIN, call: "open(\(path))") }
        return Int32(fd)
    }

    /// Takes an exclusive flock(2) without waiting: false when another open file description
    /// holds it (EWOULDBLOCK, which is EAGAIN on Linux).
    public static func tryLockExclusive(_ fd: Int32) throws -> Bool {
        let r = try retrying("flock") { Int(CLinux.clinux_flock_exclusive_nonblocking(fd)) }
        if case .processed = r { return true }
        return false
    }

    /// Closes a descriptor. EINTR on close must not be retried on Linux (the fd is gone).
    public static func close(_ fd: Int32) {
        let r = Glibc.close(fd)
        if r < 0 {
            let err = CLinux.clinux_errno()
            precondition(err != EBADF, "close: bad file descriptor \(fd) (double close bug)")
        }
    }

    /// Monotonic clock in nanoseconds (CLOCK_MONOTONIC): timers and timeouts.
    public static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Ignores SIGPIPE process-wide: a peer closing a socket must surface as EPIPE, not kill us.
    public static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft limit.
    @discardableResult
    public static func raiseFileLimit() -> Int {
        var rl = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl) == 0 else { return 1024 }
        if rl.rlim_cur < rl.rlim_max {
            rl.rlim_cur = rl.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)
        }
        return Int(rl.rlim_cur)
    }
}
