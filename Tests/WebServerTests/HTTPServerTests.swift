import Foundation
import Glibc
import SystemIO
import Testing
@testable import WebServer
import TestSupport

@Suite(.timeLimit(.minutes(2))) struct HTTPServerTests {
    /// Runs `body` against a fresh server and checks no descriptor leaked once it is stopped.
    func withServer(configure: (inout HTTPServerConfiguration) -> Void = { _ in },
                    _ body: @escaping @Sendable (ServerFixture) throws -> Void) async throws {
        let port = try await run(configure: configure, body)
        // The listener and every connection the server accepted are closed by now.
        #expect(DescriptorAudit.openSocketsSettled(port: port, end: .local) == 0, "socket descriptors leaked")
    }

    private func run(configure: (inout HTTPServerConfiguration) -> Void,
                     _ body: @escaping @Sendable (ServerFixture) throws -> Void) async throws -> Int {
        let fx = try ServerFixture(configure: configure)
        do { try await onThread { try body(fx) } } catch { await fx.stop(); throw error }
        #expect(DescriptorAudit.openSockets(port: fx.port, end: .local) > 0, "the audit must see the listener")
        await fx.stop()
        return fx.port
    }

    @Test("10 pipelined requests in one write are answered in order")
    func pipelining() async throws {
        try await withServer { fx in
            let c = try TestClient(port: fx.port)
            var batch = ""
            for i in 0..<10 { batch += "GET /items/\(i) HTTP/1.1\r\nHost: t\r\n\r\n" }
            try c.send(batch)
            for i in 0..<10 {
                let r = try c.readResponse()
                #expect(r.status == 200)
                #expect(r.text == "{\"id\":\"\(i)\"}")
            }
        }
    }

    @Test("a request pipelined while the previous one awaits its response is answered after it")
    func pipelinedWhileInFlight() async throws {
        try await withServer { fx in
            let c = try TestClient(port: fx.port)
            try c.send("GET /gate HTTP/1.1\r\nHost: t\r\n\r\n")
            fx.gate.entered.wait()
            // Read interest is still registered while /gate is in flight: these bytes wake the
            // loop, which must park them (not read, not spin) until /gate has answered.
            try c.send("GET /items/7 HTTP/1.1\r\nHost: t\r\n\r\n")
            usleep(50_000)
            fx.gate.release()
            let first = try c.readResponse(), second = try c.readResponse()
            #expect(first.status == 200 && first.text == "{\"gate\":true}")
            #expect(second.status == 200 && second.text == "{\"id\":\"7\"}")
            try c.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")  // and reading resumed afterwards
            #expect(try c.readResponse().status == 200)
        }
    }

    @Test("a client that half-closes after a complete request still gets its response, then the close")
    func halfClose() async throws {
        try await withServer { fx in
            // The end of input arrives while the handler runs...
            let c = try TestClient(port: fx.port)
            try c.send("GET /gate HTTP/1.1\r\nHost: t\r\n\r\n")
            fx.gate.entered.wait()
            #expect(shutdown(c.fd, Int32(SHUT_WR)) == 0)
            usleep(50_000)
            fx.gate.release()
            let r = try c.readResponse()
            #expect(r.status == 200 && r.text == "{\"gate\":true}" && r.headers["connection"] == "close")
            #expect(c.isClosedByServer())
            // ...or right behind the request.
            let d = try TestClient(port: fx.port)
            try d.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(shutdown(d.fd, Int32(SHUT_WR)) == 0)
            #expect(try d.readResponse().status == 200)
            #expect(d.isClosedByServer())
        }
    }

    @Test("keep-alive: one connection serves several requests; HTTP/1.0 closes by default")
    func keepAlive() async throws {
        try await withServer { fx in
            let c = try TestClient(port: fx.port)
            for _ in 0..<3 {
                try c.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
                let r = try c.readResponse()
                #expect(r.status == 200 && r.headers["connection"] == nil)
            }
            let old = try TestClient(port: fx.port)
            try old.send("GET /hello HTTP/1.0\r\n\r\n")
            #expect(try old.readResponse().headers["connection"] == "close")
            #expect(old.isClosedByServer())
        }
    }

    @Test("path parameters keep ':' and are percent-decoded; 404 and 405 use the JSON error shape")
    func routing() async throws {
        try await withServer { fx in
            let r = try TestClient.get("/items/basic_1.0:abc%20def", port: fx.port)
            #expect(r.text == "{\"id\":\"basic_1.0:abc def\"}")
            let c = try TestClient(port: fx.port)
            try c.send("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let m = try c.readResponse()
            #expect(m.status == 405)
            #expect(m.headers["allow"] == "GET, HEAD")
            #expect(m.text.hasPrefix("{\"error\":{\"code\":\"method_not_allowed\""))
            let nf = try TestClient.get("/items/a/b", port: fx.port)
            #expect(nf.status == 404)
            let bad = try TestClient.get("/items/a%2Fb", port: fx.port)
            #expect(bad.status == 400)
        }
    }

    @Test("X-Request-ID is echoed when well-formed and generated otherwise")
    func requestID() async throws {
        try await withServer { fx in
            let c = try TestClient(port: fx.port)
            try c.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Request-ID: abc-123\r\n\r\n")
            #expect(try c.readResponse().headers["x-request-id"] == "abc-123")
            try c.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Request-ID: bad id!\r\n\r\n")
            let generated = try c.readResponse().headers["x-request-id"] ?? ""
            #expect(!generated.isEmpty && generated != "bad id!")
        }
    }

    @Test("a slow client that never finishes its head gets 408 and is closed while others are served")
    func slowHeaders() async throws {
        try await withServer(configure: { $0.headerTimeoutNanos = 300_000_000 }) { fx in
            let slow = try TestClient(port: fx.port)
            try slow.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Slow: ")
            for _ in 0..<5 { #expect(try TestClient.get("/hello", port: fx.port).status == 200) }
            let r = try slow.readResponse()
            #expect(r.status == 408)
            #expect(slow.isClosedByServer())
        }
    }

    @Test("1,000 idle connections do not stop a new client from being served")
    func manyIdle() async throws {
        try await withServer { fx in
            var idle: [TestClient] = []
            for _ in 0..<1000 { idle.append(try TestClient(port: fx.port)) }
            let r = try TestClient.get("/hello", port: fx.port)
            #expect(r.status == 200)
            idle.removeAll()
        }
    }

    @Test("the connection cap answers 503")
    func connectionCap() async throws {
        try await withServer(configure: { $0.maxConnections = 3; $0.threads = 1 }) { fx in
            let held = try (0..<3).map { _ in try TestClient(port: fx.port) }
            for h in held { try h.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"); _ = try h.readResponse() }
            let extra = try TestClient(port: fx.port)
            #expect(try extra.readResponse().status == 503)
        }
    }

    @Test("a body over the limit gets 413 from Content-Length, before the body is sent")
    func bodyTooLarge() async throws {
        try await withServer { fx in
            let c = try TestClient(port: fx.port)
            try c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n")
            try c.send([UInt8](repeating: 65, count: 1000))
            let r = try c.readResponse()
            #expect(r.status == 413)
            #expect(r.text.contains("payload_too_large"))
            // Chunked over the limit is caught while it arrives.
            let d = try TestClient(port: fx.port)
            try d.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + String(repeating: "x", count: 2048) + "\r\n")
            #expect(try d.readResponse().status == 413)
        }
    }

    @Test("Expect: 100-continue gets an interim response; too-large bodies get 413 without 100")
    func expectContinue() async throws {
        try await withServer { fx in
            let c = try TestClient(port: fx.port)
            try c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            // readResponse skips the 100 but we must send the body first for the final answer.
            try c.send("hello")
            let r = try c.readResponse()
            #expect(r.status == 200 && r.text == "hello")
            let d = try TestClient(port: fx.port)
            try d.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
            #expect(try d.readResponse().status == 413)
        }
    }

    @Test("chunked request bodies are de-chunked for buffered routes")
    func chunkedBody() async throws {
        try await withServer { fx in
            let c = try TestClient(port: fx.port)
            try c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            #expect(try c.readResponse().text == "hello world")
        }
    }

    @Test("a streamed 48 MiB upload reaches the handler complete, with bounded buffering")
    func streamedUpload() async throws {
        try await withServer { fx in
            let c = try TestClient(port: fx.port)
            let size = 48 << 20
            try c.send("PUT /upload HTTP/1.1\r\nHost: t\r\nContent-Length: \(size)\r\n\r\n")
            let block = [UInt8](repeating: 7, count: 1 << 20)
            for _ in 0..<48 { try c.send(block) }
            let r = try c.readResponse()
            #expect(r.text == "{\"received\":\(size)}")
        }
    }

    @Test("streaming responses are chunked and complete")
    func streamingResponse() async throws {
        try await withServer { fx in
            let r = try TestClient.get("/events", port: fx.port)
            #expect(r.headers["transfer-encoding"] == "chunked")
            #expect(r.text == "data: 0\n\ndata: 1\n\ndata: 2\n\n")
        }
    }

    @Test("HEAD has the GET headers and no body")
    func head() async throws {
        try await withServer { fx in
            let c = try TestClient(port: fx.port)
            try c.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let r = try c.readResponse(head: true)
            #expect(r.status == 200 && r.headers["content-length"] == "17" && r.body.isEmpty)
            try c.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try c.readResponse().text == "{\"hello\":\"world\"}")
        }
    }

    @Test("an unmapped handler error is a 500 without internals")
    func internalError() async throws {
        try await withServer { fx in
            let r = try TestClient.get("/boom", port: fx.port)
            #expect(r.status == 500)
            #expect(!r.text.contains("CocoaError") && r.text.contains("\"code\":\"internal\""))
        }
    }

    @Test("malformed requests get their status and the connection closes")
    func malformed() async throws {
        try await withServer { fx in
            for (raw, status) in [("GET / HTTP/1.1\r\n\r\n", 400), ("BAD\r\n\r\n", 400),
                                  ("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
                                  ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414)] {
                let c = try TestClient(port: fx.port)
                try c.send(raw)
                #expect(try c.readResponse().status == status)
                #expect(c.isClosedByServer())
            }
        }
    }

    @Test("static files: content type, ETag revalidation, index.html for /")
    func staticFiles() async throws {
        try await withServer { fx in
            let r = try TestClient.get("/sub/app.css", port: fx.port)
            #expect(r.status == 200 && r.text == "body{}")
            #expect(r.headers["content-type"] == "text/css; charset=utf-8")
            let etag = try #require(r.headers["etag"])
            let c = try TestClient(port: fx.port)
            try c.send("GET /sub/app.css HTTP/1.1\r\nHost: t\r\nIf-None-Match: \(etag)\r\n\r\n")
            #expect(try c.readResponse().status == 304)
            #expect(try TestClient.get("/", port: fx.port).text == "<h1>home</h1>")
        }
    }

    @Test("no path can escape the public directory", arguments: [
        "/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/sub/..%2f..%2fetc%2fpasswd", "/sub/%2e%2e/%2e%2e/etc/passwd",
        "/escape/passwd", "/passwd", "/.env", "/sub/%00", "/..%5c..%5cetc%5cpasswd", "/%252e%252e/etc/passwd",
    ])
    func traversal(path: String) async throws {
        try await withServer { fx in
            let r = try TestClient.get(path, port: fx.port)
            #expect(r.status == 404 || r.status == 400, "\(path) -> \(r.status)")
            #expect(!r.text.contains("root:"))
        }
    }

    @Test("graceful shutdown lets an in-flight request finish and then refuses connections")
    func gracefulShutdown() async throws {
        let fx = try ServerFixture()
        let port = fx.port
        let c = try TestClient(port: port)
        try c.send("GET /gate HTTP/1.1\r\nHost: t\r\n\r\n")
        try await onThread { fx.gate.entered.wait() } // the request is inside its handler
        let stopping = Task { await fx.stop() }
        // Once the listener is closed the server is draining; only then let the handler finish.
        try await onThread {
            while (try? TestClient(port: port)) != nil { usleep(5_000) }
            fx.gate.release()
        }
        let r = try await onThread { try c.readResponse() }
        #expect(r.status == 200 && r.headers["connection"] == "close")
        await stopping.value
        #expect((try? TestClient(port: port)) == nil)
    }
}
