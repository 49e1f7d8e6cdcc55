@testable import AdminAPI
@testable import ChaincodeLifecycle
import Testing

@Suite("event hub")
struct EventHubTests {
    @Test("the event hub replays after Last-Event-ID and drops the oldest beyond capacity")
    func eventHub() async {
        let hub = EventHub(capacity: 3)
        for i in 1...5 { hub.publish("operation", .int(i)) }
        var ids: [Int] = []
        for await e in hub.subscribe(after: 2) {
            ids.append(e.id)
            if ids.count == 3 { break }
        }
        #expect(ids == [3, 4, 5])
        #expect(hub.subscriberCount == 0)
    }
}
