import Foundation
import Testing
@testable import GRPCClient

/// The unary path resumes its caller without a response stream: its edge cases.
@Suite("GRPCChannel unary edge cases against a grpcio server", .timeLimit(.minutes(2)))
struct GRPCUnaryTests {
    let channel = Fixtures.channel(Fixtures.plaintext)

    @Test("a unary call answered with several messages fails as INTERNAL; with none, too")
    func wrongResponseCount() async throws {
        await #expect {
            _ = try await channel.unary(path: "/test.Echo/ServerStream", request: Array("3".utf8))
        } throws: { error in
            (error as? GRPCStatusError)?.code == .internalError && "\(error)".contains("more than one response")
        }
        await #expect {
            _ = try await channel.unary(path: "/test.Echo/ServerStream", request: Array("0".utf8))
        } throws: { error in
            (error as? GRPCStatusError)?.code == .internalError && "\(error)".contains("no response")
        }
        // The channel still works afterwards.
        #expect(try await channel.unary(path: "/test.Echo/Unary", request: Array("ok".utf8)) == Array("ok".utf8))
        await channel.close()
    }

    @Test("a task cancelled before its unary call starts gets CancellationError, not a hang")
    func cancelledBeforeStart() async throws {
        let task = Task { [channel] in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await channel.unary(path: "/test.Echo/Sleep", request: Array("5000".utf8))
        }
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        await channel.close()
    }
}
