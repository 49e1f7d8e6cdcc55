"""Fault suite (issue 20): every Fabric-backed route, with the whole network frozen (SIGSTOP of fabric-sim),
stopped (every node's gRPC server down, clients get UNAVAILABLE) or slow (2 s of latency on every call),
answers within its documented bound (`x-deadline-seconds` in openapi.yaml) with 502, 503 or 504 and the
network's own words, and works again without a gateway restart once the network is back on the same ports.

Each fault phase fires every route at once (so a phase costs the longest bound, not their sum), against
the real gateway binary and fabric-sim over gRPC/TLS."""
import concurrent.futures
import pathlib
import sys
import time

import pytest
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from cgw_harness import CC, REPO, FabricSim, Gateway, deploy_basic, wait_operation  # noqa: E402

SPEC = yaml.safe_load((REPO / "openapi.yaml").read_text())
# Time the client needs beyond the server's bound: connection, scheduling on 2 shared cores.
SLACK = 3.0
FAULT_STATUSES = {502, 503, 504}


def bound(method, template):
    return SPEC["paths"][template][method.lower()]["x-deadline-seconds"]


def routes(pkg):
    """(method, template, path, body, statuses the route may answer while the network is down besides 5xx)."""
    return [
        ("GET", "/api/v1/peers", "/api/v1/peers", None, {200}),  # each peer's item says reachable: false
        ("GET", "/api/v1/peers/{peer}/installed", "/api/v1/peers/peer0.org1.example.com/installed", None, set()),
        ("GET", "/api/v1/channels/{channel}", "/api/v1/channels/mychannel", None, set()),
        ("GET", "/api/v1/channels/{channel}/chaincodes", "/api/v1/channels/mychannel/chaincodes", None, set()),
        ("GET", "/api/v1/channels/{channel}/chaincodes/{name}", CC, None, set()),
        ("GET", "/api/v1/channels/{channel}/chaincodes/{name}/approvals", CC + "/approvals", None, set()),
        ("PUT", "/api/v1/channels/{channel}/chaincodes/{name}/draft", CC + "/draft", {"version": "9.0"}, set()),
        ("POST", "/api/v1/channels/{channel}/chaincodes/{name}/draft/upgrade", CC + "/draft/upgrade", {}, set()),
        ("POST", "/api/v1/channels/{channel}/chaincodes/{name}/draft/adopt", CC + "/draft/adopt", {"fromOrg": "Org2MSP"}, set()),
        ("POST", "/api/v1/channels/{channel}/chaincodes/{name}/approvals", CC + "/approvals", {"orgs": ["Org1MSP"]}, set()),
        ("POST", "/api/v1/channels/{channel}/chaincodes/{name}/commit", CC + "/commit", None, set()),
        ("POST", "/api/v1/channels/{channel}/chaincodes/{name}/evaluate", CC + "/evaluate",
         {"function": "ReadAsset", "args": ["asset1"]}, set()),
        ("POST", "/api/v1/channels/{channel}/chaincodes/{name}/submit", CC + "/submit",
         {"function": "CreateAsset", "args": ["fault-asset", "red", "1", "Ann", "10"]}, set()),
        ("POST", "/api/v1/installs", "/api/v1/installs", {"packageId": pkg}, {202}),  # answers at once: an operation
        # Another chaincode: a deployment that gets through (slow network) must not touch CC's upgrades.
        ("PUT", "/api/v1/channels/{channel}/chaincodes/{name}/deployment", "/api/v1/channels/mychannel/chaincodes/faultdeploy/deployment",
         {"version": "1.0", "package": {"packageId": pkg}}, set()),
    ]


def test_every_fabric_route_has_a_fault_case():
    """The routes below are exactly those openapi.yaml bounds with x-deadline-seconds."""
    bounded = {(m.upper(), p) for p, item in SPEC["paths"].items() for m, op in item.items()
               if isinstance(op, dict) and "x-deadline-seconds" in op}
    assert {(m, t) for m, t, *_ in routes("x")} == bounded


@pytest.fixture(scope="module")
def network():
    sim = FabricSim()
    gw = None
    try:
        gw = Gateway(sim.config)
        pkg = deploy_basic(gw)
        yield sim, gw, pkg
    finally:
        if gw:
            gw.stop()
        sim.stop()


def pending_upgrade(gw, pkg, fault):
    """A pending upgrade that Org2 approved, so that adopting it asks Org2's peer for its packages."""
    sequence = gw.call("GET", CC)["committed"]["sequence"] + 1
    gw.call("PUT", CC + "/draft", {"version": f"before-{fault}", "sequence": sequence, "packageIds": {"Org1MSP": pkg, "Org2MSP": pkg}})
    gw.call("POST", CC + "/approvals", {"orgs": ["Org2MSP"]})


def fire_all(gw, pkg):
    """Every route at once; [(route, status, body, seconds)]."""
    cases = routes(pkg)
    with concurrent.futures.ThreadPoolExecutor(len(cases)) as pool:
        futures = [(c, pool.submit(gw.request, c[0], c[2], c[3], timeout=bound(c[0], c[1]) + 60)) for c in cases]
        return [(c, *f.result()) for c, f in futures]


def check_bounded(results, fault, allow_success=False):
    problems = []
    for (method, _, path, *_), status, body, seconds in results:
        print(f"{fault}: {method} {path} -> {status} in {seconds:.1f} s: {str(body)[:160]}")
    for (method, template, path, _, extra), status, body, seconds in results:
        limit = bound(method, template)
        where = f"{fault}: {method} {path} -> {status} in {seconds:.1f} s (bound {limit} s): {body}"
        if seconds > limit + SLACK:
            problems.append("too slow: " + where)
        if allow_success:
            ok = status < 500 or status in FAULT_STATUSES
        else:
            ok = status in FAULT_STATUSES | extra
        if not ok:
            problems.append("status: " + where)
        if status in FAULT_STATUSES:
            error = body.get("error", {}) if isinstance(body, dict) else {}
            # The network's own words: the node's address or gRPC text, or the bound that passed.
            if not (error.get("code") and error.get("message") and (error.get("details") or "deadline" in error["code"])):
                problems.append("no Fabric detail: " + where)
    assert not problems, "\n".join(problems)


def check_recovered(gw, sim, pkg, fault):
    """Without a gateway restart: reads answer 200, and a full upgrade (draft, both approvals, commit), a
    submit and an evaluate succeed."""
    deadline = time.monotonic() + 60
    while True:
        status, body, _ = gw.request("GET", "/api/v1/channels/mychannel/chaincodes", timeout=30)
        if status == 200:
            break
        assert time.monotonic() < deadline, f"after {fault}: chaincodes still {status} {body}\n{gw.out.text(3000)}"
        time.sleep(0.5)
    for path in ("/api/v1/channels/mychannel", "/api/v1/peers/peer0.org2.example.com/installed", CC, CC + "/approvals"):
        gw.call("GET", path)
    peers = gw.call("GET", "/api/v1/peers")["items"]
    assert all(p["reachable"] for p in peers), peers
    committed = gw.call("GET", CC)["committed"]["sequence"]
    gw.call("PUT", CC + "/draft", {"version": f"after-{fault}", "sequence": committed + 1,
                                   "packageIds": {"Org1MSP": pkg, "Org2MSP": pkg}})
    results = gw.call("POST", CC + "/approvals", {"orgs": ["Org1MSP", "Org2MSP"]})["results"]
    assert all("error" not in r for r in results), results
    assert gw.call("POST", CC + "/commit")["validationCode"] == "VALID"
    asset = f"asset-after-{fault}"
    gw.call("POST", CC + "/submit", {"function": "CreateAsset", "args": [asset, "green", "2", "Bo", "20"]})
    read = gw.call("POST", CC + "/evaluate", {"function": "ReadAsset", "args": [asset]})
    assert asset in str(read), read
    # Installs started during the fault end in a terminal state.
    for op in gw.call("GET", "/api/v1/operations?kind=install&limit=50")["items"]:
        assert wait_operation(gw, op["id"], timeout=90)["state"] in ("succeeded", "failed"), op


def test_frozen_network(network):
    sim, gw, pkg = network
    pending_upgrade(gw, pkg, "frozen")
    sim.freeze()
    try:
        results = fire_all(gw, pkg)
    finally:
        sim.thaw()
    check_bounded(results, "frozen")
    check_recovered(gw, sim, pkg, "frozen")


def test_stopped_network(network):
    sim, gw, pkg = network
    pending_upgrade(gw, pkg, "stopped")
    sim.stop_nodes()
    try:
        results = fire_all(gw, pkg)
    finally:
        sim.start_nodes()
    check_bounded(results, "stopped")
    check_recovered(gw, sim, pkg, "stopped")


def test_slow_network(network):
    sim, gw, pkg = network
    pending_upgrade(gw, pkg, "slow")
    sim.latency(2000)
    try:
        results = fire_all(gw, pkg)
    finally:
        sim.clear_faults()
    check_bounded(results, "slow", allow_success=True)
    check_recovered(gw, sim, pkg, "slow")
