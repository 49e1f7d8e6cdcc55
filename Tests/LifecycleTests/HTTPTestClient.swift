import Foundation
import TestSupport

/// The gateway's API as one caller (optional bearer token): JSON in, one request per connection
/// over the shared blocking `TestClient`, run off the cooperative pool so the server's handlers
/// keep their threads.
struct HTTPTestClient: Sendable {
    let port: Int
    var token: String?

    typealias Response = TestClient.Response

    struct Failure: Error, CustomStringConvertible { let description: String }

    func get(_ path: String) async throws -> Response { try await request("GET", path) }
    func post(_ path: String, _ json: Any = [String: Any]()) async throws -> Response { try await request("POST", path, json: json) }
    func put(_ path: String, _ json: Any) async throws -> Response { try await request("PUT", path, json: json) }

    func request(_ method: String, _ path: String, json: Any? = nil, timeoutSeconds: Int = 60) async throws -> Response {
        let body = try json.map { Array(try JSONSerialization.data(withJSONObject: $0)) } ?? []
        var headers: [(String, String)] = []
        if json != nil { headers.append(("Content-Type", "application/json")) }
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let port = self.port, fields = headers
        return try await onThread {
            try TestClient.request(port: port, method: method, path: path, headers: fields, body: body,
                                   timeoutSeconds: timeoutSeconds)
        }
    }

    /// Opens a streaming GET (SSE) and returns what arrived once `marker` was seen (then hangs up).
    func stream(_ path: String, headers extra: [String: String] = [:], until marker: String) async throws -> String {
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (k, v) in extra { head += "\(k): \(v)\r\n" }
        let request = head + "\r\n"
        let port = self.port
        return try await onThread {
            let client = try TestClient(port: port)
            try client.send(request)
            return try client.readText(until: marker)
        }
    }
}
