import EventLoop
import SystemIO

/// Where access-log batches go: whole lines, at most `AccessLog.batchBytes` per call, from a
/// loop thread (one call at a time per loop).
public struct AccessLogSink: Sendable {
    public let write: @Sendable (UnsafeRawBufferPointer) -> Void

    public init(_ write: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        self.write = write
    }

    /// Standard error, where the rest of the log goes. A batch is at most PIPE_BUF bytes, so a
    /// pipe (systemd, docker) receives it whole, never interleaved with another thread's line.
    public static let standardError = AccessLogSink { bytes in
        var rest = bytes
        while !rest.isEmpty {
            // Best effort: a log write that fails (stderr closed, or made non-blocking and full)
            // is dropped rather than stalling the loop or failing the request it describes.
            guard case .processed(let n)? = try? Sys.write(2, from: rest), n > 0 else { return }
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
    }
}

/// One loop's access log (issue 20 item 14): each request's line is formatted into a buffer,
/// and the buffer is written in batches: when the next line would not fit in `batchBytes`, on a
/// short timer of the loop after the first line of a batch, and when the loop drains at shutdown
/// (nothing is lost on a graceful stop). Per request that leaves the formatting: no lock, no
/// `Logger` metadata dictionary, no system call. Loop-confined.
final class AccessLog {
    /// PIPE_BUF (POSIX: writes up to it are atomic on a pipe): whole batches, never torn lines.
    static let batchBytes = 4096
    /// How long a line may wait for its batch: short enough that `tail -f` looks live.
    static let flushDelayNanos: UInt64 = 100_000_000

    private let sink: AccessLogSink
    private let loop: EventLoop
    private var buffer: [UInt8] = []
    private var line: [UInt8] = []
    private var flushScheduled = false
    /// `2026-12-07T20:41:20Z`, refreshed by the loop once a second (as the Date header is).
    var timestamp: [UInt8] = []

    init(sink: AccessLogSink, loop: EventLoop) {
        self.sink = sink
        self.loop = loop
        buffer.reserveCapacity(Self.batchBytes)
        line.reserveCapacity(512)
    }

    /// `<time> info http : GET /path 200 12B 0.052ms request-id=... client=...`
    func record(method: String, path: Substring, status: Int, bytes: Int, nanos: UInt64, requestID: String, client: String) {
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: timestamp)
        line.append(contentsOf: " info http : ".utf8)
        line.append(contentsOf: method.utf8)
        line.append(0x20)
        line.append(contentsOf: path.utf8)
        line.append(0x20)
        Self.appendDecimal(status, to: &line)
        line.append(0x20)
        Self.appendDecimal(bytes, to: &line)
        line.append(contentsOf: "B ".utf8)
        // Milliseconds with microsecond precision, without going through Double.
        let micros = Int(nanos / 1000)
        Self.appendDecimal(micros / 1000, to: &line)
        line.append(0x2e)
        let frac = micros % 1000
        if frac < 100 { line.append(0x30) }
        if frac < 10 { line.append(0x30) }
        Self.appendDecimal(frac, to: &line)
        line.append(contentsOf: "ms request-id=".utf8)
        line.append(contentsOf: requestID.utf8)
        line.append(contentsOf: " client=".utf8)
        line.append(contentsOf: client.utf8)
        line.append(0x0a)
        if buffer.count + line.count > Self.batchBytes { flush() }
        if line.count > Self.batchBytes {
            line.withUnsafeBytes { sink.write($0) } // a line longer than a batch (a huge path): alone
            return
        }
        buffer.append(contentsOf: line)
        if !flushScheduled {
            flushScheduled = true
            loop.scheduleTimer(afterNanos: Self.flushDelayNanos) { [weak self] in
                guard let self else { return }
                self.flushScheduled = false
                self.flush()
            }
        }
    }

    /// Writes what is buffered.
    func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { sink.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(0x2d); appendDecimal(-value, to: &out); return }
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(UInt8(0x30 + value % 10))
    }
}
