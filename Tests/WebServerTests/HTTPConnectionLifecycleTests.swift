import HTTP1
import Testing
@testable import WebServer

/// The connection state machine's end of input, timeouts, parse errors and streamed responses.
@Suite struct HTTPConnectionLifecycleTests {
    typealias Machine = HTTPConnectionStateMachine
    typealias T = HTTPConnectionStateMachineTests

    @Test("read EOF after a complete request (half-close): the response is still written, then close")
    func halfClose() {
        var (m, _) = T.machine()
        #expect(describe(m.inputEnded(eof: true)) == "stopReading")
        #expect(m.inputEnded && m.inputDemand == .none && !m.acceptsInput)
        #expect(describe(m.inputEnded(eof: false)) == "none", "the repeated hangup changes nothing")
        #expect(m.responseStarted(streaming: false, draining: false)?.closeConnection == true)
        #expect(describe(m.outputDrained(now: 1)) == "complete linger")
        #expect(describe(m.inputEnded(eof: true)) == "close", "lingering ends at the client's EOF")
    }

    @Test("a hangup while a response is being written keeps writing it")
    func hangupWhileWriting() {
        var (m, _) = T.machine()
        _ = m.responseStarted(streaming: true, draining: false)
        #expect(describe(m.inputEnded(eof: false)) == "stopReading")
        #expect(describe(m.responseStreamEnded(failed: false)) == "writeLastChunk")
        #expect(describe(m.outputDrained(now: 1)) == "complete linger")
    }

    @Test("EOF between requests closes, with or without part of a head")
    func eofWhenIdle() {
        var m = Machine(timeouts: T.timeouts, now: 0)
        m.bytesRead(now: 1, bufferWasEmpty: true)
        #expect(describe(m.inputEnded(eof: true)) == "close")
    }

    @Test("idle timeout: an idle connection closes quietly; at once when the server drains")
    func idleTimeout() {
        var m = Machine(timeouts: T.timeouts, now: 0)
        #expect(describe(m.checkTimeouts(now: 100, inputBuffered: false, draining: false)) == "none")
        #expect(describe(m.checkTimeouts(now: 1, inputBuffered: false, draining: true)) == "close")
        #expect(describe(m.checkTimeouts(now: 101, inputBuffered: false, draining: false)) == "close")
    }

    @Test("slow header: a head not complete within the header timeout from its first byte gets 408")
    func headerTimeout() {
        var m = Machine(timeouts: T.timeouts, now: 0)
        m.bytesRead(now: 50, bufferWasEmpty: true)
        m.bytesRead(now: 59, bufferWasEmpty: false) // more of the same head: the clock does not restart
        #expect(describe(m.checkTimeouts(now: 60, inputBuffered: true, draining: false)) == "none")
        #expect(describe(m.checkTimeouts(now: 61, inputBuffered: true, draining: false)) == "respond 408 request_timeout +discardInput")
        #expect(m.responseStarted(streaming: false, draining: false)?.closeConnection == true)
    }

    @Test("body timeout: 408 and close when the body stalls; progress restarts the clock")
    func bodyTimeout() {
        var (m, _) = T.machine(T.post())
        m.bytesRead(now: 50, bufferWasEmpty: true)
        #expect(describe(m.checkTimeouts(now: 110, inputBuffered: true, draining: false)) == "none")
        #expect(describe(m.checkTimeouts(now: 111, inputBuffered: true, draining: false)) == "respond 408 request_timeout")
        #expect(m.responseStarted(streaming: false, draining: false)?.closeConnection == true)
        var (s, _) = T.machine(T.post(), plan: T.streamed)
        #expect(describe(s.checkTimeouts(now: 61, inputBuffered: false, draining: false)) == "respond 408 request_timeout +endStream")
        // Once the response has started, a stalled body just closes the connection.
        var (r, _) = T.machine(T.post(), plan: T.streamed)
        _ = r.responseStarted(streaming: true, draining: false)
        #expect(describe(r.checkTimeouts(now: 61, inputBuffered: false, draining: false)) == "close 408 request_timeout")
    }

    @Test("no timeout applies while a complete request awaits its response")
    func noTimeoutWhileHandling() {
        var (m, _) = T.machine()
        #expect(describe(m.checkTimeouts(now: 10_000, inputBuffered: true, draining: true)) == "none")
    }

    @Test("linger timeout: a lingering close gives up after the linger timeout")
    func lingerTimeout() {
        var (m, _) = T.machine(T.get(keepAlive: false))
        _ = m.responseStarted(streaming: false, draining: false)
        _ = m.outputDrained(now: 10)
        #expect(describe(m.checkTimeouts(now: 12, inputBuffered: false, draining: false)) == "none")
        #expect(describe(m.checkTimeouts(now: 13, inputBuffered: false, draining: false)) == "close")
    }

    @Test("parser errors become their status, drop the input and close", arguments: [
        (400, "bad_request"), (408, "request_timeout"), (413, "payload_too_large"), (414, "uri_too_long"),
        (431, "headers_too_large"), (501, "not_implemented"), (505, "http_version_not_supported"),
    ])
    func parseErrors(status: Int, code: String) {
        var m = Machine(timeouts: T.timeouts, now: 0)
        let action = m.parseFailed(HTTPParseError(status: status, "bad"), now: 1)
        #expect(describe(action) == "respond \(status) \(code) +discardInput")
        #expect(!m.acceptsInput)
        #expect(m.responseStarted(streaming: false, draining: false)?.closeConnection == true)
        #expect(describe(m.outputDrained(now: 2)) == "complete linger")
    }

    @Test("a parse error inside a body closes after the response; after an early response it only drops input")
    func parseErrorInBody() {
        var (m, _) = T.machine(T.post())
        #expect(describe(m.parseFailed(HTTPParseError(status: 400, "bad chunk"), now: 1)) == "respond 400 bad_request +discardInput")
        var (e, _) = T.machine(T.post(), plan: T.streamed)
        _ = e.responseStarted(streaming: false, draining: false)
        #expect(describe(e.parseFailed(HTTPParseError(status: 400, "bad chunk"), now: 1)) == "discardInput")
        #expect(describe(e.outputDrained(now: 2)) == "complete linger")
    }

    @Test("a streamed response ends with its last chunk, or is aborted without it when it fails")
    func streamedResponse() {
        var (m, _) = T.machine()
        _ = m.responseStarted(streaming: true, draining: false)
        #expect(describe(m.outputDrained(now: 1)) == "none", "drained chunks do not end the response")
        #expect(describe(m.responseStreamEnded(failed: false)) == "writeLastChunk")
        #expect(describe(m.outputDrained(now: 2)) == "complete readNext")
        var (f, _) = T.machine()
        _ = f.responseStarted(streaming: true, draining: false)
        #expect(describe(f.responseStreamEnded(failed: true)) == "abortResponse")
    }

    @Test("once closed, every event is ignored")
    func closed() {
        var (m, _) = T.machine(T.post(), plan: T.streamed)
        m.closed()
        #expect(m.isClosed && m.inputDemand == .none && !m.acceptsInput)
        #expect(m.responseStarted(streaming: false, draining: false) == nil)
        #expect(describe(m.inputEnded(eof: true)) == "none")
        #expect(describe(m.outputDrained(now: 1)) == "none")
        #expect(describe(m.responseStreamEnded(failed: false)) == "none")
        #expect(describe(m.checkTimeouts(now: 1000, inputBuffered: true, draining: true)) == "none")
        #expect(describe(m.receivedEnd()) == "none")
        let resumed = m.resumeReading(now: 1)
        #expect(!resumed)
    }
}
