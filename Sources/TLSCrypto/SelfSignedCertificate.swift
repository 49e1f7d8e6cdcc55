internal import COpenSSL
import Foundation

extension X509Certificate {
    /// A self-signed TLS client certificate for `key`: subject and issuer `CN=<commonName>`, a
    /// random positive 127-bit serial, valid from an hour before `now` (clock skew) for
    /// `lifetime`, `CA:FALSE`, key usage `digitalSignature`, extended key usage `clientAuth`,
    /// signed with ECDSA-SHA256.
    ///
    /// For servers that request a client certificate without verifying it, as Fabric's peers do
    /// when TLS is on and client authentication is not required (internal/pkg/comm/server.go:
    /// `tls.RequestClientCert`): the certificate's SHA-256 binds requests to the connection
    /// (discovery/service.go `validateStructure`), which no CA has to vouch for. The same shape
    /// as the Java SDK's generated client certificates (fabric-sdk-java `TLSCertificateBuilder`).
    public static func selfSigned(key: ECPrivateKey, commonName: String, lifetime: TimeInterval,
                                  now: Date = Date()) throws -> X509Certificate {
        guard let x509 = X509_new() else { throw CryptoError(.operationFailed, "cannot create a certificate: out of memory") }
        defer { X509_free(x509) }
        func failure(_ what: String) -> CryptoError {
            CryptoError(.operationFailed, "cannot create a certificate: \(what): \(EVPKey.lastErrorReason())")
        }
        func check(_ ok: Bool, _ what: String) throws { guard ok else { throw failure(what) } }
        try check(X509_set_version(x509, 2) == 1, "version")  // v3
        var serial = SecureRandom.bytes(16)
        serial[0] &= 0x7F
        serial[0] |= 0x40  // positive, and always 16 bytes long
        guard let bn = BN_bin2bn(serial, Int32(serial.count), nil) else { throw failure("serial") }
        defer { BN_free(bn) }
        try check(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x509)) != nil, "serial")
        try check(ASN1_TIME_set(X509_getm_notBefore(x509), time_t(now.timeIntervalSince1970 - 3600)) != nil, "validity")
        try check(ASN1_TIME_set(X509_getm_notAfter(x509), time_t(now.timeIntervalSince1970 + lifetime)) != nil, "validity")
        guard let name = X509_get_subject_name(x509) else { throw failure("subject") }
        let added = Array(commonName.utf8).withUnsafeBufferPointer {
            X509_NAME_add_entry_by_txt(name, "CN", copenssl_MBSTRING_UTF8(), $0.baseAddress, Int32($0.count), -1, 0)
        }
        try check(added == 1, "subject")
        try check(X509_set_issuer_name(x509, name) == 1, "issuer")
        try check(X509_set_pubkey(x509, key.key.pointer) == 1, "public key")
        for (nid, value) in [(NID_basic_constraints, "critical,CA:FALSE"), (NID_key_usage, "critical,digitalSignature"),
                             (NID_ext_key_usage, "clientAuth"), (NID_subject_key_identifier, "hash")] {
            try check(copenssl_X509_add_ext_conf(x509, nid, value) == 1, "extension \(value)")
        }
        try check(X509_sign(x509, key.key.pointer, EVP_sha256()) > 0, "signature")
        var out: UnsafeMutablePointer<UInt8>?
        let n = i2d_X509(x509, &out)
        guard n > 0, let out else { throw failure("encoding") }
        defer { copenssl_OPENSSL_free(out) }
        return try X509Certificate(der: Array(UnsafeBufferPointer(start: out, count: Int(n))))
    }
}
