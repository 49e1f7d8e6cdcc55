import Configuration
import Fabric
import Foundation
import PKCS11Signing

extension FabricNetwork {
    /// An identity whose key stays in a PKCS#11 token: the PIN is resolved from its reference,
    /// the token opened, the key found and checked against the certificate (`PKCS11Signer`).
    static func loadPKCS11(certificateFile: String, _ settings: PKCS11Settings, mspID: String) throws -> SigningIdentity {
        guard let bytes = FileManager.default.contents(atPath: certificateFile) else {
            throw IdentityError("cannot read file '\(certificateFile)'")
        }
        let identity: Identity
        do {
            identity = try Identity(mspID: mspID, certificatePEM: Array(bytes))
        } catch let error as IdentityError {
            throw IdentityError("failed to read certificate '\(certificateFile)': \(error.message)")
        }
        let location = PKCS11KeyLocation(library: settings.library, tokenLabel: settings.tokenLabel,
                                          pin: try settings.pin.resolve(), keyLabel: settings.keyLabel, keyID: settings.keyID)
        let signer = try PKCS11Signer(location: location, certificate: identity.certificate, certificateName: certificateFile)
        return SigningIdentity(identity: identity, signer: signer)
    }

    /// Loads every identity of `config` as `init` would (keys read, PKCS#11 tokens opened and
    /// their keys checked) without opening any connection: `check-config`'s identity check.
    /// Returns one line per identity; throws the first failure.
    public static func checkIdentities(_ config: NetworkConfig) throws -> [String] {
        var lines: [String] = []
        for org in config.organizations {
            for (what, source) in [("adminIdentity", org.adminIdentity), ("clientIdentity", org.clientIdentity)] {
                guard let source else { continue }
                let loaded = try load(source, mspID: org.mspID, what: what)
                let keyPlace = (loaded.signer as? PKCS11Signer).map { $0.location.keyName } ?? "a key file"
                lines.append("\(org.mspID) \(what): \(loaded.identity.certificate.subject) with \(keyPlace)")
            }
        }
        return lines
    }
}
