import Foundation
import Store
import TLSCrypto
import WebServer

/// Client-certificate bindings (issue 17): the token API's `kind: "certificate"` entries. The TLS
/// handshake has verified the certificate against `server.tls.clientCAFile`; a binding gives it a
/// role, matched on the fingerprint (one certificate) or the subject (every certificate issued to
/// that name by the trusted CAs).
extension TokenService {
    /// Creates a binding for exactly one of `subject` (RFC 4514 text, most specific first:
    /// `CN=ci,O=Org1`) and `fingerprint` (SHA-256 of the DER, hex, colons allowed).
    public func createBinding(name: String?, subject: String?, fingerprint: String?, role: Role, orgs: [String],
                              expiresAt: Date? = nil) async throws -> CertificateBindingRecord {
        let subject = try subject.map(Self.normalizedSubject)
        let fingerprint = try fingerprint.map(Self.normalizedFingerprint)
        guard (subject == nil) != (fingerprint == nil) else {
            throw Self.invalid("a certificate binding needs exactly one of 'subject' and 'fingerprintSHA256'")
        }
        try Self.checkRole(role, orgs: orgs)
        let bindingName = name ?? subject ?? "sha256:\(fingerprint!.prefix(16))"
        guard !bindingName.isEmpty, bindingName.count <= 200 else { throw Self.invalid("binding name must be 1-200 characters") }
        let record = CertificateBindingRecord(bindingID: "crt-" + Self.randomBytes(8).hexString, name: bindingName, subject: subject,
                                              fingerprintSHA256: fingerprint, role: role.rawValue, orgs: orgs,
                                              createdAt: Timestamp.now(), expiresAt: expiresAt.map(Timestamp.format))
        try await queue.write { db in
            let repo = CertificateBindingRepository(db)
            if try repo.get(name: bindingName) != nil {
                throw HTTPError(status: 409, code: "token_exists", message: "a certificate binding named '\(bindingName)' already exists")
            }
            try repo.insert(record)
        }
        cache.invalidate()
        return record
    }

    /// The principal for a verified client certificate, or nil when no active, unexpired binding
    /// matches it. The principal's name is the certificate's subject (the audit log's actor).
    public func authenticate(certificate: ClientCertificate) async throws -> Principal? {
        let fingerprint = certificate.fingerprintSHA256, subject = certificate.subject
        let now = Date()
        let key = TokenCache.CertificateKey(fingerprint: fingerprint, subject: subject)
        let (cached, generation) = cache.lookupBindings(key)
        let candidates: [CertificateBindingRecord]
        if let cached {
            candidates = cached
        } else {
            candidates = try await queue.read {
                try CertificateBindingRepository($0).active(fingerprintSHA256: fingerprint, subject: subject)
            }
            cache.insertBindings(candidates, for: key, readAt: generation)
        }
        guard let binding = candidates.first(where: { b in b.expiresAt.flatMap(Timestamp.parse).map { $0 > now } ?? true }),
              let role = Role(rawValue: binding.role) else { return nil }
        let id = binding.bindingID
        if touchDue(id, now: now) {
            try await queue.write { try CertificateBindingRepository($0).touch(bindingID: id, at: Timestamp.format(now)) }
        }
        return Principal(tokenID: id, name: subject, role: role, orgs: binding.orgs)
    }

    public func listBindings() async throws -> [CertificateBindingRecord] {
        try await queue.read { try CertificateBindingRepository($0).list() }
    }

    /// Effective on the next request (the cache forgets on any database change).
    public func revokeBinding(bindingID: String) async throws -> Bool {
        defer { cache.invalidate() }
        return try await queue.write { try CertificateBindingRepository($0).revoke(bindingID: bindingID, at: Timestamp.now()) }
    }

    static func invalid(_ message: String) -> HTTPError {
        HTTPError(status: 422, code: "invalid_token_request", message: message)
    }

    /// `cn = ci , o=Org1` -> `CN=ci,O=Org1`: attribute types upper-cased, blanks around the
    /// separators dropped (RFC 4514 §3 allows none; people type them). Escaped commas stay.
    static func normalizedSubject(_ text: String) throws -> String {
        var parts: [String] = [], current = "", escaped = false
        for ch in text {
            if escaped { current.append(ch); escaped = false; continue }
            if ch == "\\" { current.append(ch); escaped = true; continue }
            if ch == "," { parts.append(current); current = ""; continue }
            current.append(ch)
        }
        parts.append(current)
        return try parts.map { part -> String in
            let kv = part.split(separator: "=", maxSplits: 1)
            let type = kv.first?.trimmingCharacters(in: .whitespaces) ?? ""
            let value = kv.count == 2 ? kv[1].trimmingCharacters(in: .whitespaces) : ""
            guard kv.count == 2, !type.isEmpty, !value.isEmpty, type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." }) else {
                throw invalid("subject must be an RFC 4514 distinguished name such as 'CN=ci,O=Org1'")
            }
            return "\(type.uppercased())=\(value)"
        }.joined(separator: ",")
    }

    /// `AB:CD:…` or `abcd…` -> 64 lower-case hex digits.
    static func normalizedFingerprint(_ text: String) throws -> String {
        let hex = text.replacingOccurrences(of: ":", with: "").lowercased()
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else {
            throw invalid("fingerprintSHA256 must be 64 hexadecimal digits (colons allowed)")
        }
        return hex
    }
}
