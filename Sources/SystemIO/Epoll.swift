internal import CLinux
import Glibc

/// An owned epoll instance. Level-triggered; user data is an opaque 64-bit token.
public final class Epoll {
    public struct Events: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let readable = Events(rawValue: CLINUX_EPOLLIN)
        public static let writable = Events(rawValue: CLINUX_EPOLLOUT)
        public static let error = Events(rawValue: CLINUX_EPOLLERR)
        public static let hangup = Events(rawValue: CLINUX_EPOLLHUP)
        public static let readHangup = Events(rawValue: CLINUX_EPOLLRDHUP)
    }

    /// Capacity of one `wait` batch (bounded so one wakeup cannot run forever).
    public static let maxEventsPerWait = 256

    public let fd: Int32
    private var events = [UInt32](repeating: 0, count: Epoll.maxEventsPerWait)
    private var tokens = [UInt64](repeating: 0, count: Epoll.maxEventsPerWait)

    public init() throws {
        let fd = CLinux.clinux_epoll_create()
        guard fd >= 0 else { throw SystemError(code: CLinux.clinux_errno(), call: "epoll_create1") }
        self.fd = fd
    }

    deinit { Sys.close(fd) }

    public func add(_ target: Int32, events: Events, token: UInt64) throws {
        try ctl(CLINUX_EPOLL_CTL_ADD, target, events, token, "epoll_ctl(ADD)")
    }

    public func modify(_ target: Int32, events: Events, token: UInt64) throws {
        try ctl(CLINUX_EPOLL_CTL_MOD, target, events, token, "epoll_ctl(MOD)")
    }

    public func remove(_ target: Int32) {
        _ = CLinux.clinux_epoll_ctl(fd, CLINUX_EPOLL_CTL_DEL, target, 0, 0)
    }

    private func ctl(_ op: Int32, _ target: Int32, _ events: Events, _ token: UInt64, _ name: String) throws {
        if CLinux.clinux_epoll_ctl(fd, op, target, events.rawValue, token) != 0 {
            throw SystemError(code: CLinux.clinux_errno(), call: name)
        }
    }

    /// Waits up to `timeoutMillis` (-1 = forever) and calls `body` for each ready descriptor.
    public func wait(timeoutMillis: Int32, _ body: (Events, UInt64) -> Void) throws {
        let n = events.withUnsafeMutableBufferPointer { ev in
            tokens.withUnsafeMutableBufferPointer { tk in
                CLinux.clinux_epoll_wait(fd, ev.baseAddress, tk.baseAddress, Int32(Epoll.maxEventsPerWait), timeoutMillis)
            }
        }
        if n < 0 {
            let err = CLinux.clinux_errno()
            if err == EINTR { return }
            throw SystemError(code: err, call: "epoll_wait")
        }
        for i in 0..<Int(n) { body(Events(rawValue: events[i]), tokens[i]) }
    }
}

/// A non-blocking eventfd used to wake a loop from another thread.
public final class EventFD: @unchecked Sendable {
    public let fd: Int32

    public init() throws {
        let fd = CLinux.clinux_eventfd()
        guard fd >= 0 else { throw SystemError(code: CLinux.clinux_errno(), call: "eventfd") }
        self.fd = fd
    }

    deinit { Sys.close(fd) }

    /// Any thread. Adds 1 to the counter; the fd becomes readable.
    public func signal() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { Glibc.write(fd, $0.baseAddress, 8) }
    }

    /// Loop thread. Resets the counter.
    public func drain() {
        var value: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &value) { Glibc.read(fd, $0.baseAddress, 8) }
    }
}
