import Foundation
import Testing
@testable import WebServer

@Suite(.timeLimit(.minutes(2))) struct RequestBodyStreamTests {
    /// A producer thread pushes numbered chunks, pausing whenever the stream says so until the
    /// consumer's resume callback fires; the consumer must see every chunk exactly once, in order.
    /// (Before the fix, a chunk pushed between the consumer's two looks was delivered late or,
    /// with the producer paused, never: corrupt uploads and stalls.)
    @Test("chunks arrive complete and in order under back-pressure from a concurrent producer")
    func orderUnderPressure() async throws {
        let resumed = DispatchSemaphore(value: 0)
        let stream = RequestBodyStream(resume: { resumed.signal() })
        let chunkSize = 8 << 10, count = 12_000 // ~94 MiB through a 1 MiB high-water mark
        Thread {
            for i in 0..<count {
                var chunk = [UInt8](repeating: 0, count: chunkSize)
                withUnsafeBytes(of: UInt32(i).bigEndian) { chunk.replaceSubrange(0..<4, with: $0) }
                if stream.push(chunk) { resumed.wait() }
            }
            stream.finish()
        }.start()
        var expected: UInt32 = 0
        var total = 0
        for try await chunk in stream {
            let n = chunk.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(n == expected, "chunk \(n) arrived when \(expected) was due")
            if n != expected { return }
            expected += 1
            total += chunk.count
            if expected % 97 == 0 { await Task.yield() }
        }
        #expect(expected == UInt32(count) && total == count * chunkSize)
    }

    @Test("a failure reaches a waiting consumer")
    func failureWakesWaiter() async throws {
        let stream = RequestBodyStream(resume: {})
        Thread {
            usleep(20_000)
            stream.finish(HTTPError(status: 413, code: "payload_too_large", message: "too big"))
        }.start()
        await #expect(throws: HTTPError.self) { for try await _ in stream {} }
    }
}
