from conftest import make_pkg
from fabsim.pb import lifecycle


def test_install_approve_commit_invoke(net2, lc2, ccname):
    pkg = make_pkg("basic_1")
    r = lc2.install("Org1MSP", pkg)
    assert r.response.status == 200, r.response.message
    pid = lifecycle.InstallChaincodeResult.FromString(r.response.payload).package_id
    assert lc2.install("Org2MSP", pkg).response.status == 200
    code, r = lc2.approve("Org1MSP", ccname, 1, pid)
    assert code == 0, r.response.message
    code, r = lc2.approve("Org2MSP", ccname, 1, pid)
    assert code == 0
    rr = lc2.readiness("Org1MSP", ccname, 1)
    assert dict(lifecycle.CheckCommitReadinessResult.FromString(rr.response.payload).approvals) == {
        "Org1MSP": True, "Org2MSP": True}
    code, r = lc2.commit(["Org1MSP", "Org2MSP"], ccname, 1)
    assert code == 0, r.response.message
