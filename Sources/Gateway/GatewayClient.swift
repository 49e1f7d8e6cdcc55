import Foundation
import Glibc
import TLSCrypto

/// A small blocking HTTP/1.1 client for the `deploy` and `status` subcommands: one request per
/// connection (`Connection: close`), a bearer token and/or a client certificate, JSON or YAML in,
/// JSON out; `http://` or `https://` (TLSCrypto's memory-BIO session over the blocking socket,
/// ALPN http/1.1, the server verified against `--ca-file` or the system's CA bundle).
struct GatewayClient {
    struct Response {
        var status: Int
        var body: [UInt8]

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }

        /// The gateway's error shape as one line: "code: message".
        var errorLine: String {
            guard let e = json["error"] as? [String: Any] else { return "HTTP \(status): \(text.prefix(300))" }
            return "\(e["code"] as? String ?? "error"): \(e["message"] as? String ?? "")"
        }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// PEM text for https: trust anchors (nil: the system's bundle) and an optional client identity.
    struct TLSFiles {
        var caPEM: String?
        var clientCertificatePEM: String?
        var clientKeyPEM: String?
    }

    /// Debian's (and most distributions') bundle of the system's trusted CAs.
    static let systemCABundle = "/etc/ssl/certs/ca-certificates.crt"

    let host: String
    let port: Int
    let token: String?
    /// Set for `https://` servers.
    let tls: TLSClientContext?

    /// `http://host[:port]` or `https://host[:port]` (a trailing path is ignored).
    init(server: String, token: String?, tls files: TLSFiles = TLSFiles()) throws {
        let secure: Bool
        if server.hasPrefix("https://") { secure = true } else if server.hasPrefix("http://") { secure = false } else {
            throw Failure(description: "--server must be an http:// or https:// URL: \(server)")
        }
        let rest = server.dropFirst(secure ? "https://".count : "http://".count)
            .split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        if let colon = rest.lastIndex(of: ":"), let p = Int(rest[rest.index(after: colon)...]) {
            (host, port) = (String(rest[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), p)
        } else {
            (host, port) = (rest, secure ? 443 : 80)
        }
        guard !host.isEmpty else { throw Failure(description: "--server names no host: \(server)") }
        self.token = token
        guard secure else {
            if files.caPEM != nil || files.clientCertificatePEM != nil {
                throw Failure(description: "--ca-file and --client-cert need an https:// --server")
            }
            tls = nil
            return
        }
        let roots: String
        if let ca = files.caPEM { roots = ca } else {
            do { roots = try String(contentsOfFile: Self.systemCABundle, encoding: .utf8) } catch {
                throw Failure(description: "no --ca-file given and the system CA bundle \(Self.systemCABundle) cannot be read")
            }
        }
        tls = try TLSClientContext(configuration: TLSClientConfiguration(
            rootCertificatesPEM: [roots], clientCertificatePEM: files.clientCertificatePEM, clientKeyPEM: files.clientKeyPEM,
            alpnProtocol: "http/1.1"))
    }

    /// Sends one request and reads the whole response; `timeout` bounds each read and write.
    func request(_ method: String, _ path: String, body: [UInt8]? = nil, contentType: String? = nil, timeout: Int = 90) throws -> Response {
        let fd = try connect(timeout: timeout)
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        let out = Array((head + "\r\n").utf8) + (body ?? [])
        let data = try tls.map { try exchangeTLS(out, fd: fd, context: $0, timeout: timeout) } ?? exchangePlain(out, fd: fd, timeout: timeout)
        return try Self.parse(data)
    }

    private func exchangePlain(_ out: [UInt8], fd: Int32, timeout: Int) throws -> [UInt8] {
        try sendAll(out, fd: fd)
        var data: [UInt8] = []
        while let chunk = try receive(fd: fd, timeout: timeout) { data += chunk }
        return data
    }

    /// The request over TLS on the blocking socket: handshake, the request, then plaintext until
    /// the server's close_notify or the connection's end.
    private func exchangeTLS(_ out: [UInt8], fd: Int32, context: TLSClientContext, timeout: Int) throws -> [UInt8] {
        let session = try TLSClientSession(context: context, serverName: host)
        func flush() throws {
            var ciphertext: [UInt8] = []
            session.takeCiphertext(appendingTo: &ciphertext)
            if !ciphertext.isEmpty { try sendAll(ciphertext, fd: fd) }
        }
        func feed() throws -> Bool {
            guard let chunk = try receive(fd: fd, timeout: timeout) else { return false }
            chunk.withUnsafeBytes { session.receiveCiphertext($0) }
            return true
        }
        while try !session.handshake() {
            try flush()
            guard try feed() else { throw Failure(description: "\(host):\(port) closed the connection during the TLS handshake") }
        }
        try flush()
        var sent = 0
        while sent < out.count {
            sent += try out[sent...].withUnsafeBytes { try session.writePlaintext($0) }
            try flush()
        }
        var data: [UInt8] = []
        while try session.readPlaintext(appendingTo: &data) {
            try flush()
            guard try feed() else { break }
        }
        return data
    }

    private func sendAll(_ bytes: [UInt8], fd: Int32) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "connection to \(host):\(port) broke while sending") }
            sent += n
        }
    }

    /// The next bytes from the socket, nil at its end.
    private func receive(fd: Int32, timeout: Int) throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n == 0 { return nil }
        guard n > 0 else {
            if errno == ECONNRESET { return nil }
            throw Failure(description: "no answer from \(host):\(port) within \(timeout) s")
        }
        return Array(chunk[0..<n])
    }

    private func connect(timeout: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw Failure(description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if fd >= 0 {
                var tv = timeval(tv_sec: timeout, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 { return fd }
                close(fd)
            }
            ai = a.pointee.ai_next
        }
        throw Failure(description: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
    }

    /// Status line, headers, then the body: chunked, or as long as Content-Length says, or to the close.
    static func parse(_ data: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = data.indices.first(where: { data[$0...].starts(with: separator) }) else {
            throw Failure(description: "incomplete HTTP response")
        }
        let head = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = head.first?.split(separator: " ") ?? []
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line: \(head.first ?? "")") }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var out: [UInt8] = [], i = 0
            while let lineEnd = body[i...].firstIndex(of: 10), let size = Int(String(decoding: body[i..<lineEnd], as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first ?? "", radix: 16), size > 0 {
                let start = lineEnd + 1
                guard start + size <= body.count else { break }
                out += body[start..<(start + size)]
                i = start + size + 2
                guard i < body.count else { break }
            }
            body = out
        } else if let length = headers["content-length"].flatMap(Int.init), length < body.count {
            body = Array(body[..<length])
        }
        return Response(status: status, body: body)
    }
}
