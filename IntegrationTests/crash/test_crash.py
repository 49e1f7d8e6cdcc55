"""Crash suite (issue 20): `kill -9` of the gateway at random points of upload, install, approve and commit
(CRASH_ROUNDS rounds each, default 20), against fabric-sim. After each restart on the same data directory:
the database passes `PRAGMA integrity_check` and `foreign_key_check`, no package file lacks its row or row
its file and no upload staging file is left, every operation is in a terminal state, and the retried action
succeeds or reports that it is already done.

The kill points are drawn from each action's measured duration (seeded, printed on failure), so they fall
before, inside and just after the request."""
import os
import pathlib
import random
import socket
import sqlite3
import sys
import threading
import time

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from cgw_harness import ADMIN_TOKEN, CC, FabricSim, Gateway, ccaas_package, wait_operation  # noqa: E402

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "20"))
SEED = int(os.environ.get("CRASH_SEED", str(int(time.time()))))
TERMINAL = ("succeeded", "failed")


@pytest.fixture(scope="module")
def env():
    sim = FabricSim()
    gw = None
    try:
        gw = Gateway(sim.config)
        yield sim, gw
    finally:
        if gw:
            gw.stop()
        sim.stop()


def check_database(data):
    """With the gateway dead: the file as the crash left it (WAL included) is sound."""
    db = sqlite3.connect(os.path.join(data, "gateway.sqlite"))
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        db.close()


def check_restarted(gw):
    """With the gateway back: no orphan files or rows, no unfinished operation."""
    db = sqlite3.connect(f"file:{os.path.join(gw.data, 'gateway.sqlite')}?mode=ro", uri=True)
    try:
        rows = {name for (name,) in db.execute("SELECT file_name FROM packages")}
        unfinished = db.execute("SELECT id, kind, state, steps_json FROM operations WHERE state NOT IN ('succeeded', 'failed')").fetchall()
        entries_without_package = db.execute(
            "SELECT count(*) FROM package_entries WHERE package_id NOT IN (SELECT package_id FROM packages)").fetchone()[0]
    finally:
        db.close()
    files = set(os.listdir(os.path.join(gw.data, "packages")))
    assert files == rows, f"files without rows: {sorted(files - rows)}; rows without files: {sorted(rows - files)}"
    assert unfinished == [], unfinished
    assert entries_without_package == 0


def crash_during(gw, action, delay):
    """Runs `action` on a thread and kills the gateway `delay` s after it starts; checks, restarts, checks."""
    failure = []

    def run():
        try:
            action()
        except Exception as e:  # the connection dies with the process: expected
            failure.append(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    time.sleep(delay)
    gw.kill()
    t.join(30)
    check_database(gw.data)
    gw.start()
    check_restarted(gw)


def timed(fn):
    start = time.monotonic()
    fn()
    return time.monotonic() - start


def kill_points(duration, rng):
    """Uniform over [0, 1.3 x duration]: some before the request is read, most inside, some after it ended."""
    return [rng.uniform(0, duration * 1.3) for _ in range(ROUNDS)]


def raw_upload(gw, body, pause_every=256 * 1024):
    """POST /api/v1/packages over a raw socket, the body written in pieces (a kill can fall mid-body)."""
    port = int(gw.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall((f"POST /api/v1/packages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n"
                   f"Content-Type: application/gzip\r\nContent-Length: {len(body)}\r\n\r\n").encode())
        for i in range(0, len(body), pause_every):
            s.sendall(body[i:i + pause_every])
            time.sleep(0.005)
        return s.recv(65536)


def test_upload(env):
    sim, gw = env
    rng = random.Random(SEED)
    duration = timed(lambda: raw_upload(gw, ccaas_package("crash-upload-probe", padding=3 << 20)))
    for i, delay in enumerate(kill_points(duration, rng)):
        pkg = ccaas_package(f"crash-upload-{i}", padding=3 << 20)
        crash_during(gw, lambda: raw_upload(gw, pkg), delay)
        doc = gw.call("POST", "/api/v1/packages", pkg, content_type="application/gzip", expect=(200, 201))
        assert doc["label"] == f"crash-upload-{i}", f"seed {SEED} round {i}: {doc}"
        check_restarted(gw)


def test_install(env):
    sim, gw = env
    rng = random.Random(SEED + 1)

    def install(pkg):
        op = gw.call("POST", "/api/v1/installs", {"packageId": pkg}, expect=(202,))["operation"]
        return wait_operation(gw, op["id"])

    probe = gw.call("POST", "/api/v1/packages/ccaas", {"label": "crash-install-probe", "address": "cc:9999"}, expect=(200, 201))["packageId"]
    duration = timed(lambda: install(probe))
    for i, delay in enumerate(kill_points(duration, rng)):
        pkg = gw.call("POST", "/api/v1/packages/ccaas", {"label": f"crash-install-{i}", "address": "cc:9999"}, expect=(200, 201))["packageId"]
        crash_during(gw, lambda: install(pkg), delay)
        op = install(pkg)  # the retry: installed now, or already installed (a success too)
        assert op["state"] == "succeeded", f"seed {SEED} round {i} (kill at {delay:.3f} s): {op}"
        installed = {x["packageId"] for x in gw.call("GET", "/api/v1/peers/peer0.org1.example.com/installed")["items"]}
        assert pkg in installed


def deployable_package(gw):
    pkg = gw.call("POST", "/api/v1/packages/ccaas", {"label": "basic_1.0", "address": "basic.example.com:9999"}, expect=(200, 201))["packageId"]
    op = gw.call("POST", "/api/v1/installs", {"packageId": pkg}, expect=(202,))["operation"]
    assert wait_operation(gw, op["id"])["state"] == "succeeded"
    return pkg


def committed_sequence(gw):
    doc = gw.call("GET", CC)
    return doc["committed"]["sequence"] if doc.get("committed") else 0


def test_approve(env):
    sim, gw = env
    rng = random.Random(SEED + 2)
    pkg = deployable_package(gw)
    sequence = committed_sequence(gw) + 1
    packages = {"Org1MSP": pkg, "Org2MSP": pkg}

    def approve():
        return gw.call("POST", CC + "/approvals", {"orgs": ["Org1MSP"]})["results"]

    gw.call("PUT", CC + "/draft", {"version": "crash-approve-probe", "sequence": sequence, "packageIds": packages})
    duration = timed(approve)
    for i, delay in enumerate(kill_points(duration, rng)):
        gw.call("PUT", CC + "/draft", {"version": f"crash-approve-{i}", "sequence": sequence, "packageIds": packages})
        crash_during(gw, approve, delay)
        results = approve()  # approved now, or alreadyApproved with the block it landed in
        assert all("error" not in r for r in results), f"seed {SEED} round {i} (kill at {delay:.3f} s): {results}"
        status = gw.call("GET", CC + "/approvals")
        org1 = [o for o in status["organizations"] if o["mspId"] == "Org1MSP"] if "organizations" in status else None
        assert org1 is None or org1[0].get("approved", True), status


def test_commit(env):
    sim, gw = env
    rng = random.Random(SEED + 3)
    pkg = deployable_package(gw)
    packages = {"Org1MSP": pkg, "Org2MSP": pkg}

    def prepare(version):
        sequence = committed_sequence(gw) + 1
        gw.call("PUT", CC + "/draft", {"version": version, "sequence": sequence, "packageIds": packages})
        results = gw.call("POST", CC + "/approvals", {"orgs": ["Org1MSP", "Org2MSP"]})["results"]
        assert all("error" not in r for r in results), results
        return sequence

    prepare("crash-commit-probe")
    duration = timed(lambda: gw.call("POST", CC + "/commit"))
    for i, delay in enumerate(kill_points(duration, rng)):
        sequence = prepare(f"crash-commit-{i}")
        crash_during(gw, lambda: gw.call("POST", CC + "/commit"), delay)
        status, doc, _ = gw.request("POST", CC + "/commit")
        already = status == 409 and doc["error"]["code"] in ("already_committed", "not_found", "no_draft")
        assert status == 200 or already, f"seed {SEED} round {i} (kill at {delay:.3f} s): {status} {doc}"
        assert committed_sequence(gw) == sequence
