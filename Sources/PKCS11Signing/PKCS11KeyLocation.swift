/// Where a signing key lives in a PKCS#11 token: the vendor library, the token's label, the
/// user PIN (already resolved from its `env:`/`file:` reference) and the key's label or ID.
public struct PKCS11KeyLocation: Sendable {
    public var library: String
    public var tokenLabel: String
    public var pin: String
    /// `CKA_LABEL` of the private key.
    public var keyLabel: String?
    /// `CKA_ID` of the private key (Fabric's BCCSP uses the key's SKI).
    public var keyID: [UInt8]?

    public init(library: String, tokenLabel: String, pin: String, keyLabel: String?, keyID: [UInt8]?) {
        precondition(keyLabel != nil || keyID != nil, "a PKCS#11 key is found by label or ID")
        self.library = library
        self.tokenLabel = tokenLabel
        self.pin = pin
        self.keyLabel = keyLabel
        self.keyID = keyID
    }

    /// How messages name the key: `key 'org1-admin' (id 0a1b) on token 'org1'`; never the PIN.
    public var keyName: String {
        var parts: [String] = []
        if let keyLabel { parts.append("'\(keyLabel)'") }
        if let keyID { parts.append("id \(Self.hex(keyID))") }
        return "key \(parts.joined(separator: " ")) on PKCS#11 token '\(tokenLabel)'"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }
}
