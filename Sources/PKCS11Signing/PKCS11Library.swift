internal import CPKCS11
import Synchronization

/// A vendor's PKCS#11 library, loaded with `dlopen` and initialized once per process.
///
/// Cryptoki is process-wide state: `C_Initialize` may be called once per library and process
/// (a second call returns `CKR_CRYPTOKI_ALREADY_INITIALIZED`), and login state is shared by all of
/// the application's sessions on a token (PKCS#11 v2.40 section 6.7.6). So every signer using
/// the same library shares one instance, kept for the life of the process (`C_Finalize` would
/// pull the library from under any other signer). Initialized with `CKF_OS_LOCKING_OK`, the
/// library is safe to call from several threads; a single session is used by one thread at a time.
final class PKCS11Library: @unchecked Sendable {
    let path: String
    private let functions: UnsafeMutablePointer<CK_FUNCTION_LIST>

    private static let loaded = Mutex<[String: PKCS11Library]>([:])

    /// The library at `path`, loaded and initialized on first use.
    static func shared(path: String) throws -> PKCS11Library {
        try loaded.withLock { libraries in
            if let library = libraries[path] { return library }
            let library = try PKCS11Library(path: path)
            libraries[path] = library
            return library
        }
    }

    private init(path: String) throws {
        self.path = path
        var handle: UnsafeMutableRawPointer?
        var error: UnsafePointer<CChar>?
        guard let list = cpkcs11_load(path, &handle, &error) else {
            throw PKCS11Error("cannot load the PKCS#11 library '\(path)': \(error.map { String(cString: $0) } ?? "unknown error")")
        }
        functions = list
        var args = CK_C_INITIALIZE_ARGS()
        args.flags = CK_FLAGS(CKF_OS_LOCKING_OK)
        let rv = functions.pointee.C_Initialize(&args)
        // Another component of this process (or a test) may have initialized it already: usable.
        guard rv == CKR_OK || rv == CKR_CRYPTOKI_ALREADY_INITIALIZED else {
            throw PKCS11Error("cannot initialize the PKCS#11 library '\(path)': C_Initialize failed: \(PKCS11Error.name(of: rv))")
        }
    }

    private func check(_ rv: CK_RV, _ call: String) throws {
        guard rv == CKR_OK else { throw PKCS11Error(call: call, returnValue: rv) }
    }

    // MARK: slots and sessions

    /// The slot holding the token labelled `label` (a token's label is 32 bytes, blank padded).
    func slot(tokenLabel label: String) throws -> CK_SLOT_ID? {
        var count: CK_ULONG = 0
        try check(functions.pointee.C_GetSlotList(CK_BBOOL(CK_TRUE), nil, &count), "C_GetSlotList")
        var slots = [CK_SLOT_ID](repeating: 0, count: Int(count))
        try check(functions.pointee.C_GetSlotList(CK_BBOOL(CK_TRUE), &slots, &count), "C_GetSlotList")
        for slot in slots.prefix(Int(count)) {
            var info = CK_TOKEN_INFO()
            // A slot whose token went away between the two calls is simply not the one.
            guard functions.pointee.C_GetTokenInfo(slot, &info) == CKR_OK else { continue }
            let bytes = withUnsafeBytes(of: info.label) { Array($0) }
            if Self.trimmedLabel(bytes) == label { return slot }
        }
        return nil
    }

    /// The labels of the tokens present (for error messages).
    func tokenLabels() -> [String] {
        var count: CK_ULONG = 0
        guard functions.pointee.C_GetSlotList(CK_BBOOL(CK_TRUE), nil, &count) == CKR_OK else { return [] }
        var slots = [CK_SLOT_ID](repeating: 0, count: Int(count))
        guard functions.pointee.C_GetSlotList(CK_BBOOL(CK_TRUE), &slots, &count) == CKR_OK else { return [] }
        return slots.prefix(Int(count)).compactMap { slot in
            var info = CK_TOKEN_INFO()
            guard functions.pointee.C_GetTokenInfo(slot, &info) == CKR_OK else { return nil }
            return Self.trimmedLabel(withUnsafeBytes(of: info.label) { Array($0) })
        }
    }

    static func trimmedLabel(_ bytes: [UInt8]) -> String {
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0) { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// A serial session, read-only unless `readWrite` (signing needs no R/W session; `setPIN` does).
    func openSession(slot: CK_SLOT_ID, readWrite: Bool = false) throws -> CK_SESSION_HANDLE {
        var session: CK_SESSION_HANDLE = 0
        let flags = CKF_SERIAL_SESSION | (readWrite ? CKF_RW_SESSION : 0)
        try check(functions.pointee.C_OpenSession(slot, CK_FLAGS(flags), nil, nil, &session), "C_OpenSession")
        return session
    }

    /// Changes the logged-in user's PIN (`C_SetPIN`, an R/W session). The gateway never does;
    /// tests use it to make a token refuse the PIN a signer holds.
    func setPIN(_ session: CK_SESSION_HANDLE, old: String, new: String) throws {
        var oldBytes = Array(old.utf8), newBytes = Array(new.utf8)
        try check(functions.pointee.C_SetPIN(session, &oldBytes, CK_ULONG(oldBytes.count), &newBytes, CK_ULONG(newBytes.count)), "C_SetPIN")
    }

    /// Closes `session`; a failure only means it is gone already.
    func closeSession(_ session: CK_SESSION_HANDLE) {
        _ = functions.pointee.C_CloseSession(session)
    }

    /// Logs the normal user in; already logged in (by another session of this process) is fine.
    func login(_ session: CK_SESSION_HANDLE, pin: String) throws {
        var bytes = Array(pin.utf8)
        defer { for i in bytes.indices { bytes[i] = 0 } }
        let rv = functions.pointee.C_Login(session, CK_USER_TYPE(CKU_USER), &bytes, CK_ULONG(bytes.count))
        guard rv != CKR_USER_ALREADY_LOGGED_IN else { return }
        try check(rv, "C_Login")
    }

    /// Logs the user out of the token (every session of this process; PKCS#11 section 5.6).
    func logout(_ session: CK_SESSION_HANDLE) throws {
        try check(functions.pointee.C_Logout(session), "C_Logout")
    }

    // MARK: objects

    /// The private EC keys with this label and/or ID (at most 16: more is a configuration problem).
    func findPrivateKeys(_ session: CK_SESSION_HANDLE, label: String?, id: [UInt8]?) throws -> [CK_OBJECT_HANDLE] {
        var keyClass = CK_OBJECT_CLASS(CKO_PRIVATE_KEY)
        var keyType = CK_KEY_TYPE(CKK_EC)
        var labelBytes = Array((label ?? "").utf8)
        var idBytes = id ?? []
        return try withUnsafeMutableBytes(of: &keyClass) { classPtr in
            try withUnsafeMutableBytes(of: &keyType) { typePtr in
                try labelBytes.withUnsafeMutableBytes { labelPtr in
                    try idBytes.withUnsafeMutableBytes { idPtr in
                        var template = [
                            CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(CKA_CLASS), pValue: classPtr.baseAddress, ulValueLen: CK_ULONG(classPtr.count)),
                            CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(CKA_KEY_TYPE), pValue: typePtr.baseAddress, ulValueLen: CK_ULONG(typePtr.count)),
                        ]
                        if label != nil {
                            template.append(CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(CKA_LABEL), pValue: labelPtr.baseAddress,
                                                         ulValueLen: CK_ULONG(labelPtr.count)))
                        }
                        if id != nil {
                            template.append(CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(CKA_ID), pValue: idPtr.baseAddress, ulValueLen: CK_ULONG(idPtr.count)))
                        }
                        return try findObjects(session, template: &template)
                    }
                }
            }
        }
    }

    private func findObjects(_ session: CK_SESSION_HANDLE, template: inout [CK_ATTRIBUTE]) throws -> [CK_OBJECT_HANDLE] {
        try check(functions.pointee.C_FindObjectsInit(session, &template, CK_ULONG(template.count)), "C_FindObjectsInit")
        defer { _ = functions.pointee.C_FindObjectsFinal(session) }
        var found = [CK_OBJECT_HANDLE](repeating: 0, count: 16)
        var count: CK_ULONG = 0
        try check(functions.pointee.C_FindObjects(session, &found, CK_ULONG(found.count), &count), "C_FindObjects")
        return Array(found.prefix(Int(count)))
    }

    // MARK: signing

    /// `CKM_ECDSA` over a precomputed digest: the raw `r || s` (each the size of the curve order,
    /// PKCS#11 v2.40 section 2.3.1), not DER.
    func signECDSA(_ session: CK_SESSION_HANDLE, key: CK_OBJECT_HANDLE, digest: [UInt8]) throws -> [UInt8] {
        var mechanism = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(CKM_ECDSA), pParameter: nil, ulParameterLen: 0)
        try check(functions.pointee.C_SignInit(session, &mechanism, key), "C_SignInit")
        var data = digest
        // 2 x 66 bytes covers P-521; a smaller buffer would leave the operation active.
        var signature = [UInt8](repeating: 0, count: 132)
        var length = CK_ULONG(signature.count)
        try check(functions.pointee.C_Sign(session, &data, CK_ULONG(data.count), &signature, &length), "C_Sign")
        return Array(signature.prefix(Int(length)))
    }
}
