import Foundation
import Glibc
import Synchronization
import Testing
@testable import WebServer
import TestSupport

/// Issue 17 §3 and issue 20 items 3 and 14 at the server level, over real sockets.
extension HTTPServerTests {
    @Test("every response carries the CSP, nosniff, Referrer-Policy and COOP headers; HSTS only when serving TLS")
    func securityHeaders() async throws {
        try await withServer { fx in
            for path in ["/hello", "/index.html", "/nothing-here", "/items/1"] {
                let r = try TestClient.get(path, port: fx.port)
                #expect(r.headers["content-security-policy"] == "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'", "\(path)")
                #expect(r.headers["x-content-type-options"] == "nosniff", "\(path)")
                #expect(r.headers["referrer-policy"] == "no-referrer", "\(path)")
                #expect(r.headers["cross-origin-opener-policy"] == "same-origin", "\(path)")
                #expect(r.headers["strict-transport-security"] == nil, "no HSTS over plain HTTP: \(path)")
            }
        }
        try await withServer(configure: { $0.servesTLS = true }) { fx in
            let r = try TestClient.get("/hello", port: fx.port)
            #expect(r.headers["strict-transport-security"] == "max-age=31536000")
            #expect(r.headers["x-content-type-options"] == "nosniff")
        }
    }

    @Test("a route's admission answers before the body: refused gets its status instead of 100 Continue, admitted gets 100 then its handler")
    func admissionBeforeBody() async throws {
        try await withServer { fx in
            // Refused: the final status comes at once, although the declared body was never sent.
            let refused = try TestClient(port: fx.port)
            try refused.send("POST /guarded HTTP/1.1\r\nHost: t\r\nContent-Length: 500000\r\nExpect: 100-continue\r\n\r\n")
            let head = try refused.readText(until: "\r\n\r\n")
            #expect(head.hasPrefix("HTTP/1.1 401 "), "\(head)")
            #expect(!head.contains("100 Continue"))
            #expect(head.lowercased().contains("connection: close"))
            #expect(refused.isClosedByServer())
            // The same without Expect: still not waiting for the body.
            let plain = try TestClient(port: fx.port)
            try plain.send("POST /guarded HTTP/1.1\r\nHost: t\r\nContent-Length: 500000\r\n\r\n" + String(repeating: "x", count: 1000))
            #expect(try plain.readResponse().status == 401)
            // Admitted: 100 Continue first, then the body is read and the handler sees the check's value.
            let admitted = try TestClient(port: fx.port)
            try admitted.send("POST /guarded HTTP/1.1\r\nHost: t\r\nAuthorization: let-me-in\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try admitted.readText(until: "\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n")
            try admitted.send("hello")
            let r = try admitted.readResponse()
            #expect(r.status == 200 && r.text == #"{"admitted":"caller-0","bytes":5}"#, "\(r.text)")
            // Body bytes sent with the head wait in the buffer until the check has passed.
            let eager = try TestClient(port: fx.port)
            try eager.send("POST /guarded HTTP/1.1\r\nHost: t\r\nAuthorization: let-me-in\r\nContent-Length: 3\r\n\r\nabc")
            #expect(try eager.readResponse().text == #"{"admitted":"caller-0","bytes":3}"#)
            // Sent whole, then half-closed while the check runs: still answered (RFC 9112 §9.6).
            let halfClosed = try TestClient(port: fx.port)
            try halfClosed.send("POST /guarded HTTP/1.1\r\nHost: t\r\nAuthorization: let-me-in\r\nContent-Length: 3\r\n\r\nxyz")
            Glibc.shutdown(halfClosed.fd, Int32(SHUT_WR))
            #expect(try halfClosed.readResponse().text == #"{"admitted":"caller-0","bytes":3}"#)
            #expect(halfClosed.isClosedByServer())
            // Cut short, then half-closed: the connection closes without an answer to a partial request.
            let cut = try TestClient(port: fx.port)
            try cut.send("POST /guarded HTTP/1.1\r\nHost: t\r\nAuthorization: let-me-in\r\nContent-Length: 30\r\n\r\nxyz")
            Glibc.shutdown(cut.fd, Int32(SHUT_WR))
            #expect(throws: TestClient.Closed.self) { try cut.readResponse() }
        }
    }

    @Test("minimum body rate: a body trickled a byte at a time gets 408 after the grace and one window, then the connection closes")
    func minimumBodyRate() async throws {
        try await withServer(configure: { c in
            c.minBodyBytes = 1024
            c.minBodyRateWindowNanos = 500_000_000
        }) { fx in
            let c = try TestClient(port: fx.port, timeoutSeconds: 5)
            try c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n")
            let start = Date()
            var answer = ""
            // A byte every 100 ms: never 60 s without progress, far below 1 KiB per 0.5 s.
            for _ in 0..<50 {
                try c.send("x", allowingEarlyClose: true)
                var pfd = pollfd(fd: c.fd, events: Int16(POLLIN), revents: 0)
                if poll(&pfd, 1, 100) > 0 { answer = try c.readText(until: "\r\n\r\n"); break }
            }
            let elapsed = Date().timeIntervalSince(start)
            #expect(answer.hasPrefix("HTTP/1.1 408 "), "\(answer)")
            #expect(elapsed >= 0.9 && elapsed < 3, "grace 0.5 s + one window 0.5 s (+ the sweep): \(elapsed)")
            #expect(c.isClosedByServer())
            // A body at a normal pace is unaffected.
            let ok = try TestClient(port: fx.port)
            try ok.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
            #expect(try ok.readResponse().text == "hello")
        }
    }

    @Test("the access log: a line per request, written in whole-line batches of at most 4 KiB, all flushed by a graceful stop")
    func accessLogBatches() async throws {
        let batches = Mutex<[[UInt8]]>([])
        let fx = try ServerFixture { c in
            c.accessLog = true
            c.threads = 1
            c.accessLogSink = AccessLogSink { bytes in batches.withLock { $0.append(Array(bytes)) } }
        }
        let port = fx.port
        try await onThread {
            let c = try TestClient(port: port)
            for i in 0..<300 {
                try c.send("GET /items/\(i) HTTP/1.1\r\nHost: t\r\nX-Request-ID: req-\(i)\r\n\r\n")
                _ = try c.readResponse()
            }
        }
        await fx.stop() // no wait for the timer: the stop itself writes what is left
        let written = batches.withLock { $0 }
        let lines = written.flatMap { $0.split(separator: 0x0a) }.map { String(decoding: $0, as: UTF8.self) }
        #expect(lines.count == 300)
        #expect(written.count < 60, "batched: \(written.count) writes for 300 lines")
        #expect(written.allSatisfy { $0.count <= AccessLog.batchBytes && $0.last == 0x0a })
        let first = try #require(lines.first)
        #expect(first.contains(" info http : GET /items/0 200 ") && first.contains("ms request-id=req-0 client=127.0.0.1"), "\(first)")
        #expect(first.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ "#, options: .regularExpression) != nil, "\(first)")
        #expect(lines.last?.contains("/items/299 ") == true)
    }

    @Test("an access-log line is written within a moment without further traffic (the loop's flush timer)")
    func accessLogTimer() async throws {
        let lines = Mutex<Int>(0)
        let fx = try ServerFixture { c in
            c.accessLog = true
            c.accessLogSink = AccessLogSink { bytes in lines.withLock { $0 += bytes.count(where: { $0 == 0x0a }) } }
        }
        _ = try await onThread { try TestClient.get("/hello", port: fx.port) }
        var waited = 0
        while lines.withLock({ $0 }) == 0 && waited < 50 {
            try await Task.sleep(for: .milliseconds(20))
            waited += 1
        }
        #expect(lines.withLock { $0 } == 1, "flushed after \(waited * 20) ms")
        await fx.stop()
    }
}
