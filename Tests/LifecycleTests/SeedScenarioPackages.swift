@testable import AdminAPI
import Foundation
import Testing

/// Issue 7's package seed scenarios through the REST API, with 2 and with 3 orgs: orgs running
/// different packages for one definition, one package used by two definitions, and a draft
/// older than the committed sequence.
@Suite("seed scenarios: packages per org, one package for two definitions", .serialized, .timeLimit(.minutes(5)))
struct SeedScenarioPackages {
    typealias S = SeedScenario

    @Test("different packages per org; one package, two definitions; stale draft refused", arguments: [2, 3])
    func packages(orgs: Int) async throws {
        try await LifecycleFixture.run(orgs: orgs) { f in
            let msps = Array(S.allOrgs.prefix(orgs))
            try await differentPackages(f, msps)
            let shared = try await sharedPackage(f, msps)
            try await staleDraft(f, msps, packageID: shared)
        }
    }

    static func path(_ name: String) -> String { S.channel + "/chaincodes/" + name }

    /// `OR(...)`/`AND(...)` over every org's peer, as given and as the gateway renders it.
    static func policy(_ op: String, _ msps: [String], rendered: Bool = false) -> String {
        "\(op)(" + msps.map { "'\($0).peer'" }.joined(separator: rendered ? ", " : ",") + ")"
    }

    /// Builds a ccaas package (distinct label and address, so a distinct package ID) and installs it on `peers`.
    static func install(_ f: LifecycleFixture, label: String, port: Int, peers: [String]?) async throws -> String {
        let built = try await f.admin.post("/api/v1/packages/ccaas", ["label": label, "address": "127.0.0.1:\(port)"])
        let packageID = try #require(built.json["packageId"] as? String, "\(built.text)")
        var body: [String: Any] = ["packageId": packageID]
        if let peers { body["peers"] = peers }
        let started = try await f.admin.post("/api/v1/installs", body)
        let opID = try #require((started.json["operation"] as? [String: Any])?["id"] as? String, "\(started.text)")
        #expect(try await LifecycleEndToEndTests.finished(opID, f)["state"] as? String == "succeeded")
        return packageID
    }

    static func approve(_ f: LifecycleFixture, _ name: String, _ msps: [String], packageIds: [String: Any]? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int {
        var body: [String: Any] = ["orgs": msps]
        if let packageIds { body["packageIds"] = packageIds }
        let r = try await f.admin.post(path(name) + "/approvals", body)
        #expect(r.status == 200, "\(r.text)", sourceLocation: sourceLocation)
        var last = 0
        for msp in msps {
            let one = S.result(r, msp)
            #expect(one?["validationCode"] as? String == "VALID", "\(msp): \(r.text)", sourceLocation: sourceLocation)
            last = max(last, one?["blockNumber"] as? Int ?? 0)
        }
        return last
    }

    /// The approval status once the block listener has seen `block` (so block-sourced notes are there).
    static func status(_ f: LifecycleFixture, _ name: String, afterBlock block: Int) async throws -> [String: Any] {
        await f.services.tracker?.processed(channel: "mychannel", through: UInt64(block))
        let r = try await f.viewer.get(path(name) + "/approvals")
        #expect(r.status == 200, "\(r.text)")
        return r.json
    }

    static func installed(_ f: LifecycleFixture, _ peer: String) async throws -> [[String: Any]] {
        try await f.viewer.get("/api/v1/peers/\(peer)/installed").json["items"] as? [[String: Any]] ?? []
    }

    static func references(_ items: [[String: Any]], _ packageID: String) -> [[String: Any]] {
        items.first { $0["packageId"] as? String == packageID }?["references"] as? [[String: Any]] ?? []
    }

    static func peer(_ msp: String) -> String { "peer0.\(msp.dropLast(3).lowercased()).example.com" }

    /// Each org builds and installs its own package (only on its own peer) and approves the same
    /// definition with its own package ID: Fabric does not compare package IDs (docs/fabric-notes.md §9.2), so
    /// every org is `approved`; the draft's ID for it is only a note. Under AND(all orgs) a VALID
    /// submit shows that every org's peer ran its own package.
    func differentPackages(_ f: LifecycleFixture, _ msps: [String]) async throws {
        let name = "multi"
        var ids: [String: String] = [:]
        for (i, msp) in msps.enumerated() {
            ids[msp] = try await Self.install(f, label: "multi_\(msp.lowercased())", port: 9100 + i, peers: [Self.peer(msp)])
        }
        #expect(Set(ids.values).count == msps.count)
        // The draft names Org1's package for everyone; each other org approves with its own.
        let first = ids[msps[0]]!
        let draft = try await f.admin.put(Self.path(name) + "/draft", ["version": "1.0", "endorsementPolicy": Self.policy("AND", msps),
                                                                        "packageIds": Dictionary(uniqueKeysWithValues: msps.map { ($0, first) })])
        #expect(draft.status == 200 && draft.json["sequence"] as? Int == 1, "\(draft.text)")
        let needed = msps.count / 2 + 1
        for (i, msp) in msps.enumerated() {
            let block = try await Self.approve(f, name, [msp], packageIds: i == 0 ? nil : [msp: ids[msp]!])
            let status = try await Self.status(f, name, afterBlock: block)
            let org = S.orgs(status)[msp]
            #expect(org?["state"] as? String == "approved" && org?["readiness"] as? Bool == true, "\(status)")
            let note = S.difference(status, msp, "packageId")
            if i == 0 {
                #expect(note == nil, "\(status)")
            } else {
                #expect(note?["expected"] as? String == first && note?["actual"] as? String == ids[msp] && note?["note"] as? String == "per-org, allowed",
                        "\(status)")
            }
            #expect(status["ready"] as? Bool == (i + 1 >= needed), "\(status)")
            #expect(status["missing"] as? [String] == Array(msps[(i + 1)...]), "\(status)")
            for later in msps[(i + 1)...] { #expect(S.orgs(status)[later]?["state"] as? String == "not-approved") }
        }
        let committed = try await f.admin.post(Self.path(name) + "/commit")
        #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(committed.text)")
        let def = try await f.viewer.get(Self.path(name)).json["committed"] as? [String: Any]
        #expect(def?["approvals"] as? [String: Bool] == Dictionary(uniqueKeysWithValues: msps.map { ($0, true) }), "\(String(describing: def))")

        // Every org's peer endorses (AND) with its own package; then a query reads it back.
        let created = try await f.admin.post(Self.path(name) + "/submit", ["function": "CreateAsset", "args": ["m1", "red", "3", "Ann", "50"]])
        #expect(created.status == 200 && created.json["validationCode"] as? String == "VALID", "\(created.text)")
        let read = try await f.admin.post(Self.path(name) + "/evaluate", ["function": "ReadAsset", "args": ["m1"]])
        #expect(read.status == 200 && (read.json["json"] as? [String: Any])?["Owner"] as? String == "Ann", "\(read.text)")
        for msp in msps {
            let items = try await Self.installed(f, Self.peer(msp))
            #expect(items.map { $0["packageId"] as? String } == [ids[msp]], "\(msp): \(items)")
            let refs = Self.references(items, ids[msp]!)
            #expect(refs.contains { $0["chaincode"] as? String == name && $0["version"] as? String == "1.0" }, "\(msp): \(items)")
        }
    }

    /// One package installed once on every peer, two chaincode names with different policies.
    func sharedPackage(_ f: LifecycleFixture, _ msps: [String]) async throws -> String {
        let packageID = try await Self.install(f, label: "shared_1", port: 9200, peers: nil)
        let ids = Dictionary(uniqueKeysWithValues: msps.map { ($0, packageID) })
        let defs = [("either", Self.policy("OR", msps)), ("all", Self.policy("AND", msps))]
        for (name, policy) in defs {
            let draft = try await f.admin.put(Self.path(name) + "/draft", ["version": "1.0", "endorsementPolicy": policy, "packageIds": ids])
            #expect(draft.status == 200 && (draft.json["endorsementPolicy"] as? [String: Any])?["text"] as? String == policy, "\(draft.text)")
            let block = try await Self.approve(f, name, msps)
            let status = try await Self.status(f, name, afterBlock: block)
            #expect(status["ready"] as? Bool == true && (status["missing"] as? [String])?.isEmpty == true, "\(status)")
            #expect(S.orgs(status).values.allSatisfy { $0["state"] as? String == "approved" && $0["differences"] == nil }, "\(status)")
            let committed = try await f.admin.post(Self.path(name) + "/commit")
            #expect(committed.status == 200 && committed.json["validationCode"] as? String == "VALID", "\(committed.text)")
        }
        let list = try await f.viewer.get(S.channel + "/chaincodes").json["items"] as? [[String: Any]] ?? []
        for (name, op) in [("either", "OR"), ("all", "AND")] {
            let def = list.first { $0["name"] as? String == name }
            #expect((def?["endorsementPolicy"] as? [String: Any])?["text"] as? String == Self.policy(op, msps, rendered: true), "\(list)")
            #expect(def?["sequence"] as? Int == 1 && def?["approvals"] as? [String: Bool] == Dictionary(uniqueKeysWithValues: msps.map { ($0, true) }))
            let created = try await f.admin.post(Self.path(name) + "/submit", ["function": "CreateAsset", "args": ["\(name)1", "blue", "1", "Bo", "7"]])
            #expect(created.status == 200 && created.json["validationCode"] as? String == "VALID", "\(name): \(created.text)")
            let read = try await f.admin.post(Self.path(name) + "/evaluate", ["function": "ReadAsset", "args": ["\(name)1"]])
            #expect((read.json["json"] as? [String: Any])?["Owner"] as? String == "Bo", "\(name): \(read.text)")
        }
        for msp in msps {
            let refs = Self.references(try await Self.installed(f, Self.peer(msp)), packageID)
            #expect(Set(refs.compactMap { $0["chaincode"] as? String }) == ["either", "all"], "\(msp): \(refs)")
            #expect(refs.allSatisfy { $0["channel"] as? String == "mychannel" && $0["version"] as? String == "1.0" }, "\(refs)")
        }
        return packageID
    }
}
