import Foundation

/// An identity's key in a PKCS#11 token (`pkcs11:` under `adminIdentity`/`clientIdentity`):
/// the vendor library, the token label, a reference to the user PIN and the key's label or ID.
public struct PKCS11Settings: Sendable, Equatable {
    public var library: String
    /// The token's label (`softhsm2-util --init-token --label ...`).
    public var tokenLabel: String
    /// The user PIN, by reference: never written in the configuration in clear.
    public var pin: SecretReference
    /// `CKA_LABEL` of the private key.
    public var keyLabel: String?
    /// `CKA_ID` of the private key (hex in the file; Fabric's BCCSP uses the key's SKI).
    public var keyID: [UInt8]?

    public init(library: String, tokenLabel: String, pin: SecretReference, keyLabel: String?, keyID: [UInt8]?) {
        self.library = library
        self.tokenLabel = tokenLabel
        self.pin = pin
        self.keyLabel = keyLabel
        self.keyID = keyID
    }
}

/// A secret named in the configuration rather than written there: `env:NAME` (an environment
/// variable) or `file:PATH` (a file's content, without a trailing newline).
public enum SecretReference: Sendable, Equatable, CustomStringConvertible {
    case environment(String)
    case file(String)

    /// Parses `env:NAME` or `file:PATH`; nil for anything else (a secret in clear).
    public init?(_ text: String) {
        if text.hasPrefix("env:"), text.count > 4 {
            self = .environment(String(text.dropFirst(4)))
        } else if text.hasPrefix("file:"), text.count > 5 {
            self = .file(String(text.dropFirst(5)))
        } else {
            return nil
        }
    }

    /// The reference as written (`env:ORG1_HSM_PIN`), never the secret.
    public var description: String {
        switch self {
        case .environment(let name): "env:\(name)"
        case .file(let path): "file:\(path)"
        }
    }

    /// The secret; errors name the variable or the file, never a value.
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw ConfigurationError(source: .environment(name), problem: "is not set (it holds a PIN named by the configuration)")
            }
            return value
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError(source: .configFile(path), problem: "cannot read the secret file")
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            guard !text.isEmpty else { throw ConfigurationError(source: .configFile(path), problem: "the secret file is empty") }
            return text
        }
    }
}
