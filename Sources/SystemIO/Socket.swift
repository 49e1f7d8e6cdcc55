internal import CLinux
import Glibc

/// Owns one non-blocking, close-on-exec stream socket and closes it exactly once.
/// Not thread-safe: one owner (an event-loop connection) drives it.
public final class Socket {
    public private(set) var fd: Int32
    public let peerAddress: SocketAddress?

    public init(adopting fd: Int32, peerAddress: SocketAddress?) {
        precondition(fd >= 0)
        self.fd = fd
        self.peerAddress = peerAddress
    }

    deinit {
        if fd >= 0 { Sys.close(fd) }
    }

    /// Starts a non-blocking TCP connect. `connected == false` means EINPROGRESS: wait for
    /// writability, then call `finishConnect()`.
    public static func connectTCP(to address: SocketAddress) throws -> (Socket, connected: Bool) {
        let fd = CLinux.clinux_socket(address.family, Int32(SOCK_STREAM.rawValue))
        guard fd >= 0 else { throw SystemError(code: CLinux.clinux_errno(), call: "socket") }
        let sock = Socket(adopting: fd, peerAddress: address)
        while true {
            let rc = address.withSockaddr { Glibc.connect(fd, $0, $1) }
            if rc == 0 { return (sock, true) }
            let err = CLinux.clinux_errno()
            if err == EINTR { continue }
            if err == EINPROGRESS { return (sock, false) }
            throw SystemError(code: err, call: "connect \(address)")
        }
    }

    /// Completes a non-blocking connect: throws the pending socket error, if any.
    public func finishConnect() throws {
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 else {
            throw SystemError(code: CLinux.clinux_errno(), call: "getsockopt(SO_ERROR)")
        }
        if err != 0 {
            throw SystemError(code: err, call: "connect \(peerAddress.map { "\($0)" } ?? "")")
        }
    }

    /// Disables Nagle: request/response protocols must not wait 40 ms for an ACK.
    public func setNoDelay() throws {
        var one: Int32 = 1
        guard setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SystemError(code: CLinux.clinux_errno(), call: "setsockopt(TCP_NODELAY)")
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> IOResult<Int> {
        precondition(fd >= 0, "read on closed socket")
        return try Sys.read(fd, into: buffer)
    }

    public func write(from buffer: UnsafeRawBufferPointer) throws -> IOResult<Int> {
        precondition(fd >= 0, "write on closed socket")
        return try Sys.write(fd, from: buffer)
    }

    public func writev(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) throws -> IOResult<Int> {
        precondition(fd >= 0, "writev on closed socket")
        return try Sys.writev(fd, a, b)
    }

    /// Half-closes the write side (sends FIN) so the peer sees EOF after pending data.
    public func shutdownWrite() {
        if fd >= 0 { _ = Glibc.shutdown(fd, Int32(SHUT_WR)) }
    }

    /// Idempotent.
    public func close() {
        if fd >= 0 {
            Sys.close(fd)
            fd = -1
        }
    }
}
