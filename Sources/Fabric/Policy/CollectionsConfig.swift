import FabricProtos
import Foundation

/// The peer CLI's `--collections-config` JSON (internal/peer/chaincode/common.go
/// `getCollectionConfigFromBytes`) converted to a `protos.CollectionConfigPackage`.
///
/// An array of objects with `name`, `policy` (DSL), `requiredPeerCount` (default 0),
/// `maxPeerCount` (default 1), `blockToLive`, `memberOnlyRead`, `memberOnlyWrite` and
/// `endorsementPolicy: {signaturePolicy | channelConfigPolicy}`. Keys match
/// case-insensitively, unknown keys are ignored (Go `encoding/json`).
public enum CollectionsConfig {
    /// Throws `DefinitionValidationError` with a message naming the collection and field.
    public static func parse(json: [UInt8]) throws(DefinitionValidationError) -> Protos_CollectionConfigPackage {
        // Not JSON at all or not an array: the same message (what is expected) either way.
        guard let array = (try? JSONSerialization.jsonObject(with: Data(json))) as? [Any] else {
            throw DefinitionValidationError("could not parse the collection configuration: expected a JSON array of objects")
        }
        var package = Protos_CollectionConfigPackage()
        for (index, element) in array.enumerated() {
            guard let object = element as? [String: Any] else {
                throw DefinitionValidationError("could not parse the collection configuration: item \(index) is not an object")
            }
            var config = Protos_CollectionConfig()
            config.staticCollectionConfig = try collection(JSONObject(object), index: index)
            package.config.append(config)
        }
        return package
    }

    private static func collection(_ object: JSONObject, index: Int) throws(DefinitionValidationError) -> Protos_StaticCollectionConfig {
        var c = Protos_StaticCollectionConfig()
        c.name = try object.string("name") ?? ""
        let policy = try object.string("policy") ?? ""
        do {
            c.memberOrgsPolicy.signaturePolicy = try SignaturePolicyParser.parse(policy)
        } catch {
            throw DefinitionValidationError("invalid policy \(policy): \(error.message)")
        }
        c.requiredPeerCount = try object.int32("requiredPeerCount") ?? 0
        c.maximumPeerCount = try object.int32("maxPeerCount") ?? 1
        c.blockToLive = try object.uint64("blockToLive") ?? 0
        c.memberOnlyRead = try object.bool("memberOnlyRead") ?? false
        c.memberOnlyWrite = try object.bool("memberOnlyWrite") ?? false
        if let endorsement = try object.object("endorsementPolicy"),
           let policy = try endorsementPolicy(endorsement, collection: c.name) {
            c.endorsementPolicy = policy
        }
        return c
    }

    private static func endorsementPolicy(_ object: JSONObject, collection: String) throws(DefinitionValidationError) -> Protos_ApplicationPolicy? {
        let signature = try object.string("signaturePolicy") ?? ""
        let reference = try object.string("channelConfigPolicy") ?? ""
        switch (signature.isEmpty, reference.isEmpty) {
        case (true, true): return nil
        case (false, false):
            throw DefinitionValidationError("invalid endorsement policy for collection '\(collection)': cannot specify both \"--signature-policy\" and \"--channel-config-policy\"")
        case (false, true):
            var policy = Protos_ApplicationPolicy()
            do {
                policy.signaturePolicy = try SignaturePolicyParser.parse(signature)
            } catch {
                throw DefinitionValidationError("invalid endorsement policy for collection '\(collection)': \(error.message)")
            }
            return policy
        case (true, false):
            var policy = Protos_ApplicationPolicy()
            policy.channelConfigPolicyReference = reference
            return policy
        }
    }
}

/// Case-insensitive, typed access to a JSON object.
private struct JSONObject {
    let values: [String: Any]

    init(_ values: [String: Any]) { self.values = values }

    private func value(_ key: String) -> Any? {
        if let v = values[key] { return v }
        return values.first { $0.key.lowercased() == key.lowercased() }?.value
    }

    private func typeError(_ key: String, _ type: String) -> DefinitionValidationError {
        DefinitionValidationError("could not parse the collection configuration: '\(key)' must be \(type)")
    }

    func string(_ key: String) throws(DefinitionValidationError) -> String? {
        guard let v = value(key), !(v is NSNull) else { return nil }
        guard let s = v as? String else { throw typeError(key, "a string") }
        return s
    }

    func object(_ key: String) throws(DefinitionValidationError) -> JSONObject? {
        guard let v = value(key), !(v is NSNull) else { return nil }
        guard let o = v as? [String: Any] else { throw typeError(key, "an object") }
        return JSONObject(o)
    }

    func bool(_ key: String) throws(DefinitionValidationError) -> Bool? {
        guard let v = value(key), !(v is NSNull) else { return nil }
        guard let b = v as? Bool else { throw typeError(key, "a boolean") }
        return b
    }

    func int32(_ key: String) throws(DefinitionValidationError) -> Int32? {
        guard let v = value(key), !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, let i = Int32(exactly: n.doubleValue) else { throw typeError(key, "a 32-bit integer") }
        return i
    }

    func uint64(_ key: String) throws(DefinitionValidationError) -> UInt64? {
        guard let v = value(key), !(v is NSNull) else { return nil }
        guard let n = v as? NSNumber, n.doubleValue >= 0, n.doubleValue == n.doubleValue.rounded() else {
            throw typeError(key, "a non-negative integer")
        }
        return n.uint64Value
    }
}
