internal import COpenSSL
import Foundation

/// A parsed X.509 certificate (OpenSSL `X509`), with the fields Fabric clients need:
/// names, SKI, validity, SANs, public key, and the NodeOU role from the subject OUs.
public struct X509Certificate: Sendable, Hashable {
    /// The exact DER bytes.
    public let derBytes: [UInt8]
    public let subject: DistinguishedName
    public let issuer: DistinguishedName
    /// Subject Key Identifier extension, if present.
    public let subjectKeyIdentifier: [UInt8]?
    public let notBefore: Date
    public let notAfter: Date
    public let subjectAlternativeNames: [SubjectAlternativeName]
    /// DER SubjectPublicKeyInfo.
    public let subjectPublicKeyInfoDER: [UInt8]
    /// Serial number, big-endian.
    public let serialNumber: [UInt8]

    /// Parses the first `CERTIFICATE` block of `pem`.
    public init(pem: String) throws {
        try self.init(der: PEMBlock.first(in: pem, labels: ["CERTIFICATE"]).der)
    }

    /// Every `CERTIFICATE` block in `pem` (e.g. a CA bundle).
    public static func all(inPEM pem: String) throws -> [X509Certificate] {
        try PEMBlock.parseAll(pem).filter { $0.label == "CERTIFICATE" }.map { try X509Certificate(der: $0.der) }
    }

    /// Parses DER; trailing bytes are an error.
    public init(der: [UInt8]) throws {
        let handle = der.withUnsafeBufferPointer { buf -> (OpaquePointer?, Int) in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            let x = d2i_X509(nil, &p, buf.count)
            return (x, p.map { $0 - buf.baseAddress! } ?? 0)
        }
        guard let x509 = handle.0, handle.1 == der.count else {
            if let x = handle.0 { X509_free(x) }
            ERR_clear_error()
            throw CryptoError(.invalidCertificate, "invalid certificate: not a DER X.509 certificate")
        }
        defer { X509_free(x509) }
        self.derBytes = der
        self.subject = DistinguishedName(X509_get_subject_name(x509))
        self.issuer = DistinguishedName(X509_get_issuer_name(x509))
        self.subjectKeyIdentifier = X509_get0_subject_key_id(x509).map(Self.bytes(of:))
        guard let nb = Self.date(X509_get0_notBefore(x509)), let na = Self.date(X509_get0_notAfter(x509)) else {
            throw CryptoError(.invalidCertificate, "invalid certificate: unreadable validity period")
        }
        self.notBefore = nb
        self.notAfter = na
        self.subjectAlternativeNames = SubjectAlternativeName.read(from: x509)
        guard let pub = X509_get0_pubkey(x509) else {
            ERR_clear_error()
            throw CryptoError(.invalidCertificate, "invalid certificate: unreadable public key")
        }
        var out: UnsafeMutablePointer<UInt8>?
        let n = i2d_PUBKEY(pub, &out)
        guard n > 0, let out else { throw CryptoError(.invalidCertificate, "invalid certificate: unreadable public key") }
        self.subjectPublicKeyInfoDER = Array(UnsafeBufferPointer(start: out, count: Int(n)))
        copenssl_OPENSSL_free(out)
        self.serialNumber = Self.bytes(of: X509_get0_serialNumber(x509))
    }

    /// PEM text (`CERTIFICATE` block, 64-column lines, trailing newline) — the form Fabric's
    /// msp `Serialize` produces.
    public var pemString: String { PEMBlock(label: "CERTIFICATE", der: derBytes).pemString }

    /// The EC public key; throws for RSA or other key types.
    public func publicKey() throws -> ECPublicKey {
        try ECPublicKey(subjectPublicKeyInfoDER: subjectPublicKeyInfoDER)
    }

    /// The subject's organizational units (Fabric NodeOUs put the role here).
    public var organizationalUnits: [String] { subject.values(for: "OU") }

    /// The NodeOU role (`client`, `peer`, `admin`, `orderer`) if one of the subject OUs is one.
    public var nodeOU: NodeOURole? { organizationalUnits.lazy.compactMap(NodeOURole.init(rawValue:)).first }

    /// Whether `date` lies within the validity period.
    public func isValid(at date: Date) -> Bool { date >= notBefore && date <= notAfter }

    static func bytes(of string: UnsafePointer<ASN1_STRING>) -> [UInt8] {
        let n = Int(ASN1_STRING_length(string))
        guard n > 0, let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: n))
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date? {
        guard let time else { return nil }
        var tm = tm()
        guard ASN1_TIME_to_tm(time, &tm) == 1 else { ERR_clear_error(); return nil }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
    }

    public static func == (a: X509Certificate, b: X509Certificate) -> Bool { a.derBytes == b.derBytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(derBytes) }
}

/// Fabric NodeOU roles (msp/configbuilder.go): the OU value that marks a certificate's role.
public enum NodeOURole: String, Sendable, Hashable, CaseIterable {
    case client, peer, admin, orderer
}
