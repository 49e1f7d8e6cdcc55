internal import COpenSSL

/// One subjectAltName entry of the kinds TLS and Fabric use.
public enum SubjectAlternativeName: Sendable, Hashable {
    case dns(String)
    case email(String)
    case uri(String)
    /// 4 (IPv4) or 16 (IPv6) bytes.
    case ipAddress([UInt8])

    static func read(from x509: OpaquePointer) -> [SubjectAlternativeName] {
        guard let names = copenssl_X509_get_sans(x509) else { ERR_clear_error(); return [] }
        defer { copenssl_GENERAL_NAMES_free(names) }
        var result: [SubjectAlternativeName] = []
        for i in 0..<copenssl_sk_GENERAL_NAME_num(names) {
            guard let name = copenssl_sk_GENERAL_NAME_value(names, i),
                  let string = copenssl_GENERAL_NAME_string(name) else { continue }
            let bytes = X509Certificate.bytes(of: string)
            let text = String(decoding: bytes, as: UTF8.self)
            switch copenssl_GENERAL_NAME_type(name) {
            case GEN_DNS: result.append(.dns(text))
            case GEN_EMAIL: result.append(.email(text))
            case GEN_URI: result.append(.uri(text))
            case GEN_IPADD: result.append(.ipAddress(bytes))
            default: continue
            }
        }
        return result
    }
}
