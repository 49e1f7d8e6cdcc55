import Foundation

extension TestClient {
    /// One HTTP response as read off the wire.
    public struct Response: Sendable {
        /// The status code.
        public var status: Int
        /// Header values by lower-cased name.
        public var headers: [String: String]
        /// The body, de-chunked.
        public var body: [UInt8]

        /// Creates a response.
        public init(status: Int, headers: [String: String], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }

        /// The body parsed as a JSON object (empty when it is not one).
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        }

        /// `error.code` of the gateway's one error shape, if present.
        public var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        /// `error.message` of the error shape, if present.
        public var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
        /// `error.details` of the error shape, if present.
        public var errorDetails: [String: Any]? { (json["error"] as? [String: Any])?["details"] as? [String: Any] }
    }
}
