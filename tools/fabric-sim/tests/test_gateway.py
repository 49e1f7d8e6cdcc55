"""gateway.Gateway Evaluate/Endorse/Submit/CommitStatus (docs/fabric-notes.md §6)."""
import json

import grpc
import pytest

from conftest import deploy, install, make_pkg
from fabclient import Proposal, lc_prop
from fabsim.pb import common, gateway as gw, lifecycle, transaction


def _error_details(err):
    """Decode grpc-status-details-bin: google.rpc.Status -> [gateway.ErrorDetail] (hand-decoded)."""
    from google.protobuf import any_pb2
    raw = dict(err.trailing_metadata())["grpc-status-details-bin"]
    out, i = [], 0

    def varint(b, i):
        n = shift = 0
        while True:
            c = b[i]
            i += 1
            n |= (c & 0x7F) << shift
            shift += 7
            if c < 0x80:
                return n, i
    while i < len(raw):
        key, i = varint(raw, i)
        if key & 7 == 0:
            _, i = varint(raw, i)
            continue
        ln, i = varint(raw, i)
        body, i = raw[i:i + ln], i + ln
        if key >> 3 == 3:
            a = any_pb2.Any.FromString(body)
            assert a.type_url == "type.googleapis.com/gateway.ErrorDetail"
            out.append(gw.ErrorDetail.FromString(a.value))
    return out


def endorse_submit(net, prop, mspid="Org1MSP", orgs=()):
    g = net.gateway(mspid)
    er = g.Endorse(gw.EndorseRequest(transaction_id=prop.tx_id, channel_id="mychannel",
                                     proposed_transaction=prop.signed, endorsing_organizations=list(orgs)),
                   timeout=30)
    env = er.prepared_transaction
    assert not env.signature
    env.signature = prop.ident.sign(env.payload)
    g.Submit(gw.SubmitRequest(transaction_id=prop.tx_id, channel_id="mychannel", prepared_transaction=env),
             timeout=30)
    req = gw.CommitStatusRequest(transaction_id=prop.tx_id, channel_id="mychannel",
                                 identity=prop.ident.creator).SerializeToString()
    st = g.CommitStatus(gw.SignedCommitStatusRequest(request=req, signature=prop.ident.sign(req)), timeout=30)
    net.wait_all(prop.tx_id)       # other peers commit asynchronously
    return st, er


def test_approve_and_commit_through_gateway(net2, ccname):
    from fabclient import Lifecycle
    lc = Lifecycle(net2)
    pid = None
    for m in ("Org1MSP", "Org2MSP"):
        pid = install(lc, m, make_pkg("basic_1"))
        a = lifecycle.ApproveChaincodeDefinitionForMyOrgArgs(sequence=1, name=ccname, version="1.0")
        a.source.local_package.package_id = pid
        p = lc_prop(net2.admin(m), "mychannel", "ApproveChaincodeDefinitionForMyOrg", a)
        st, _ = endorse_submit(net2, p, m, orgs=[m])
        assert st.result == transaction.VALID and st.block_number > 0
    a = lifecycle.CommitChaincodeDefinitionArgs(sequence=1, name=ccname, version="1.0")
    p = lc_prop(net2.admin("Org1MSP"), "mychannel", "CommitChaincodeDefinition", a)
    st, er = endorse_submit(net2, p)          # discovery-like: gathers a LifecycleEndorsement majority
    assert st.result == transaction.VALID
    payload = common.Payload.FromString(er.prepared_transaction.payload)
    tx = transaction.Transaction.FromString(payload.data)
    cap = transaction.ChaincodeActionPayload.FromString(tx.actions[0].payload)
    assert len(cap.action.endorsements) == 2
    q = lc_prop(net2.user("Org2MSP"), "mychannel", "QueryChaincodeDefinition",
                lifecycle.QueryChaincodeDefinitionArgs(name=ccname))
    r = net2.gateway("Org2MSP").Evaluate(gw.EvaluateRequest(transaction_id=q.tx_id, channel_id="mychannel",
                                                             proposed_transaction=q.signed), timeout=10)
    assert lifecycle.QueryChaincodeDefinitionResult.FromString(r.result.payload).sequence == 1


def test_invoke_and_evaluate_user_chaincode(net2, lc2, ccname):
    deploy(lc2, ccname, ["Org1MSP", "Org2MSP"])
    p = Proposal(net2.user("Org1MSP"), "mychannel", ccname, ["InitLedger"])
    st, _ = endorse_submit(net2, p)
    assert st.result == transaction.VALID
    q = Proposal(net2.user("Org2MSP"), "mychannel", ccname, ["ReadAsset", "asset4"])
    r = net2.gateway("Org2MSP").Evaluate(gw.EvaluateRequest(transaction_id=q.tx_id, channel_id="mychannel",
                                                             proposed_transaction=q.signed), timeout=10)
    assert json.loads(r.result.payload)["Owner"] == "Max"
    q = Proposal(net2.user("Org2MSP"), "mychannel", ccname, ["ReadAsset", "zzz"])
    with pytest.raises(grpc.RpcError) as ei:
        net2.gateway("Org2MSP").Evaluate(gw.EvaluateRequest(proposed_transaction=q.signed), timeout=10)
    assert ei.value.code() == grpc.StatusCode.UNKNOWN
    assert ei.value.details() == "evaluate call to endorser returned error: chaincode response 500, the asset zzz does not exist"


def test_gateway_errors(net2, ccname):
    q = lc_prop(net2.admin("Org1MSP"), "", "QueryInstalledChaincodes", lifecycle.QueryInstalledChaincodesArgs())
    with pytest.raises(grpc.RpcError) as ei:
        net2.gateway("Org1MSP").Evaluate(gw.EvaluateRequest(proposed_transaction=q.signed), timeout=10)
    assert ei.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    p = Proposal(net2.user("Org1MSP"), "mychannel", ccname, ["InitLedger"])
    with pytest.raises(grpc.RpcError) as ei:
        net2.gateway("Org1MSP").Submit(gw.SubmitRequest(channel_id="mychannel",
                                                        prepared_transaction=common.Envelope(payload=b"x")))
    assert (ei.value.code(), ei.value.details()) == (grpc.StatusCode.INVALID_ARGUMENT,
                                                     "prepared transaction must be signed")
    with pytest.raises(grpc.RpcError) as ei:      # undefined chaincode: discovery finds no endorsers
        net2.gateway("Org1MSP").Endorse(gw.EndorseRequest(proposed_transaction=p.signed), timeout=10)
    assert ei.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert ei.value.details() == f'failed constructing descriptor for chaincodes:<name:"{ccname}" >'
    with pytest.raises(grpc.RpcError) as ei:
        net2.gateway("Org1MSP").Endorse(gw.EndorseRequest(proposed_transaction=p.signed,
                                                          endorsing_organizations=["Org1MSP"]), timeout=10)
    assert ei.value.code() == grpc.StatusCode.UNAVAILABLE
    assert ei.value.details() == "failed to find any endorsing peers for org(s): Org1MSP"
    req = gw.CommitStatusRequest(transaction_id="nope", channel_id="mychannel",
                                 identity=p.ident.creator).SerializeToString()
    with pytest.raises(grpc.RpcError) as ei:
        net2.gateway("Org1MSP").CommitStatus(gw.SignedCommitStatusRequest(request=req, signature=b"bad"), timeout=5)
    assert ei.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.RpcError) as ei:
        net2.gateway("Org1MSP").CommitStatus(
            gw.SignedCommitStatusRequest(request=req, signature=p.ident.sign(req)), timeout=0.5)
    assert ei.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_endorse_details_when_an_org_did_not_approve(net2, lc2, ccname):
    """Org2 approved without a package, so its peer does not advertise the chaincode: discovery cannot
    find a majority (FAILED_PRECONDITION) and an explicit Org2 has no endorsing peer (UNAVAILABLE)."""
    pid = install(lc2, "Org1MSP", make_pkg("basic_1"))
    assert lc2.approve("Org1MSP", ccname, 1, pid)[0] == 0
    assert lc2.approve("Org2MSP", ccname, 1)[0] == 0
    assert lc2.commit(["Org1MSP", "Org2MSP"], ccname, 1)[0] == 0
    p = Proposal(net2.user("Org1MSP"), "mychannel", ccname, ["InitLedger"])
    with pytest.raises(grpc.RpcError) as ei:
        net2.gateway("Org1MSP").Endorse(gw.EndorseRequest(proposed_transaction=p.signed), timeout=10)
    assert ei.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert ei.value.details().startswith("no combination of peers can be derived which satisfy the endorsement policy")
    with pytest.raises(grpc.RpcError) as ei:
        net2.gateway("Org1MSP").Endorse(gw.EndorseRequest(proposed_transaction=p.signed,
                                                          endorsing_organizations=["Org1MSP", "Org2MSP"]), timeout=10)
    assert ei.value.code() == grpc.StatusCode.UNAVAILABLE
    assert ei.value.details() == "failed to find any endorsing peers for org(s): Org2MSP"


def test_approve_through_gateway_needs_endorsing_organizations(net2, ccname):
    """Without endorsing_organizations the gateway plans on LifecycleEndorsement and asks a foreign org too."""
    a = lifecycle.ApproveChaincodeDefinitionForMyOrgArgs(sequence=1, name=ccname, version="1.0")
    p = lc_prop(net2.admin("Org1MSP"), "mychannel", "ApproveChaincodeDefinitionForMyOrg", a)
    with pytest.raises(grpc.RpcError) as ei:
        net2.gateway("Org1MSP").Endorse(gw.EndorseRequest(proposed_transaction=p.signed), timeout=10)
    assert ei.value.code() == grpc.StatusCode.ABORTED
    details = _error_details(ei.value)
    assert [d.msp_id for d in details] == ["Org2MSP"]
    assert details[0].message.startswith("chaincode response 500, Failed to authorize invocation due to failed ACL check")


def test_commit_through_gateway_without_majority_approval(net2, ccname):
    from fabclient import Lifecycle
    assert Lifecycle(net2).approve("Org1MSP", ccname, 1)[0] == 0
    a = lifecycle.CommitChaincodeDefinitionArgs(sequence=1, name=ccname, version="1.0")
    p = lc_prop(net2.admin("Org1MSP"), "mychannel", "CommitChaincodeDefinition", a)
    with pytest.raises(grpc.RpcError) as ei:
        net2.gateway("Org1MSP").Endorse(gw.EndorseRequest(proposed_transaction=p.signed), timeout=10)
    assert ei.value.code() == grpc.StatusCode.ABORTED
    assert ei.value.details() == "failed to collect enough transaction endorsements, see attached details for more info"
    (d,) = _error_details(ei.value)
    assert d.msp_id == "Org2MSP"
    assert d.message == ("chaincode response 500, failed to invoke backing implementation of "
                         "'CommitChaincodeDefinition': chaincode definition not agreed to by this org (Org2MSP)")
