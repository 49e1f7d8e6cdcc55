/// A Cryptoki call that did not return `CKR_OK`, or a library or key that cannot be used.
///
/// Messages name the library, the token and the key by label or ID, never the PIN.
public struct PKCS11Error: Error, CustomStringConvertible, Sendable, Hashable {
    /// The Cryptoki function, e.g. `C_Login`; nil for failures that are not a call's return value.
    public let call: String?
    /// The `CK_RV` the call returned (0 when `call` is nil).
    public let returnValue: UInt
    public let message: String

    init(call: String, returnValue: UInt) {
        self.call = call
        self.returnValue = returnValue
        self.message = "\(call) failed: \(Self.name(of: returnValue))"
    }

    init(_ message: String) {
        call = nil
        returnValue = 0
        self.message = message
    }

    /// A login refusal reworded with the token's name, keeping the return value.
    init(refusedPIN returnValue: UInt, _ message: String) {
        call = "C_Login"
        self.returnValue = returnValue
        self.message = message
    }

    /// `C_Login` refused the PIN (incorrect, locked or expired): trying again cannot help.
    public var refusesPIN: Bool { call == "C_Login" && [0xA0, 0xA3, 0xA4].contains(returnValue) }

    public var description: String { message }

    /// The failure says the token, the session or the login is gone: a new session (and login)
    /// may succeed once the token is back (PKCS#11 v2.40 section 5.1, return values of
    /// session and object functions).
    public var meansTokenUnavailable: Bool { call != nil && Self.tokenGone.contains(returnValue) }

    /// The `CKR_*` name of a return value (the codes a signer meets), else its hex value.
    static func name(of rv: UInt) -> String {
        names[rv] ?? "CKR 0x" + String(rv, radix: 16)
    }

    private static let tokenGone: Set<UInt> = [0x30, 0x32, 0x60, 0x82, 0xB0, 0xB3, 0xE0, 0xE1, 0x101]

    private static let names: [UInt: String] = [
        0x05: "CKR_GENERAL_ERROR", 0x06: "CKR_FUNCTION_FAILED", 0x07: "CKR_ARGUMENTS_BAD",
        0x30: "CKR_DEVICE_ERROR", 0x31: "CKR_DEVICE_MEMORY", 0x32: "CKR_DEVICE_REMOVED",
        0x60: "CKR_KEY_HANDLE_INVALID", 0x68: "CKR_KEY_FUNCTION_NOT_PERMITTED", 0x70: "CKR_MECHANISM_INVALID",
        0x82: "CKR_OBJECT_HANDLE_INVALID", 0x90: "CKR_OPERATION_ACTIVE", 0xA0: "CKR_PIN_INCORRECT",
        0xA4: "CKR_PIN_LOCKED", 0xA3: "CKR_PIN_EXPIRED", 0xB0: "CKR_SESSION_CLOSED", 0xB1: "CKR_SESSION_COUNT",
        0xB3: "CKR_SESSION_HANDLE_INVALID", 0xE0: "CKR_TOKEN_NOT_PRESENT", 0xE1: "CKR_TOKEN_NOT_RECOGNIZED",
        0x100: "CKR_USER_ALREADY_LOGGED_IN", 0x101: "CKR_USER_NOT_LOGGED_IN", 0x102: "CKR_USER_PIN_NOT_INITIALIZED",
        0x150: "CKR_BUFFER_TOO_SMALL", 0x190: "CKR_CRYPTOKI_NOT_INITIALIZED", 0x191: "CKR_CRYPTOKI_ALREADY_INITIALIZED",
    ]
}
