internal import CPKCS11
import Fabric
import Synchronization
import TLSCrypto

/// A `Signer` whose EC private key stays in a PKCS#11 token: `CKM_ECDSA` over the SHA-256 digest,
/// the token's raw `r || s` turned into low-S DER exactly as `PrivateKeySigner` does
/// (Fabric's bccsp/pkcs11/pkcs11.go `signECDSA`: `signP11ECDSA`, `utils.ToLowS`, `utils.MarshalECDSASignature`).
///
/// Sessions come from a small pool (one per concurrent signer, reused). When the token goes away
/// or logs out, the next signature drops every session, finds the token by label again, logs in
/// and finds the key; if that fails it throws `SignerUnavailableError` (an HTTP 503), and a later
/// signature tries again, so signing recovers by itself when the token returns.
public final class PKCS11Signer: Signer {
    public let location: PKCS11KeyLocation
    /// The certificate's public key: every signature's curve, and the start-up match check.
    private let publicKey: ECPublicKey
    private let library: PKCS11Library
    private let state = Mutex(Connection())

    /// What a connection to the token holds; `key == nil` means "connect before signing".
    private struct Connection {
        var slot: CK_SLOT_ID = 0
        var key: CK_OBJECT_HANDLE?
        var idle: [CK_SESSION_HANDLE] = []
        /// Bumped on every reconnect, so a session from before it is closed, not pooled.
        var generation = 0
        /// Set when the token refused the PIN at run time: no further login is tried, because
        /// tokens lock a PIN after a few wrong attempts (`CKF_USER_PIN_LOCKED`) and every API
        /// call would make one. A restart (with the right PIN) clears it.
        var pinRefused: String?
    }

    /// Opens the token, logs in, finds the key and checks it against `certificate` by signing a
    /// random digest and verifying it with the certificate's public key.
    /// Throws `PKCS11Error` naming the library, token, key and `certificateName`.
    public init(location: PKCS11KeyLocation, certificate: X509Certificate, certificateName: String) throws {
        self.location = location
        do {
            publicKey = try ECPublicKey(subjectPublicKeyInfoDER: certificate.subjectPublicKeyInfoDER)
        } catch let error as CryptoError {
            throw PKCS11Error("certificate '\(certificateName)': \(error.message)")
        }
        library = try PKCS11Library.shared(path: location.library)
        try state.withLock { try connect(&$0) }
        let probe = SecureRandom.bytes(32)
        let mismatch = PKCS11Error("\(location.keyName) does not match the certificate '\(certificateName)'")
        let signature: [UInt8]
        do {
            signature = try sign(digest: probe)
        } catch let error as PKCS11Error where error.call == nil {
            throw mismatch  // a signature of another curve's size: another key
        }
        guard publicKey.isValidSignature(signature, forDigest: probe) else { throw mismatch }
    }

    deinit {
        state.withLock { c in
            for session in c.idle { library.closeSession(session) }
        }
    }

    public func sign(digest: [UInt8]) throws -> [UInt8] {
        // A second attempt after a reconnect: a logged-out token or a closed session recovers at once.
        for attempt in 0..<2 {
            let (session, key, generation) = try checkOut()
            do {
                let raw = try library.signECDSA(session, key: key, digest: digest)
                checkIn(session, generation: generation)
                return try Self.der(raw: raw, curve: publicKey.curve)
            } catch let error as PKCS11Error where error.meansTokenUnavailable {
                library.closeSession(session)
                invalidate(generation: generation)
                if attempt == 1 { throw SignerUnavailableError("\(location.keyName) is unavailable: \(error.message)") }
            } catch {
                checkIn(session, generation: generation)
                throw error
            }
        }
        preconditionFailure("unreachable: the loop returns or throws")
    }

    /// `r || s` (two halves of equal size) as DER `ECDSA-Sig-Value`, low S.
    static func der(raw: [UInt8], curve: ECCurve) throws -> [UInt8] {
        guard !raw.isEmpty, raw.count % 2 == 0, raw.count / 2 <= curve.scalarBytes else {
            throw PKCS11Error("the token returned a \(raw.count)-byte ECDSA signature for a \(curve) key")
        }
        let half = raw.count / 2
        return ECDSASignature(r: Array(raw[..<half]), s: Array(raw[half...])).normalizedToLowS(on: curve).derRepresentation
    }

    // MARK: sessions

    /// An idle session (or a new one) and the key handle; connects first when needed.
    private func checkOut() throws -> (CK_SESSION_HANDLE, CK_OBJECT_HANDLE, Int) {
        try state.withLock { c in
            if let refused = c.pinRefused {
                throw SignerUnavailableError("\(location.keyName) is unavailable: \(refused); no further login is tried"
                                             + " (a token locks its PIN after a few wrong ones): restart the gateway with the right PIN")
            }
            if c.key == nil {
                do {
                    try connect(&c)
                } catch let error as PKCS11Error {
                    if error.refusesPIN { c.pinRefused = error.message }
                    throw SignerUnavailableError("\(location.keyName) is unavailable: \(error.message)")
                }
            }
            guard let key = c.key else { preconditionFailure("connect sets the key") }
            if let session = c.idle.popLast() { return (session, key, c.generation) }
            do {
                return (try library.openSession(slot: c.slot), key, c.generation)
            } catch let error as PKCS11Error {
                disconnect(&c)
                throw SignerUnavailableError("\(location.keyName) is unavailable: \(error.message)")
            }
        }
    }

    private func checkIn(_ session: CK_SESSION_HANDLE, generation: Int) {
        let pooled = state.withLock { c -> Bool in
            guard c.generation == generation, c.key != nil else { return false }
            c.idle.append(session)
            return true
        }
        if !pooled { library.closeSession(session) }
    }

    /// Forgets the connection `generation` (once: concurrent failures of the same one reconnect once).
    private func invalidate(generation: Int) {
        state.withLock { c in
            if c.generation == generation { disconnect(&c) }
        }
    }

    private func disconnect(_ c: inout Connection) {
        for session in c.idle { library.closeSession(session) }
        c.idle = []
        c.key = nil
        c.generation += 1
    }

    /// Finds the token by label, opens a session, logs in, finds exactly one matching key.
    private func connect(_ c: inout Connection) throws {
        disconnect(&c)
        guard let slot = try library.slot(tokenLabel: location.tokenLabel) else {
            let present = library.tokenLabels().map { "'\($0)'" }.joined(separator: ", ")
            throw PKCS11Error("no PKCS#11 token labelled '\(location.tokenLabel)' in '\(location.library)'"
                              + " (tokens present: \(present.isEmpty ? "none" : present))")
        }
        let session = try library.openSession(slot: slot)
        do {
            do {
                try library.login(session, pin: location.pin)
            } catch let error as PKCS11Error where error.refusesPIN {
                throw PKCS11Error(refusedPIN: error.returnValue,
                                  "cannot log in to PKCS#11 token '\(location.tokenLabel)': \(PKCS11Error.name(of: error.returnValue))"
                                  + " (check the PIN reference)")
            }
            let keys = try library.findPrivateKeys(session, label: location.keyLabel, id: location.keyID)
            guard keys.count == 1, let key = keys.first else {
                throw PKCS11Error(keys.isEmpty ? "no EC private \(location.keyName)"
                                               : "\(keys.count) EC private keys match the \(location.keyName): give keyId too")
            }
            c.slot = slot
            c.key = key
            c.idle = [session]
        } catch {
            library.closeSession(session)
            throw error
        }
    }
}
