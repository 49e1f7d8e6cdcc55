// libFuzzer target: the block decoding the lifecycle tracker uses: a Common_Block decoded from
// the input, Common_Block.transactions() and LifecycleTransactionDecoder.records(in:...).
// Built by scripts/fuzz.sh (with FabricProtos and SwiftProtobuf compiled from source).
//
// Invariants checked, beyond "does not crash":
// - transactions() throws only FabricProtocolError; on success it returns one transaction per
//   envelope, in order, with the validation code of TRANSACTIONS_FILTER (NOT_VALIDATED past it);
// - every lifecycle record belongs to an endorser transaction of the block, with its txID,
//   index, channel and block number, and each endorser transaction yields at most one record
//   or one `undecodable` report, never both; commits carry no package ID;
// - the block re-encodes and decodes to an equal message.
import FabricProtos
import Fabric
import Foundation
import SwiftProtobuf

func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("Invariant failed: \(message())") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = size == 0 ? Data() : Data(bytes: data!, count: size)
    guard let block = try? Common_Block(serializedBytes: input) else { return 0 }
    if let again = try? Common_Block(serializedBytes: block.serializedData()) {
        check(again == block, "block does not survive re-encoding")
    } else {
        fatalError("Invariant failed: a decoded block does not re-encode")
    }
    let transactions: [BlockTransaction]
    do {
        transactions = try block.transactions()
    } catch is FabricProtocolError {
        return 0
    } catch {
        fatalError("Invariant failed: transactions() threw \(type(of: error)): \(error)")
    }
    check(transactions.count == block.data.data.count, "\(transactions.count) transactions for \(block.data.data.count) envelopes")
    let codes = block.transactionValidationCodes
    for (i, tx) in transactions.enumerated() {
        check(tx.index == i, "transaction \(i) has index \(tx.index)")
        check(tx.validationCode == (i < codes.count ? codes[i] : .notValidated), "transaction \(i) validation code")
    }
    var reported: [Int] = []
    let records = LifecycleTransactionDecoder.records(in: transactions, block: block.header.number, channel: "fuzzchannel") { tx, _ in
        reported.append(tx.index)
    }
    let endorser = Int32(Common_HeaderType.endorserTransaction.rawValue)
    var seen = Set(reported)
    check(seen.count == reported.count, "a transaction reported undecodable twice")
    for r in records {
        check(transactions.indices.contains(r.txIndex), "record index \(r.txIndex) out of range")
        let tx = transactions[r.txIndex]
        check(tx.headerType == endorser, "record from a non-endorser transaction")
        check(seen.insert(r.txIndex).inserted, "transaction \(r.txIndex) gave two records or a record and an error")
        check(r.txID == tx.transactionID && r.channel == "fuzzchannel" && r.blockNumber == block.header.number
              && r.validationCode == tx.validationCode, "record facts differ from its transaction")
        check(r.kind == .approval || r.packageID == nil, "a commit with a package ID")
        check(!r.timestamp.isEmpty, "empty timestamp")
    }
    // The throwing entry point agrees with the split one.
    let direct = try? LifecycleTransactionDecoder.records(in: block, channel: "fuzzchannel") { _, _ in }
    check(direct == records, "records(in: block) differs from records(in: transactions)")
    return 0
}

// MARK: Seeds (scripts/fuzz.sh --seeds): a block with an approval, a commit and other transactions.

func envelope(type: Common_HeaderType, txID: String, mspID: String, function: String?, args: Data) -> Data {
    var creator = Msp_SerializedIdentity()
    creator.mspid = mspID
    creator.idBytes = Data("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8)
    var signatureHeader = Common_SignatureHeader()
    signatureHeader.creator = try! creator.serializedData()
    signatureHeader.nonce = Data([1, 2, 3, 4])
    var channelHeader = Common_ChannelHeader()
    channelHeader.type = Int32(type.rawValue)
    channelHeader.channelID = "mychannel"
    channelHeader.txID = txID
    channelHeader.timestamp = Google_Protobuf_Timestamp(seconds: 1_700_000_000, nanos: 123_000_000)
    var spec = Protos_ChaincodeSpec()
    spec.chaincodeID.name = function == nil ? "basic" : "_lifecycle"
    spec.input.args = [Data((function ?? "CreateAsset").utf8), args]
    var invocation = Protos_ChaincodeInvocationSpec()
    invocation.chaincodeSpec = spec
    var proposalPayload = Protos_ChaincodeProposalPayload()
    proposalPayload.input = try! invocation.serializedData()
    var actionPayload = Protos_ChaincodeActionPayload()
    actionPayload.chaincodeProposalPayload = try! proposalPayload.serializedData()
    var action = Protos_TransactionAction()
    action.header = try! signatureHeader.serializedData()
    action.payload = try! actionPayload.serializedData()
    var transaction = Protos_Transaction()
    transaction.actions = [action]
    var payload = Common_Payload()
    payload.header.channelHeader = try! channelHeader.serializedData()
    payload.header.signatureHeader = try! signatureHeader.serializedData()
    payload.data = try! transaction.serializedData()
    var env = Common_Envelope()
    env.payload = try! payload.serializedData()
    env.signature = Data(repeating: 0x30, count: 8)
    return try! env.serializedData()
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    guard let dir = ProcessInfo.processInfo.environment["FUZZ_WRITE_SEEDS"] else { return 0 }
    var approve = Lifecycle_ApproveChaincodeDefinitionForMyOrgArgs()
    approve.name = "basic"; approve.version = "1.0"; approve.sequence = 1
    approve.validationParameter = Data([0x12, 0x02, 0x0a, 0x00])
    var local = Lifecycle_ChaincodeSource.Local()
    local.packageID = "basic_1.0:0c7e5b3b6e0a4c5f"
    approve.source.localPackage = local
    var commit = Lifecycle_CommitChaincodeDefinitionArgs()
    commit.name = "basic"; commit.version = "1.0"; commit.sequence = 1; commit.initRequired = true
    var block = Common_Block()
    block.header.number = 7
    block.header.previousHash = Data(repeating: 0xab, count: 32)
    block.data.data = [
        envelope(type: .endorserTransaction, txID: "tx-approve", mspID: "Org1MSP", function: LifecycleTransactionDecoder.approve, args: try! approve.serializedData()),
        envelope(type: .endorserTransaction, txID: "tx-commit", mspID: "Org2MSP", function: LifecycleTransactionDecoder.commit, args: try! commit.serializedData()),
        envelope(type: .endorserTransaction, txID: "tx-invoke", mspID: "Org1MSP", function: nil, args: Data("asset1".utf8)),
    ]
    block.metadata.metadata = [Data(), Data(), Data([0, 11, 0]), Data()]
    _ = FileManager.default.createFile(atPath: "\(dir)/seed-lifecycle-block", contents: try! block.serializedData())
    exit(0)
}
