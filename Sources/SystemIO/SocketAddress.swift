internal import CLinux
import Glibc

/// An IPv4 or IPv6 socket address.
public struct SocketAddress: Sendable, CustomStringConvertible, Hashable {
    enum Storage: Sendable, Hashable {
        case v4(host: UInt32, port: UInt16)            // network byte order host
        case v6(host: [UInt8], port: UInt16, scope: UInt32)
    }
    let storage: Storage

    public var port: Int {
        switch storage {
        case .v4(_, let p), .v6(_, let p, _): return Int(p)
        }
    }

    public var isIPv6: Bool { if case .v6 = storage { return true } else { return false } }

    public var host: String {
        switch storage {
        case .v4(let h, _):
            var addr = in_addr(s_addr: h)
            var buf = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            inet_ntop(AF_INET, &addr, &buf, socklen_t(buf.count))
            return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        case .v6(let h, _, _):
            var addr = in6_addr()
            withUnsafeMutableBytes(of: &addr) { $0.copyBytes(from: h) }
            var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &addr, &buf, socklen_t(buf.count))
            return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    public var description: String {
        isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Parses a numeric IPv4 address ("127.0.0.1").
    public static func ipv4(_ dotted: String, port: Int) throws -> SocketAddress {
        var addr = in_addr()
        guard (1...65535).contains(port) || port == 0, inet_pton(AF_INET, dotted, &addr) == 1 else {
            throw SystemError(code: EINVAL, call: "inet_pton(\(dotted))")
        }
        return SocketAddress(storage: .v4(host: addr.s_addr, port: UInt16(port)))
    }

    /// Parses "host:port" or "[v6]:port" with a numeric host; names need `resolve`.
    public static func parse(_ text: String) throws -> SocketAddress {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            throw SystemError(code: EINVAL, call: "parse address '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            var addr = in6_addr()
            guard inet_pton(AF_INET6, host, &addr) == 1 else { throw SystemError(code: EINVAL, call: "parse address '\(text)'") }
            let bytes = withUnsafeBytes(of: addr) { Array($0) }
            return SocketAddress(storage: .v6(host: bytes, port: UInt16(port), scope: 0))
        }
        if host == "localhost" { host = "127.0.0.1" }
        return try ipv4(host, port: port)
    }

    /// Resolves a host name with getaddrinfo. Blocking: never call on an event-loop thread.
    public static func resolve(host: String, port: Int) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &res)
        guard rc == 0, let first = res else {
            throw SystemError(code: rc == EAI_SYSTEM ? CLinux.clinux_errno() : EHOSTUNREACH,
                              call: "getaddrinfo(\(host)): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(first) }
        var out: [SocketAddress] = []
        var cur: UnsafeMutablePointer<addrinfo>? = first
        while let ai = cur {
            if let sa = ai.pointee.ai_addr, let a = SocketAddress(sockaddr: sa) { out.append(a) }
            cur = ai.pointee.ai_next
        }
        // IPv4 first: Fabric deployments overwhelmingly listen on v4.
        return out.sorted { !$0.isIPv6 && $1.isIPv6 }
    }

    init(storage: Storage) { self.storage = storage }

    init?(sockaddr sa: UnsafePointer<sockaddr>) {
        switch Int32(sa.pointee.sa_family) {
        case AF_INET:
            let v = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
            storage = .v4(host: v.sin_addr.s_addr, port: UInt16(bigEndian: v.sin_port))
        case AF_INET6:
            let v = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
            let bytes = withUnsafeBytes(of: v.sin6_addr) { Array($0) }
            storage = .v6(host: bytes, port: UInt16(bigEndian: v.sin6_port), scope: v.sin6_scope_id)
        default:
            return nil
        }
    }

    var family: Int32 { isIPv6 ? AF_INET6 : AF_INET }

    /// Calls `body` with a C sockaddr for this address.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        switch storage {
        case .v4(let h, let p):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = p.bigEndian
            sin.sin_addr = in_addr(s_addr: h)
            return try withUnsafePointer(to: &sin) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6(let h, let p, let scope):
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = p.bigEndian
            sin6.sin6_scope_id = scope
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: h) }
            return try withUnsafePointer(to: &sin6) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }
}
