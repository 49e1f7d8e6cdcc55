import Fabric
import JSON

/// The API rendering of a block-tracked lifecycle transaction (`GET .../history`, SSE).
extension LifecycleRecord {
    var json: JSONValue {
        var f: [(String, JSONValue)] = [
            ("kind", .string(kind.rawValue)), ("channel", .string(channel)), ("name", .string(definition.name)),
            ("mspId", .string(mspID)), ("version", .string(definition.version)), ("sequence", .int(Int(definition.sequence))),
            ("endorsementPolicy", .object([("text", .string(DefinitionJSON.policyText(definition.validationParameter)))])),
            ("endorsementPlugin", .string(definition.endorsementPlugin.isEmpty ? "escc" : definition.endorsementPlugin)),
            ("validationPlugin", .string(definition.validationPlugin.isEmpty ? "vscc" : definition.validationPlugin)),
            ("initRequired", .bool(definition.initRequired)), ("collections", DefinitionJSON.collections(definition.collections)),
        ]
        if kind == .approval { f.append(("packageId", packageID.map(JSONValue.string) ?? .null)) }
        f += [("txId", .string(txID)), ("blockNumber", .int(Int(blockNumber))), ("timestamp", .string(timestamp)),
              ("validationCode", .string(validationCode.name)), ("valid", .bool(isValid))]
        return .object(f)
    }

    /// The SSE event data: the record plus `source: "block"` (the gateway's own approve/commit
    /// calls publish events of the same names with `result` instead).
    var eventJSON: JSONValue {
        guard case .object(let fields) = json else { return json }
        return .object(fields + [("source", .string("block"))])
    }
}
