import Foundation
import Testing
@testable import Store
import TestSupport

/// A JSON column that no longer decodes refuses its row with an error naming the table, the
/// column and the row; it is never read as an empty list.
@Suite("corrupt columns", .timeLimit(.minutes(2)))
struct CorruptColumnTests {
    func openQueue(_ dir: TemporaryDirectory) throws -> DatabaseQueue {
        try DatabaseQueue(path: dir.path("c.db"), migrator: try Migrator(directory: migrationsDirectory))
    }

    func corruptColumn(_ body: () async throws -> Void) async -> CorruptColumn? {
        do { try await body() } catch let e as CorruptColumn { return e } catch { Issue.record("unexpected \(error)") }
        return nil
    }

    @Test("packages.warnings and package_entries.flags that are not arrays of strings are refused")
    func packageColumns() async throws {
        let dir = try TemporaryDirectory()
        let queue = try openQueue(dir)
        let rec = PackageRepositoryTests.record("basic", n: 1, at: "2026-01-01T00:00:00Z")
        let entries = [PackageEntryRecord(name: "connection.json", size: 20, mode: 0o644, typeFlag: "0", flags: [])]
        _ = try await queue.write { try PackageRepository($0).insert(rec, entries: entries) }
        // Valid JSON (the CHECK constraint holds) but not an array of strings.
        try await queue.write { try $0.execute(#"UPDATE packages SET warnings = '{"a":1}'"#) }
        try await queue.write { try $0.execute("UPDATE package_entries SET flags = '[1]'") }

        let warnings = await corruptColumn { _ = try await queue.read { try PackageRepository($0).get(packageID: rec.packageID) } }
        #expect(warnings?.table == "packages" && warnings?.column == "warnings" && warnings?.row == rec.packageID)
        #expect(warnings?.description.hasPrefix("packages.warnings of \(rec.packageID) does not decode: ") == true)
        let flags = await corruptColumn { _ = try await queue.read { try PackageRepository($0).entries(packageID: rec.packageID) } }
        #expect(flags?.table == "package_entries" && flags?.column == "flags")
        #expect(flags?.row == "\(rec.packageID) entry 'connection.json'")
        await queue.close()
    }

    @Test("api_tokens.orgs that does not decode refuses the token instead of dropping its scope")
    func tokenOrgs() async throws {
        let dir = try TemporaryDirectory()
        let queue = try openQueue(dir)
        let token = TokenRecord(tokenID: "tok-1", secretSHA256: Array(repeating: 7, count: 32), name: "op", role: "operator",
                                orgs: ["Org1MSP"], createdAt: "2026-01-01T00:00:00Z")
        try await queue.write { try TokenRepository($0).insert(token) }
        #expect(try await queue.read { try TokenRepository($0).get(tokenID: "tok-1") } == token)
        try await queue.write { try $0.execute("UPDATE api_tokens SET orgs = 'Org1MSP'") }
        let orgs = await corruptColumn { _ = try await queue.read { try TokenRepository($0).get(tokenID: "tok-1") } }
        #expect(orgs?.table == "api_tokens" && orgs?.column == "orgs" && orgs?.row == "tok-1")
        await queue.close()
    }
}
