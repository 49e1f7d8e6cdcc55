"""Proposal validation (docs/fabric-notes.md §3.3) and ACLs (§1) over real gRPC+TLS."""
import grpc
import pytest
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from conftest import make_pkg
from fabclient import Identity, Proposal, lc_prop
from fabsim import crypto
from fabsim.pb import common, lifecycle


def _err(net, mspid, prop):
    with pytest.raises(grpc.RpcError) as ei:
        net.propose(mspid, prop)
    assert ei.value.code() == grpc.StatusCode.UNKNOWN
    return ei.value.details()


def _query_defs(net, ident, channel="mychannel", **kw):
    return lc_prop(ident, channel, "QueryChaincodeDefinitions", lifecycle.QueryChaincodeDefinitionsArgs(), **kw)


def test_valid_query_succeeds(net2):
    r = net2.propose("Org1MSP", _query_defs(net2, net2.user("Org1MSP")))
    assert r.response.status == 200


def test_bad_signature_rejected(net2):
    p = _query_defs(net2, net2.user("Org1MSP"))
    p.signed.signature = net2.user("Org1MSP").sign(b"something else")
    assert _err(net2, "Org1MSP", p) == "error validating proposal: access denied: channel [mychannel] creator org [Org1MSP]"


def test_high_s_signature_rejected(net2):
    p = _query_defs(net2, net2.user("Org1MSP"))
    r, s = decode_dss_signature(p.signed.signature)
    p.signed.signature = encode_dss_signature(r, crypto.P256_N - s)   # valid ECDSA, but high-S
    assert "creator org [Org1MSP]" in _err(net2, "Org1MSP", p)


def test_empty_signature_rejected(net2):
    p = _query_defs(net2, net2.user("Org1MSP"), sign=False)
    assert _err(net2, "Org1MSP", p) == "error validating proposal: empty signature bytes"


def test_wrong_txid_rejected(net2):
    p = _query_defs(net2, net2.user("Org1MSP"), tx_id="abc")
    assert _err(net2, "Org1MSP", p).startswith("error validating proposal: incorrectly computed txid 'abc' -- expected '")


def test_epoch_and_header_type_rejected(net2):
    assert _err(net2, "Org1MSP", _query_defs(net2, net2.user("Org1MSP"), epoch=1)) == \
        "error validating proposal: epoch is non-zero"
    p = _query_defs(net2, net2.user("Org1MSP"), header_type=common.CONFIG_UPDATE)
    assert _err(net2, "Org1MSP", p) == "error validating proposal: invalid header type CONFIG_UPDATE"


def test_missing_chaincode_name(net2):
    p = Proposal(net2.user("Org1MSP"), "mychannel", "", ["x"])
    assert _err(net2, "Org1MSP", p) == "ChaincodeHeaderExtension.ChaincodeId.Name is empty"


def test_unknown_channel_is_a_500_response(net2):
    r = net2.propose("Org1MSP", _query_defs(net2, net2.user("Org1MSP"), channel="nochannel"))
    assert r.response.status == 500
    assert r.response.message == "channel 'nochannel' not found"


def test_creator_from_unknown_ca(net2, tmp_path):
    key, cert = crypto.make_ca("rogue.example.com", "rogue")
    d = tmp_path / "msp"
    crypto.write(str(d / "signcerts" / "cert.pem"), crypto.cert_pem(cert))
    crypto.write(str(d / "keystore" / "priv_sk"), crypto.key_pem(key))
    rogue = Identity("Org1MSP", str(d))
    assert _err(net2, "Org1MSP", _query_defs(net2, rogue)) == \
        "error validating proposal: access denied: channel [mychannel] creator org [Org1MSP]"
    unknown = Identity("RogueMSP", str(d))
    assert _err(net2, "Org1MSP", _query_defs(net2, unknown)) == \
        "error validating proposal: access denied: channel [mychannel] creator org unknown, creator is malformed"


def test_install_by_other_org_admin_is_unknown_creator(net2):
    p = lc_prop(net2.admin("Org2MSP"), "", "InstallChaincode",
                lifecycle.InstallChaincodeArgs(chaincode_install_package=make_pkg("x")))
    assert _err(net2, "Org1MSP", p) == \
        "error validating proposal: access denied: channel [] creator org unknown, creator is malformed"


def test_install_by_non_admin_fails_acl(net2):
    p = lc_prop(net2.user("Org1MSP"), "", "InstallChaincode",
                lifecycle.InstallChaincodeArgs(chaincode_install_package=make_pkg("x")))
    r = net2.propose("Org1MSP", p)
    assert r.response.status == 500
    assert r.response.message == (
        "Failed to authorize invocation due to failed ACL check: Failed verifying that proposal's creator "
        "satisfies local MSP principal during channelless check policy with policy [Admins]: [The identity "
        "is not an admin under this MSP [Org1MSP]: The identity does not contain OU [ADMIN], MSP: [Org1MSP]]")
    assert not r.HasField("endorsement")


def test_approve_acl_needs_admin_of_peer_org(net2):
    a = lifecycle.ApproveChaincodeDefinitionForMyOrgArgs(sequence=1, name="aclcc", version="1.0")
    r = net2.propose("Org1MSP", lc_prop(net2.admin("Org2MSP"), "mychannel", "ApproveChaincodeDefinitionForMyOrg", a))
    assert r.response.status == 500
    assert r.response.message == (
        "Failed to authorize invocation due to failed ACL check: Failed deserializing proposal creator "
        "during channelless check policy with policy [Admins]: [expected MSP ID Org1MSP, received Org2MSP]")
    r = net2.propose("Org1MSP", lc_prop(net2.user("Org1MSP"), "mychannel", "ApproveChaincodeDefinitionForMyOrg", a))
    assert "The identity is not an admin under this MSP [Org1MSP]" in r.response.message
    for fn, args in (("QueryInstalledChaincodes", lifecycle.QueryInstalledChaincodesArgs()),
                     ("QueryApprovedChaincodeDefinition", lifecycle.QueryApprovedChaincodeDefinitionArgs(name="x"))):
        ch = "" if fn == "QueryInstalledChaincodes" else "mychannel"
        r = net2.propose("Org1MSP", lc_prop(net2.user("Org1MSP"), ch, fn, args))
        assert r.response.message.startswith("Failed to authorize invocation due to failed ACL check:")


def test_lifecycle_argument_errors(net2):
    ident = net2.admin("Org1MSP")
    r = net2.propose("Org1MSP", Proposal(ident, "mychannel", "_lifecycle", []))
    assert r.response.message == "lifecycle scc must be invoked with arguments"
    r = net2.propose("Org1MSP", Proposal(ident, "mychannel", "_lifecycle", ["a", "b", "c"]))
    assert r.response.message == "lifecycle scc operations require exactly two arguments but received 3"
    r = net2.propose("Org1MSP", Proposal(ident, "mychannel", "_lifecycle", ["NoSuchFunction", b""]))
    assert r.response.message == ("Failed to authorize invocation due to failed ACL check: "
                                  "Unmapped policy for _lifecycle/NoSuchFunction")


def test_duplicate_txid_rejected_after_commit(net2, lc2, ccname):
    pid = None
    from conftest import install
    pid = install(lc2, "Org1MSP", make_pkg("basic_1"))
    code, r = lc2.approve("Org1MSP", ccname, 1, pid)
    assert code == 0
    # re-send a proposal with the same nonce -> same tx id as an already committed one
    a = lifecycle.ApproveChaincodeDefinitionForMyOrgArgs(sequence=1, name=ccname, version="1.0")
    p1 = lc_prop(net2.admin("Org1MSP"), "mychannel", "ApproveChaincodeDefinitionForMyOrg", a, nonce=b"n" * 24)
    code, _ = net2.transact(p1, [("Org1MSP", 0)])
    assert code == 0
    p2 = lc_prop(net2.admin("Org1MSP"), "mychannel", "ApproveChaincodeDefinitionForMyOrg", a, nonce=b"n" * 24)
    msg = _err(net2, "Org1MSP", p2)
    assert msg.startswith(f"duplicate transaction found [{p1.tx_id}]. Creator [")
