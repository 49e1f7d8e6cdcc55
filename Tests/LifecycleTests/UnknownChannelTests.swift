import Foundation
import Testing

/// A channel the peers do not have is 404 `channel_not_found` on every channel route, read from
/// the peer's typed answer (Deliver's NOT_FOUND status for the newest block).
@Suite(.timeLimit(.minutes(3))) struct UnknownChannelTests {
    @Test("GET /api/v1/channels/nosuch is 404 channel_not_found; mychannel is 200")
    func unknownChannel() async throws {
        try await LifecycleFixture.run { f in
            let missing = try await f.viewer.get("/api/v1/channels/nosuch")
            #expect(missing.status == 404, "\(missing.text)")
            let error = missing.json["error"] as? [String: Any]
            #expect(error?["code"] as? String == "channel_not_found", "\(missing.text)")
            #expect(((error?["details"] as? [String: Any])?["message"] as? String)?.contains("NOT_FOUND") == true, "\(missing.text)")
            let known = try await f.viewer.get("/api/v1/channels/mychannel")
            #expect(known.status == 200 && known.json["name"] as? String == "mychannel", "\(known.text)")
            let chaincodes = try await f.viewer.get("/api/v1/channels/nosuch/chaincodes")
            #expect(chaincodes.status == 404, "\(chaincodes.text)")
        }
    }
}
