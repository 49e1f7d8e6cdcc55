"""_lifecycle rules and exact messages (docs/fabric-notes.md §7, §9, §10)."""
import gzip
import io
import json
import tarfile

from conftest import deploy, install, make_pkg
from fabclient import lc_prop
from fabsim import packages
from fabsim.pb import lifecycle, transaction

APPROVE = "failed to invoke backing implementation of 'ApproveChaincodeDefinitionForMyOrg': "
COMMIT = "failed to invoke backing implementation of 'CommitChaincodeDefinition': "


def _install_raw(lc, data):
    return lc.install("Org1MSP", data)


def _tgz(entries):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w:gz") as tf:
        for name, body, kind in entries:
            ti = tarfile.TarInfo(name)
            if kind == "sym":
                ti.type, ti.linkname = tarfile.SYMTYPE, "x"
                tf.addfile(ti)
            else:
                ti.size = len(body)
                tf.addfile(ti, io.BytesIO(body))
    return bio.getvalue()


def test_install_package_id_and_already_installed(lc2):
    pkg = make_pkg("rules_pkg")
    r = lc2.install("Org1MSP", pkg)
    assert r.response.status == 200
    res = lifecycle.InstallChaincodeResult.FromString(r.response.payload)
    assert res.label == "rules_pkg"
    assert res.package_id == packages.package_id("rules_pkg", pkg)
    assert not r.HasField("endorsement")          # channel-less: unendorsed
    r = lc2.install("Org1MSP", pkg)
    assert r.response.status == 500
    assert r.response.message == ("failed to invoke backing implementation of 'InstallChaincode': chaincode "
                                  f"already successfully installed (package ID '{res.package_id}')")


def test_install_rejects_bad_packages(lc2):
    pre = "failed to invoke backing implementation of 'InstallChaincode': could not parse as a chaincode install package: "
    r = _install_raw(lc2, b"not gzip")
    assert r.response.message.startswith(pre + "error reading as gzip stream: ")
    code = _tgz([("connection.json", b"{}", "f")])
    r = _install_raw(lc2, _tgz([("code.tar.gz", code, "f")]))
    assert r.response.message == pre + "did not find any package metadata (missing metadata.json)"
    r = _install_raw(lc2, _tgz([("metadata.json", b'{"label":"x","type":"ccaas"}', "f")]))
    assert r.response.message == pre + "did not find a code package inside the package"
    r = _install_raw(lc2, _tgz([("metadata.json", b'{"label":"-bad","type":"ccaas"}', "f"), ("code.tar.gz", code, "f")]))
    assert r.response.message == pre + ("invalid label '-bad'. Label must be non-empty, can only consist of "
                                        "alphanumerics, symbols from '.+-_', and can only begin with alphanumerics")
    r = _install_raw(lc2, _tgz([("metadata.json", b"{", "f"), ("code.tar.gz", code, "f")]))
    assert r.response.message.startswith(pre + "could not unmarshal metadata.json as json: ")
    r = _install_raw(lc2, _tgz([("metadata.json", b'{"label":"x"}', "f"), ("link", b"", "sym")]))
    assert r.response.message == pre + "tar entry link is not a regular file, type 50"
    # metadata keys are case-insensitive; unknown files are accepted
    meta = json.dumps({"Label": "caseok", "TYPE": "ccaas"}).encode()
    r = _install_raw(lc2, _tgz([("metadata.json", meta, "f"), ("code.tar.gz", code, "f"), ("extra", b"1", "f")]))
    assert r.response.status == 200, r.response.message
    assert gzip  # noqa


def test_query_installed_and_get_package(net2, lc2):
    pkg = make_pkg("qinst", b" ")
    pid = install(lc2, "Org1MSP", pkg)
    admin = net2.admin("Org1MSP")
    r = net2.propose("Org1MSP", lc_prop(admin, "", "QueryInstalledChaincode",
                                        lifecycle.QueryInstalledChaincodeArgs(package_id=pid)))
    assert lifecycle.QueryInstalledChaincodeResult.FromString(r.response.payload).label == "qinst"
    r = net2.propose("Org1MSP", lc_prop(admin, "", "QueryInstalledChaincode",
                                        lifecycle.QueryInstalledChaincodeArgs(package_id="nope:00")))
    assert r.response.message == ("failed to invoke backing implementation of 'QueryInstalledChaincode': "
                                  "could not find chaincode with package id 'nope:00'")
    r = net2.propose("Org1MSP", lc_prop(admin, "", "GetInstalledChaincodePackage",
                                        lifecycle.GetInstalledChaincodePackageArgs(package_id=pid)))
    assert lifecycle.GetInstalledChaincodePackageResult.FromString(r.response.payload).chaincode_install_package == pkg
    r = net2.propose("Org1MSP", lc_prop(admin, "", "GetInstalledChaincodePackage",
                                        lifecycle.GetInstalledChaincodePackageArgs(package_id="nope:00")))
    assert r.response.status == 500
    assert r.response.message == ("failed to invoke backing implementation of 'GetInstalledChaincodePackage': "
                                  "could not load cc install package: chaincode install package 'nope:00' not found")
    r = net2.propose("Org1MSP", lc_prop(admin, "", "QueryInstalledChaincodes", lifecycle.QueryInstalledChaincodesArgs()))
    ids = [c.package_id for c in lifecycle.QueryInstalledChaincodesResult.FromString(r.response.payload).installed_chaincodes]
    assert pid in ids


def test_approve_sequence_rules(lc2, ccname):
    code, r = lc2.approve("Org1MSP", ccname, 0)
    assert r.response.message == APPROVE + "requested sequence is 0, but first definable sequence number is 1"
    code, r = lc2.approve("Org1MSP", ccname, 3)
    assert r.response.message == APPROVE + "requested sequence 3 is larger than the next available sequence number 1"
    code, r = lc2.approve("Org1MSP", ccname, 1)
    assert code == transaction.VALID
    code, r = lc2.approve("Org1MSP", ccname, 1)
    assert r.response.message == APPROVE + (f"attempted to redefine uncommitted sequence (1) for namespace "
                                            f"{ccname} with unchanged content")
    # only the package ID changes: allowed
    code, r = lc2.approve("Org1MSP", ccname, 1, "other:1234")
    assert code == transaction.VALID


def test_committed_sequence_rules(lc2, ccname):
    deploy(lc2, ccname, ["Org1MSP", "Org2MSP"])
    code, r = lc2.approve("Org1MSP", ccname, 1, version="2.0")
    assert r.response.message == APPROVE + (
        f"attempted to redefine the current committed sequence (1) for namespace {ccname} with different "
        "parameters: expected Version '1.0' does not match passed Version '2.0'")
    code, r = lc2.approve("Org1MSP", ccname, 1, init_required=True)
    assert r.response.message.endswith("expected InitRequired 'false' does not match passed InitRequired 'true'")
    code, r = lc2.approve("Org1MSP", ccname, 0)
    assert r.response.message == APPROVE + "currently defined sequence 1 is larger than requested sequence 0"
    r = lc2.readiness("Org1MSP", ccname, 1)
    assert r.response.message == ("failed to invoke backing implementation of 'CheckCommitReadiness': "
                                  "requested sequence is 1, but new definition must be sequence 2")
    code, r = lc2.commit(["Org1MSP"], ccname, 3)
    assert r.response.message == COMMIT + "requested sequence is 3, but new definition must be sequence 2"
    # re-approving the committed sequence with identical parameters is allowed
    code, r = lc2.approve("Org1MSP", ccname, 1)
    assert code == transaction.VALID


def test_commit_requires_own_org_approval_and_policy(lc2, ccname):
    code, _ = lc2.approve("Org1MSP", ccname, 1)
    assert code == 0
    code, r = lc2.commit(["Org2MSP"], ccname, 1)
    assert r.response.message == COMMIT + "chaincode definition not agreed to by this org (Org2MSP)"
    assert r.response.status == 500
    # Org1 alone cannot satisfy MAJORITY of 2 orgs: the commit tx is invalidated
    code, r = lc2.commit(["Org1MSP"], ccname, 1)
    assert code == transaction.ENDORSEMENT_POLICY_FAILURE
    r = lc2.readiness("Org1MSP", ccname, 1)
    assert dict(lifecycle.CheckCommitReadinessResult.FromString(r.response.payload).approvals) == \
        {"Org1MSP": True, "Org2MSP": False}


def test_input_validation_messages(lc2):
    pre = APPROVE + "error validating chaincode definition: "
    _, r = lc2.approve("Org1MSP", "_bad", 1)
    assert r.response.message == pre + ("invalid chaincode name '_bad'. Names can only consist of alphanumerics, "
                                        "'_', and '-' and can only begin with alphanumerics")
    _, r = lc2.approve("Org1MSP", "lscc", 1)
    assert r.response.message == pre + "chaincode name 'lscc' is the name of a system chaincode"
    _, r = lc2.approve("Org1MSP", "okname", 1, version="1 0")
    assert r.response.message == pre + ("invalid chaincode version '1 0'. Versions can only consist of "
                                        "alphanumerics, '_', '-', '+', and '.'")


def test_queries(lc2, ccname):
    res, r = lc2.query("Org1MSP", "QueryChaincodeDefinition", lifecycle.QueryChaincodeDefinitionArgs(name=ccname),
                       lifecycle.QueryChaincodeDefinitionResult)
    assert r.response.status == 404 and r.response.message == f"namespace {ccname} is not defined"
    res, r = lc2.query("Org1MSP", "QueryApprovedChaincodeDefinition",
                       lifecycle.QueryApprovedChaincodeDefinitionArgs(name=ccname),
                       lifecycle.QueryApprovedChaincodeDefinitionResult)
    assert r.response.message == ("failed to invoke backing implementation of 'QueryApprovedChaincodeDefinition': "
                                  f"could not fetch approved chaincode definition (name: '{ccname}', sequence: '0') "
                                  "on channel 'mychannel'")
    pid = deploy(lc2, ccname, ["Org1MSP", "Org2MSP"])
    res, r = lc2.query("Org1MSP", "QueryChaincodeDefinition", lifecycle.QueryChaincodeDefinitionArgs(name=ccname),
                       lifecycle.QueryChaincodeDefinitionResult, admin=False)
    assert (res.sequence, res.version, res.endorsement_plugin, res.validation_plugin) == (1, "1.0", "escc", "vscc")
    assert res.validation_parameter.hex() == "12202f4368616e6e656c2f4170706c69636174696f6e2f456e646f7273656d656e74"
    assert dict(res.approvals) == {"Org1MSP": True, "Org2MSP": True}
    res, r = lc2.query("Org2MSP", "QueryApprovedChaincodeDefinition",
                       lifecycle.QueryApprovedChaincodeDefinitionArgs(name=ccname),
                       lifecycle.QueryApprovedChaincodeDefinitionResult)
    assert res.sequence == 1 and res.source.local_package.package_id == pid
    res, r = lc2.query("Org1MSP", "QueryChaincodeDefinitions", lifecycle.QueryChaincodeDefinitionsArgs(),
                       lifecycle.QueryChaincodeDefinitionsResult)
    assert ccname in [d.name for d in res.chaincode_definitions]
    # sequence 0 = next sequence if approved, else current
    code, _ = lc2.approve("Org1MSP", ccname, 2, version="2.0")
    res, _ = lc2.query("Org1MSP", "QueryApprovedChaincodeDefinition",
                       lifecycle.QueryApprovedChaincodeDefinitionArgs(name=ccname),
                       lifecycle.QueryApprovedChaincodeDefinitionResult)
    assert (res.sequence, res.version, res.source.WhichOneof("Type")) == (2, "2.0", "unavailable")
    res, _ = lc2.query("Org2MSP", "QueryApprovedChaincodeDefinition",
                       lifecycle.QueryApprovedChaincodeDefinitionArgs(name=ccname),
                       lifecycle.QueryApprovedChaincodeDefinitionResult)
    assert res.sequence == 1


def test_commit_via_writers_only(net2, lc2, ccname):
    """CheckCommitReadiness is allowed for any Writer (a client), not only admins."""
    a = lifecycle.CheckCommitReadinessArgs(sequence=1, name=ccname, version="1.0")
    r = net2.propose("Org2MSP", lc_prop(net2.user("Org1MSP"), "mychannel", "CheckCommitReadiness", a))
    assert r.response.status == 200
