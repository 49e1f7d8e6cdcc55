// Usage: GRPCBench <port> <calls> <in-flight> [payload-bytes]
// Makes <calls> unary calls to /test.Echo/Unary on 127.0.0.1:<port> over one channel, keeping
// <in-flight> outstanding, and prints one line:
//   swift in_flight=<n> calls=<n> seconds=<s> calls_per_s=<r> cpu_us_per_call=<c>
// CPU is this process's user+system time (getrusage RUSAGE_SELF), loop thread included.
import EventLoop
import Foundation
import GRPCClient

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

let args = CommandLine.arguments
guard args.count >= 4, let port = Int(args[1]), let calls = Int(args[2]), let inFlight = Int(args[3]) else {
    FileHandle.standardError.write(Data("usage: GRPCBench <port> <calls> <in-flight> [payload-bytes]\n".utf8))
    exit(2)
}
let payload = [UInt8](repeating: 0x61, count: args.count > 4 ? Int(args[4]) ?? 100 : 100)
let loopThread = try EventLoopThread(name: "grpc-bench")
let channel = GRPCChannel(target: GRPCTarget(host: "127.0.0.1", port: port, tls: nil), loop: loopThread.loop)

// Warm up: connect and run a few calls before measuring.
for _ in 0..<200 { _ = try await channel.unary(path: "/test.Echo/Unary", request: payload) }

let cpuStart = cpuSeconds()
let start = ContinuousClock.now
try await withThrowingTaskGroup(of: Void.self) { group in
    let perWorker = calls / inFlight
    for _ in 0..<inFlight {
        group.addTask {
            for _ in 0..<perWorker {
                let response = try await channel.unary(path: "/test.Echo/Unary", request: payload)
                precondition(response.count == payload.count, "bad echo")
            }
        }
    }
    try await group.waitForAll()
}
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let cpu = cpuSeconds() - cpuStart
let done = calls / inFlight * inFlight
print(String(format: "swift  in_flight=%d calls=%d seconds=%.2f calls_per_s=%.0f cpu_us_per_call=%.1f",
             inFlight, done, seconds, Double(done) / seconds, cpu / Double(done) * 1e6))
await channel.close()
loopThread.shutdown()
