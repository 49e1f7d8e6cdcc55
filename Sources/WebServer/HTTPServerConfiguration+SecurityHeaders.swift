/// The headers every response carries (issue 17 §3). The server adds them, so no route can forget
/// them; no handler sets any of these itself.
extension HTTPServerConfiguration {
    /// - `Content-Security-Policy`: the dashboard loads only its own files (`Public/` has no inline
    ///   script or style), cannot be framed (clickjacking), embeds no plugins, and keeps its base URL.
    /// - `X-Content-Type-Options: nosniff`: a JSON error or a package download is never run as a
    ///   script or page whatever its bytes.
    /// - `Referrer-Policy: no-referrer`: dashboard URLs (package and operation IDs) stay here.
    /// - `Cross-Origin-Opener-Policy: same-origin`: a page that opens the dashboard gets no handle
    ///   on its window.
    /// - `Strict-Transport-Security` only when the listener serves TLS (`servesTLS`): over plain
    ///   HTTP browsers ignore it (RFC 6797 §8.1), and it would pin a name to HTTPS that serves none.
    public var securityHeaders: [(String, String)] {
        var fields = [
            ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        ]
        // One year, the value browsers' preload lists ask for; no includeSubDomains: the gateway
        // speaks for its own host only.
        if servesTLS { fields.append(("Strict-Transport-Security", "max-age=31536000")) }
        return fields
    }
}
