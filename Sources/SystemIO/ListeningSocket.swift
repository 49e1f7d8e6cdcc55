internal import CLinux
import Glibc

/// A bound, listening, non-blocking TCP socket. With `reusePort`, several loops each own a
/// listener on the same port and the kernel spreads incoming connections across them.
public final class ListeningSocket {
    public private(set) var fd: Int32
    public let localAddress: SocketAddress

    /// Binds and listens. Throws `SystemError` with code `EADDRINUSE` when the port is taken.
    public init(bindTo address: SocketAddress, backlog: Int32 = 1024, reusePort: Bool) throws {
        let fd = CLinux.clinux_socket(address.family, Int32(SOCK_STREAM.rawValue))
        guard fd >= 0 else { throw SystemError(code: CLinux.clinux_errno(), call: "socket") }
        var one: Int32 = 1
        let size = socklen_t(MemoryLayout<Int32>.size)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size)
        if reusePort { setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, size) }
        let rc = address.withSockaddr { Glibc.bind(fd, $0, $1) }
        if rc != 0 {
            let err = CLinux.clinux_errno()
            Sys.close(fd)
            throw SystemError(code: err, call: "bind \(address)")
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let err = CLinux.clinux_errno()
            Sys.close(fd)
            throw SystemError(code: err, call: "listen \(address)")
        }
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let bound: SocketAddress? = withUnsafeMutablePointer(to: &storage) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                getsockname(fd, sa, &len) == 0 ? SocketAddress(sockaddr: sa) : nil
            }
        }
        self.fd = fd
        self.localAddress = bound ?? address
    }

    deinit { close() }

    /// Accepts one connection (non-blocking, close-on-exec). `.wouldBlock` when none is pending.
    /// Transient per-connection failures (ECONNABORTED, EMFILE...) are thrown for the caller to log.
    public func accept() throws -> IOResult<Socket> {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let cfd = withUnsafeMutablePointer(to: &storage) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    CLinux.clinux_accept4(fd, $0, &len)
                }
            }
            if cfd >= 0 {
                let peer = withUnsafePointer(to: &storage) { p in
                    p.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(sockaddr: $0) }
                }
                return .processed(Socket(adopting: cfd, peerAddress: peer))
            }
            let err = CLinux.clinux_errno()
            switch err {
            case EINTR: continue
            case EAGAIN: return .wouldBlock
            case EBADF, EFAULT, ENOTSOCK: preconditionFailure("accept4: \(String(cString: strerror(err))) (bug)")
            default: throw SystemError(code: err, call: "accept4")
            }
        }
    }

    public func close() {
        if fd >= 0 {
            Sys.close(fd)
            fd = -1
        }
    }
}
