import Foundation

/// metadata.json of an install package (`persistence.ChaincodePackageMetadata`).
public struct PackageMetadata: Sendable, Equatable, Codable {
    public var type: String
    public var path: String
    public var label: String

    public init(type: String, path: String, label: String) {
        self.type = type
        self.path = path
        self.label = label
    }

    /// Parses like Go's `encoding/json` into the peer's struct: keys match case-insensitively
    /// (an exact lower-case key wins), unknown keys are ignored, `null` leaves the zero value,
    /// a value of the wrong type is an error worded as Go words it.
    public static func parse(_ bytes: [UInt8]) throws -> PackageMetadata {
        let fields = try GoJSONObject.decode(bytes, goType: "persistence.ChaincodePackageMetadata",
                                             context: "could not unmarshal metadata.json as json")
        func string(_ key: String) throws -> String {
            try fields.string(key, goField: "ChaincodePackageMetadata.\(key)",
                              context: "could not unmarshal metadata.json as json") ?? ""
        }
        return PackageMetadata(type: try string("type"), path: try string("path"), label: try string("label"))
    }

    /// JSON as Fabric's CLI writes it: keys path, type, label in that order.
    public var cliJSON: String {
        "{\"path\":\(GoJSONObject.quote(path)),\"type\":\(GoJSONObject.quote(type)),\"label\":\(GoJSONObject.quote(label))}"
    }

    /// Validates a label as the peer does (persistence.ValidateLabel); returns the peer's message.
    public static func validate(label: String) throws {
        let isAlnum: (UInt8) -> Bool = {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a)
        }
        let bytes = Array(label.utf8)
        let ok = bytes.first.map(isAlnum) == true
            && bytes.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
                || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }
        guard ok else {
            throw PackageError.invalid("invalid label '\(label)'. Label must be non-empty, can only consist of "
                + "alphanumerics, symbols from '.+-_', and can only begin with alphanumerics")
        }
    }
}
