@testable import AdminAPI
import Foundation
import Testing
import TestSupport

/// `since` and `until` on `/api/v1/audit`: refused when they are not times, compared as instants.
@Suite struct AuditQueryTests {
    @Test("since and until must be RFC 3339 times: anything else is 400 invalid_query naming the parameter", arguments: [
        ("since=garbage", "since"), ("until=garbage", "until"), ("since=", "since"), ("since=2024-13-01T00:00:00Z", "since"),
        ("until=2024-05-01", "until"), ("since=2024-05-01T00:00:00Z&until=yesterday", "until"), ("since=1714521600", "since"),
    ])
    func invalidTimes(query: String, parameter: String) async throws {
        try await withGateway { fx in
            let r = try await fx.request("GET", "/api/v1/audit?\(query)", token: fx.admin)
            #expect(r.status == 400, "\(query): \(r.text)")
            #expect(r.errorCode == "invalid_query")
            #expect(r.errorDetails?["parameter"] as? String == parameter)
            #expect(r.errorMessage?.contains("'\(parameter)'") == true)
        }
    }

    /// `date` in RFC 3339 with a +05:00 offset (its text sorts after the stored UTC form).
    static func withOffset(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(secondsFromGMT: 5 * 3600)
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSXXXXX"
        return f.string(from: date)
    }

    @Test("since and until accept RFC 3339 with an offset or fractional seconds and filter on the instant")
    func validTimes() async throws {
        try await withGateway { fx in
            let created = try await fx.json("POST", "/api/v1/tokens", token: fx.admin, ["name": "audited", "role": "viewer"], recordBody: false)
            if let t = created.json["token"] as? String { fx.remember(secret: t) }
            let hourAgo = Self.withOffset(Date(timeIntervalSinceNow: -3600))
            let inAnHour = Self.withOffset(Date(timeIntervalSinceNow: 3600))
            func count(_ query: String) async throws -> Int? {
                let encoded = query.replacingOccurrences(of: "+", with: "%2B")
                let r = try await fx.request("GET", "/api/v1/audit?action=token.create&\(encoded)", token: fx.admin)
                #expect(r.status == 200, "\(query): \(r.text)")
                return r.json["total"] as? Int
            }
            #expect(try await count("since=\(hourAgo)") == 1)
            #expect(try await count("since=\(inAnHour)") == 0)
            #expect(try await count("until=\(inAnHour)") == 1)
            #expect(try await count("until=\(hourAgo)") == 0)
            #expect(try await count("since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00.5Z") == 1)
        }
    }
}
