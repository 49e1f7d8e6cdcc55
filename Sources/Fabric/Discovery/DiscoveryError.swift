/// Discovery answered a query with `Error{content}` (discovery/service.go `wrapError`), e.g.
/// `access denied` or `failed constructing descriptor for chaincodes:<name:"cc" > `.
/// `content` is Fabric's words, kept verbatim.
public struct DiscoveryError: Error, CustomStringConvertible, Sendable, Hashable {
    public var channel: String
    public var content: String

    public init(channel: String, content: String) {
        self.channel = channel
        self.content = content
    }

    public var description: String { "discovery refused the query on channel '\(channel)': \(content)" }
}
