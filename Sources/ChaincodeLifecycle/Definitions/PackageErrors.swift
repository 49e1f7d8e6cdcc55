import JSON

/// 409 `package_missing`: approving or committing would leave peers that run the chaincode
/// today without a package, and the request did not say so explicitly.
public struct PackageMissingError: Error, CustomStringConvertible, Sendable {
    public enum Action: String, Sendable { case approve, commit }

    var action: Action
    var channel: String
    var name: String
    var sequence: Int64
    var committedSequence: Int64
    /// Approve: each org and the package its peers run today. Commit: the orgs that approved
    /// the definition without a package (with no package to name).
    var orgs: [(org: String, packageID: String?)]

    public var description: String {
        let names = orgs.map(\.org).joined(separator: ", ")
        switch action {
        case .approve:
            let running = orgs.map { "\($0.org) runs \($0.packageID ?? "-")" }.joined(separator: ", ")
            return "approving sequence \(sequence) of '\(name)' without a package would stop the chaincode on the peers of \(names) "
                + "(today, at sequence \(committedSequence): \(running)); set their packageIds, or say \"packageIds\": {\"<msp>\": null} "
                + "in the draft or \"allowNoPackage\": true in the approval to approve without one"
        case .commit:
            return "committing sequence \(sequence) of '\(name)' would leave every organization without a package: \(names) approved it "
                + "without one, so no peer could run the chaincode; approve with package IDs, or commit with \"allowNoPackage\": true"
        }
    }

    public let code = "package_missing"

    public var details: [(String, JSONValue)] {
        [
            ("sequence", .int(Int(sequence))), ("committedSequence", .int(Int(committedSequence))),
            ("orgs", .array(orgs.map { o in
                .object([("mspId", .string(o.org))] + (action == .approve ? [("runningPackageId", .optional(o.packageID))] : []))
            })),
        ]
    }
}

/// 409 `chaincode_unavailable`: the committed definition is one no configured org's peers can
/// run, because the orgs that approved it did so without a package (or with one their peers do
/// not have installed).
public struct ChaincodeUnavailableError: Error, CustomStringConvertible, Sendable {
    var channel: String
    var name: String
    var sequence: Int64
    var approvedWithoutPackage: [String]
    var notInstalled: [String]

    public var description: String {
        var why: [String] = []
        if !approvedWithoutPackage.isEmpty { why.append("\(approvedWithoutPackage.joined(separator: ", ")) approved it without a package") }
        if !notInstalled.isEmpty { why.append("the package \(notInstalled.joined(separator: ", ")) approved is not installed on its peers") }
        return "chaincode '\(name)' is committed on '\(channel)' at sequence \(sequence), but no peer can run it: "
            + why.joined(separator: "; ") + "; approve the committed sequence again with a package ID"
    }

    public let code = "chaincode_unavailable"

    public var details: [(String, JSONValue)] {
        [
            ("sequence", .int(Int(sequence))), ("approvedWithoutPackage", .strings(approvedWithoutPackage)),
            ("packageNotInstalled", .strings(notInstalled)),
        ]
    }
}
