import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fabclient import Lifecycle, Net, start_sim, stop_sim  # noqa: E402
from fabsim import packages  # noqa: E402


@pytest.fixture(scope="session")
def net2(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("sim2"))
    proc = start_sim(d, "--orgs", "2")
    n = Net(d)
    yield n
    n.close()
    stop_sim(proc)


@pytest.fixture(scope="session")
def net3(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("sim3"))
    proc = start_sim(d, "--orgs", "3")
    n = Net(d)
    yield n
    n.close()
    stop_sim(proc)


@pytest.fixture
def lc2(net2):
    return Lifecycle(net2)


_counter = [0]


@pytest.fixture
def ccname(request):
    """A fresh chaincode name per test (tests share one network)."""
    _counter[0] += 1
    return f"cc{_counter[0]}-{request.node.name[5:20].replace('_', '-').strip('-')}"


def make_pkg(label, extra=b""):
    return packages.build(label, "ccaas", [("connection.json", b'{"address":"127.0.0.1:9999"}' + extra)])


def install(lc, mspid, pkg):
    """Install (idempotent) and return the package ID."""
    from fabsim.pb import lifecycle
    r = lc.install(mspid, pkg)
    if r.response.status == 200:
        return lifecycle.InstallChaincodeResult.FromString(r.response.payload).package_id
    assert "already successfully installed" in r.response.message, r.response.message
    return packages.package_id(packages.parse(pkg)[0], pkg)


def deploy(lc, name, orgs, pkg=None, seq=1, **kw):
    """Install on every org, approve by every org, commit endorsed by all; returns package ID."""
    pkg = pkg or make_pkg("basic_1")
    pid = None
    for m in orgs:
        pid = install(lc, m, pkg)
        code, r = lc.approve(m, name, seq, pid, **kw)
        assert code == 0, r.response.message
    code, r = lc.commit(list(orgs), name, seq, **kw)
    assert code == 0, r.response.message if r else code
    return pid


def invoke(net, cc, args, endorsers=("Org1MSP", "Org2MSP"), is_init=False, submitter="Org1MSP"):
    """Endorse on one peer per org, order, and wait; returns (code, first response)."""
    from fabclient import Proposal
    p = Proposal(net.user(submitter), "mychannel", cc, args, is_init=is_init)
    resps = [net.propose(m, p) for m in endorsers]
    for r in resps:
        if not (200 <= r.response.status < 400):
            return None, r
    b = net.broadcast(p.envelope(resps))
    assert b.status == 200, b.info
    code, _ = net.wait_all(p.tx_id)
    return code, resps[0]


def query(net, cc, args, mspid="Org1MSP"):
    from fabclient import Proposal
    return net.propose(mspid, Proposal(net.user(mspid), "mychannel", cc, args))
