"""Seed scenarios of the lifecycle (issue 6) on 2- and 3-org networks."""
import json

from conftest import deploy, install, invoke, make_pkg, query
from fabclient import Lifecycle
from fabsim.pb import lifecycle, presp, proposal, transaction
from fabsim.policy import from_string
from fabsim.pb import peerpolicy

NOT_DEFINED = "make sure the chaincode {cc} has been successfully defined on channel mychannel and try again: "


def sig_policy(dsl):
    return peerpolicy.ApplicationPolicy(signature_policy=from_string(dsl)).SerializeToString()


def test_install_define_and_use_asset_transfer(net2, lc2, ccname):
    r = query(net2, ccname, ["GetAllAssets"])
    assert r.response.message == NOT_DEFINED.format(cc=ccname) + f"chaincode {ccname} not found"
    deploy(lc2, ccname, ["Org1MSP", "Org2MSP"], init_required=True)
    r = query(net2, ccname, ["GetAllAssets"])
    assert r.response.status == 500
    assert r.response.message.endswith(f"invalid invocation: chaincode '{ccname}' has not been initialized "
                                       "for this version, must call as init first")
    assert r.response.message.startswith("error in simulation: failed to execute transaction ")
    code, _ = invoke(net2, ccname, ["InitLedger"], is_init=True)
    assert code == transaction.VALID
    code, r = invoke(net2, ccname, ["InitLedger"], is_init=True)
    assert r.response.message.endswith(f"chaincode '{ccname}' is already initialized but called as init")
    r = query(net2, ccname, ["ReadAsset", "asset1"], "Org2MSP")
    assert json.loads(r.response.payload)["Owner"] == "Tomoko"
    code, r = invoke(net2, ccname, ["TransferAsset", "asset1", "Alice"])
    assert code == transaction.VALID and r.response.payload == b"Tomoko"
    assert json.loads(query(net2, ccname, ["ReadAsset", "asset1"]).response.payload)["Owner"] == "Alice"
    code, _ = invoke(net2, ccname, ["CreateAsset", "a9", "red", "1", "Bob", "10"])
    assert code == transaction.VALID
    assert len(json.loads(query(net2, ccname, ["GetAllAssets"]).response.payload)) == 7
    r = query(net2, ccname, ["ReadAsset", "nope"])
    assert (r.response.status, r.response.message) == (500, "the asset nope does not exist")
    assert r.payload and not r.HasField("endorsement")
    # a single org's endorsement does not satisfy the default MAJORITY Endorsement policy
    code, _ = invoke(net2, ccname, ["DeleteAsset", "a9"], endorsers=("Org1MSP",))
    assert code == transaction.ENDORSEMENT_POLICY_FAILURE
    assert query(net2, ccname, ["AssetExists", "a9"]).response.payload == b"true"


def test_upgrade_with_next_sequence(net2, lc2, ccname):
    deploy(lc2, ccname, ["Org1MSP", "Org2MSP"])
    assert invoke(net2, ccname, ["InitLedger"])[0] == transaction.VALID
    pkg2 = make_pkg("basic_2")
    deploy(lc2, ccname, ["Org1MSP", "Org2MSP"], pkg=pkg2, seq=2, version="2.0")
    r = query(net2, ccname, ["ReadAsset", "asset2"])
    act = proposal.ChaincodeAction.FromString(presp.ProposalResponsePayload.FromString(r.payload).extension)
    assert act.chaincode_id.version == "2.0"
    assert json.loads(r.response.payload)["Owner"] == "Brad"      # state survives the upgrade
    res, _ = lc2.query("Org1MSP", "QueryChaincodeDefinition", lifecycle.QueryChaincodeDefinitionArgs(name=ccname),
                       lifecycle.QueryChaincodeDefinitionResult)
    assert (res.sequence, res.version) == (2, "2.0")


def test_policy_only_update_without_repackaging(net2, lc2, ccname):
    pid = deploy(lc2, ccname, ["Org1MSP", "Org2MSP"])
    assert invoke(net2, ccname, ["InitLedger"], endorsers=("Org1MSP",))[0] == transaction.ENDORSEMENT_POLICY_FAILURE
    pol = sig_policy("OR('Org1MSP.peer','Org2MSP.peer')")
    for m in ("Org1MSP", "Org2MSP"):
        code, r = lc2.approve(m, ccname, 2, pid, policy=pol)
        assert code == 0, r.response.message
    code, _ = lc2.commit(["Org1MSP", "Org2MSP"], ccname, 2, policy=pol)
    assert code == 0
    assert invoke(net2, ccname, ["InitLedger"], endorsers=("Org1MSP",))[0] == transaction.VALID


def test_org_approving_without_installing(net2, lc2, ccname):
    pid = install(lc2, "Org1MSP", make_pkg("basic_1"))
    assert lc2.approve("Org1MSP", ccname, 1, pid)[0] == 0
    assert lc2.approve("Org2MSP", ccname, 1, None)[0] == 0          # source: unavailable
    assert lc2.commit(["Org1MSP", "Org2MSP"], ccname, 1)[0] == 0
    r = query(net2, ccname, ["GetAllAssets"], "Org2MSP")
    assert r.response.message == NOT_DEFINED.format(cc=ccname) + (
        f"chaincode definition for '{ccname}' exists, but chaincode is not installed")
    assert query(net2, ccname, ["GetAllAssets"], "Org1MSP").response.status == 200


def test_majority_disagreeing_nothing_commits(net2, lc2, ccname):
    assert lc2.approve("Org1MSP", ccname, 1, version="1.0")[0] == 0
    assert lc2.approve("Org2MSP", ccname, 1, version="1.1")[0] == 0
    for v, ok in (("1.0", "Org1MSP"), ("1.1", "Org2MSP")):
        r = lc2.readiness("Org1MSP", ccname, 1, version=v)
        approvals = dict(lifecycle.CheckCommitReadinessResult.FromString(r.response.payload).approvals)
        assert approvals == {"Org1MSP": ok == "Org1MSP", "Org2MSP": ok == "Org2MSP"}
        _, r = lc2.commit(["Org1MSP", "Org2MSP"], ccname, 1, version=v)
        assert "chaincode definition not agreed to by this org" in r.response.message
        code, _ = lc2.commit([ok], ccname, 1, version=v)
        assert code == transaction.ENDORSEMENT_POLICY_FAILURE


def test_orgs_installing_different_packages(net2, lc2, ccname):
    pa = install(lc2, "Org1MSP", make_pkg("basic_org1"))
    pb = install(lc2, "Org2MSP", make_pkg("basic_org2"))
    assert pa != pb
    assert lc2.approve("Org1MSP", ccname, 1, pa)[0] == 0
    assert lc2.approve("Org2MSP", ccname, 1, pb)[0] == 0
    assert lc2.commit(["Org1MSP", "Org2MSP"], ccname, 1)[0] == 0
    assert invoke(net2, ccname, ["InitLedger"])[0] == transaction.VALID
    res, _ = lc2.query("Org2MSP", "QueryApprovedChaincodeDefinition",
                       lifecycle.QueryApprovedChaincodeDefinitionArgs(name=ccname, sequence=1),
                       lifecycle.QueryApprovedChaincodeDefinitionResult)
    assert res.source.local_package.package_id == pb


def test_one_package_two_definitions(net2, lc2, ccname):
    pkg = make_pkg("basic_shared")
    x, y = ccname + "x", ccname + "y"
    pid = deploy(lc2, x, ["Org1MSP", "Org2MSP"], pkg=pkg)
    deploy(lc2, y, ["Org1MSP", "Org2MSP"], pkg=pkg, policy=sig_policy("OR('Org1MSP.peer')"))
    assert invoke(net2, y, ["InitLedger"], endorsers=("Org1MSP",))[0] == transaction.VALID
    assert invoke(net2, x, ["InitLedger"], endorsers=("Org1MSP",))[0] == transaction.ENDORSEMENT_POLICY_FAILURE
    assert invoke(net2, y, ["InitLedger"], endorsers=("Org2MSP",))[0] == transaction.ENDORSEMENT_POLICY_FAILURE
    res, _ = net2.propose("Org1MSP", __import__("fabclient").lc_prop(
        net2.admin("Org1MSP"), "", "QueryInstalledChaincode", lifecycle.QueryInstalledChaincodeArgs(package_id=pid))), None
    refs = lifecycle.QueryInstalledChaincodeResult.FromString(res.response.payload).references["mychannel"]
    assert {(c.name, c.version) for c in refs.chaincodes} >= {(x, "1.0"), (y, "1.0")}


def test_one_org_approves_different_definition_3orgs(net3, ccname):
    lc = Lifecycle(net3)
    pkg = make_pkg("basic_3")
    for m in ("Org1MSP", "Org2MSP", "Org3MSP"):
        pid = install(lc, m, pkg)
    assert lc.approve("Org1MSP", ccname, 1, pid)[0] == 0
    assert lc.approve("Org2MSP", ccname, 1, pid)[0] == 0
    assert lc.approve("Org3MSP", ccname, 1, pid, version="9.9")[0] == 0
    r = lc.readiness("Org3MSP", ccname, 1)
    assert dict(lifecycle.CheckCommitReadinessResult.FromString(r.response.payload).approvals) == \
        {"Org1MSP": True, "Org2MSP": True, "Org3MSP": False}
    _, r = lc.commit(["Org3MSP"], ccname, 1)
    assert "chaincode definition not agreed to by this org (Org3MSP)" in r.response.message
    assert lc.commit(["Org1MSP", "Org2MSP"], ccname, 1)[0] == transaction.VALID
    r = query(net3, ccname, ["GetAllAssets"], "Org3MSP")
    assert r.response.message == NOT_DEFINED.format(cc=ccname) + (
        f"chaincode definition for '{ccname}' at sequence 1 on channel 'mychannel' has not yet been approved by this org")
    assert query(net3, ccname, ["GetAllAssets"], "Org2MSP").response.status == 200


def test_org_joining_later_approves_committed_definition(net3, ccname):
    lc = Lifecycle(net3)
    deploy(lc, ccname, ["Org1MSP", "Org2MSP"], pkg=make_pkg("basic_join"))
    res, _ = lc.query("Org1MSP", "QueryChaincodeDefinition", lifecycle.QueryChaincodeDefinitionArgs(name=ccname),
                      lifecycle.QueryChaincodeDefinitionResult)
    assert dict(res.approvals) == {"Org1MSP": True, "Org2MSP": True, "Org3MSP": False}
    pid = install(lc, "Org3MSP", make_pkg("basic_join"))
    code, r = lc.approve("Org3MSP", ccname, 1, pid)
    assert code == transaction.VALID, r.response.message
    res, _ = lc.query("Org3MSP", "QueryChaincodeDefinition", lifecycle.QueryChaincodeDefinitionArgs(name=ccname),
                      lifecycle.QueryChaincodeDefinitionResult)
    assert dict(res.approvals)["Org3MSP"] is True
    code, _ = invoke(net3, ccname, ["InitLedger"], endorsers=("Org1MSP", "Org3MSP"))
    assert code == transaction.VALID
