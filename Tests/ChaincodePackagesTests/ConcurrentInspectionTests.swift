import Archive
import Foundation
import Testing
@testable import ChaincodePackages

@Suite("ConcurrentInspection", .timeLimit(.minutes(2)))
struct ConcurrentInspectionTests {
    static func package() throws -> [UInt8] {
        try CCaaSPackageBuilder().build(CCaaSPackageBuilderTests.tlsInput).bytes
    }

    static func chunks(_ bytes: [UInt8], of size: Int) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }

    @Test("chunks fed through a small pipe give exactly the inspection of the whole file", arguments: [1, 7, 512, 1 << 20])
    func sameResult(chunkSize: Int) async throws {
        let bytes = try Self.package()
        let expected = try PackageInspector().inspect(bytes: bytes)
        let inspection = ConcurrentInspection(limits: PackageLimits(), capacity: 64)
        for chunk in Self.chunks(bytes, of: chunkSize) { try await inspection.feed(chunk) }
        #expect(try await inspection.finish() == expected)
    }

    @Test("an invalid package is refused while the upload is still going")
    func failsEarly() async throws {
        let inspection = ConcurrentInspection(limits: PackageLimits(), capacity: 1024)
        let garbage = [UInt8](repeating: 0x41, count: 4096)
        var fed = 0
        await #expect(throws: PackageError.self) {
            for _ in 0..<10_000 {
                try await inspection.feed(garbage)
                fed += 1
            }
        }
        #expect(fed < 10_000, "feed threw before the end of the upload")
        await #expect(throws: PackageError.self) { try await inspection.finish() }
    }

    @Test("a truncated upload fails at finish; a cancelled one ends its reader")
    func truncatedAndCancelled() async throws {
        let bytes = try Self.package()
        let truncated = ConcurrentInspection(limits: PackageLimits(), capacity: 64)
        for chunk in Self.chunks(Array(bytes.prefix(bytes.count / 2)), of: 100) { try await truncated.feed(chunk) }
        await #expect(throws: PackageError.self) { try await truncated.finish() }

        let cancelled = ConcurrentInspection(limits: PackageLimits(), capacity: 64)
        try await cancelled.feed(Array(bytes.prefix(10)))
        cancelled.cancel()
        await #expect(throws: (any Error).self) { try await cancelled.finish() }
    }
}
