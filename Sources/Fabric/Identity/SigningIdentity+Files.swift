import Foundation
import TLSCrypto

extension SigningIdentity {
    /// Loads an identity from a Fabric MSP folder (`signcerts/` + `keystore/`, docs/fabric-notes.md §2.3).
    ///
    /// The first certificate in `signcerts/` is the identity; the key is the `keystore/` file
    /// whose public key matches it (file names differ between cryptogen and Fabric CA).
    public static func loadMSP(directory: String, mspID: String) throws -> SigningIdentity {
        guard !mspID.isEmpty else { throw IdentityError("MSP ID must not be empty") }
        let certDir = (directory as NSString).appendingPathComponent("signcerts")
        let keyDir = (directory as NSString).appendingPathComponent("keystore")
        guard let certFile = try regularFiles(in: certDir).first else {
            throw IdentityError("no certificate found in '\(certDir)'")
        }
        let identity = try loadIdentity(certificateFile: certFile, mspID: mspID)
        let wanted = identity.certificate.subjectPublicKeyInfoDER
        for keyFile in try regularFiles(in: keyDir) {
            // A keystore may hold other files; if no file is the matching key, the error below says so.
            guard let key = try? ECPrivateKey(pem: readText(keyFile)) else { continue }
            if key.publicKey.subjectPublicKeyInfoDER == wanted {
                return SigningIdentity(identity: identity, signer: PrivateKeySigner(key: key))
            }
        }
        throw IdentityError("no private key in '\(keyDir)' matches the certificate '\(certFile)'")
    }

    /// Loads an identity from a certificate PEM file and a private key PEM file.
    public static func load(certificateFile: String, keyFile: String, mspID: String) throws -> SigningIdentity {
        guard !mspID.isEmpty else { throw IdentityError("MSP ID must not be empty") }
        let identity = try loadIdentity(certificateFile: certificateFile, mspID: mspID)
        let key: ECPrivateKey
        do {
            key = try ECPrivateKey(pem: readText(keyFile))
        } catch let error as CryptoError {
            throw IdentityError("failed to read private key '\(keyFile)': \(error.message)")
        }
        guard key.publicKey.subjectPublicKeyInfoDER == identity.certificate.subjectPublicKeyInfoDER else {
            throw IdentityError("private key '\(keyFile)' does not match the certificate '\(certificateFile)'")
        }
        return SigningIdentity(identity: identity, signer: PrivateKeySigner(key: key))
    }

    private static func loadIdentity(certificateFile: String, mspID: String) throws -> Identity {
        let bytes = try readBytes(certificateFile)
        do {
            return try Identity(mspID: mspID, certificatePEM: bytes)
        } catch let error as IdentityError {
            throw IdentityError("failed to read certificate '\(certificateFile)': \(error.message)")
        }
    }

    private static func regularFiles(in directory: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw IdentityError("cannot read directory '\(directory)'")
        }
        return names.sorted().map { (directory as NSString).appendingPathComponent($0) }.filter { path in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue
        }
    }

    private static func readBytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IdentityError("cannot read file '\(path)'")
        }
        return Array(data)
    }

    private static func readText(_ path: String) throws -> String {
        String(decoding: try readBytes(path), as: UTF8.self)
    }
}
