internal import COpenSSL

/// An X.509 Name as an ordered list of (short attribute name, UTF-8 value) pairs.
public struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    public struct Attribute: Sendable, Hashable {
        /// OpenSSL short name: `C`, `ST`, `L`, `O`, `OU`, `CN`, ... (or dotted OID if unknown).
        public var type: String
        public var value: String
    }

    public var attributes: [Attribute]

    public init(attributes: [Attribute]) { self.attributes = attributes }

    init(_ name: OpaquePointer?) {
        var result: [Attribute] = []
        if let name {
            for i in 0..<X509_NAME_entry_count(name) {
                guard let entry = X509_NAME_get_entry(name, i),
                      let object = X509_NAME_ENTRY_get_object(entry),
                      let data = X509_NAME_ENTRY_get_data(entry) else { continue }
                result.append(Attribute(type: Self.shortName(object), value: Self.utf8(UnsafePointer(data))))
            }
        }
        attributes = result
    }

    /// All values of one attribute type, in order.
    public func values(for type: String) -> [String] {
        attributes.filter { $0.type == type }.map(\.value)
    }

    /// The (last) common name.
    public var commonName: String? { values(for: "CN").last }

    /// RFC 4514-like text, most significant first as OpenSSL stores it: `C=US,ST=...,CN=x`.
    public var description: String {
        attributes.map { "\($0.type)=\($0.value)" }.joined(separator: ",")
    }

    private static func shortName(_ object: OpaquePointer) -> String {
        let nid = OBJ_obj2nid(object)
        if nid != NID_undef, let sn = OBJ_nid2sn(nid) { return String(cString: sn) }
        var buf = [CChar](repeating: 0, count: 128)
        let n = OBJ_obj2txt(&buf, Int32(buf.count), object, 1)
        return n > 0 ? String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
    }

    private static func utf8(_ data: UnsafePointer<ASN1_STRING>) -> String {
        var out: UnsafeMutablePointer<UInt8>?
        let n = ASN1_STRING_to_UTF8(&out, data)
        guard n >= 0, let out else { ERR_clear_error(); return "" }
        defer { copenssl_OPENSSL_free(out) }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(n)), as: UTF8.self)
    }
}

extension DistinguishedName {
    /// RFC 4514 text: least significant first (`CN=ci,O=Org1,C=US`), with `,+"\<>;` and leading
    /// `#`/space and trailing space escaped by a backslash (RFC 4514 §2.4).
    public var rfc4514: String {
        attributes.reversed().map { "\($0.type)=\(Self.escape($0.value))" }.joined(separator: ",")
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for (i, ch) in value.enumerated() {
            let first = i == 0, last = i == value.count - 1
            if ",+\"\\<>;".contains(ch) || (first && (ch == "#" || ch == " ")) || (last && ch == " ") { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
