"""The compose deployment with real containers: docker-compose.sim.yml runs the gateway image
(the Dockerfile's `prebuilt` target: the static binary built on this machine) with fabric-sim in a
container, and the test talks to the gateway through the published port: /healthz, the bootstrap
admin token from the gateway's log, and lifecycle calls that reach the simulated peers over gRPC
with TLS (install a ccaas package, then the peer's installed list).

Needs a Docker engine. scripts/test.sh starts one (scripts/docker-engine.sh) and builds nothing
here itself: this test runs scripts/docker-images.sh, which builds the images without a registry
(cached between local runs). Where no engine can run, this test, and only this one, is skipped
with the reason."""
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPOSE_FILE = os.path.join(ROOT, "docker-compose.sim.yml")
PROJECT = f"cgw-smoke-{os.getpid()}"


def engine_or_skip():
    reason = os.environ.get("COMPOSE_SMOKE_UNAVAILABLE")
    if reason:
        pytest.skip(f"no Docker engine can run on this machine: {reason}")
    if shutil.which("docker") is None:
        pytest.skip("docker is not installed (scripts/test.sh installs it: scripts/docker-engine.sh start)")
    if subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode != 0:
        pytest.skip("no Docker engine answers (scripts/test.sh starts one: scripts/docker-engine.sh start)")


def compose_command():
    """The Compose v2 plugin when present, else Debian's docker-compose v1."""
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    assert shutil.which("docker-compose"), "neither `docker compose` nor docker-compose is installed"
    return ["docker-compose"]


def compose(*args, check=True, timeout=300):
    run = subprocess.run([*compose_command(), "-p", PROJECT, "-f", COMPOSE_FILE, *args], cwd=ROOT,
                         capture_output=True, text=True, timeout=timeout, env=dict(os.environ, GATEWAY_PORT="", GATEWAY_ADMIN_TOKEN=""))
    if check:
        assert run.returncode == 0, f"compose {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"
    return run


def call(base, method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw, status = r.read(), r.status
    except urllib.error.HTTPError as e:
        raw, status = e.read(), e.code
    return status, json.loads(raw) if raw else None


def wait_for(what, condition, timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
        except (OSError, urllib.error.URLError):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def deployment():
    engine_or_skip()
    images = subprocess.run([os.path.join(ROOT, "scripts", "docker-images.sh")], cwd=ROOT, capture_output=True, text=True,
                            timeout=1800)
    print(images.stdout)
    assert images.returncode == 0, f"building the images failed:\n{images.stdout[-3000:]}\n{images.stderr[-3000:]}"
    try:
        compose("up", "-d")
        port = compose("port", "fabric-sim", "8080").stdout.strip().rsplit(":", 1)[1]
        yield f"http://127.0.0.1:{port}"
    except BaseException:
        print(compose("logs", "--no-color", check=False).stdout[-5000:])
        raise
    finally:
        compose("down", "-v", "--remove-orphans", check=False)


def test_the_gateway_container_serves_healthz_the_bootstrap_token_and_lifecycle_calls(deployment):
    base = deployment
    wait_for("/healthz through the published port", lambda: call(base, "GET", "/healthz")[0] == 200, 120)
    # The bootstrap admin token is printed once, in the gateway's log, on the first start.
    logs = wait_for("the bootstrap token in the gateway's log",
                    lambda: re.search(r"bootstrap admin token.*?\n(?:.*\| )?(\S+)\n", compose("logs", "--no-color", "gateway").stdout), 60)
    token = logs.group(1)
    status, me = call(base, "GET", "/api/v1/me", token)
    assert status == 200 and me["role"] == "admin", me
    assert call(base, "GET", "/api/v1/me")[0] == 401

    # Fabric through the containers: readiness needs a peer streaming blocks of mychannel.
    wait_for("/readyz", lambda: call(base, "GET", "/readyz")[0] == 200, 120)
    status, built = call(base, "POST", "/api/v1/packages/ccaas", token, {"label": "smoke_1.0", "address": "smoke-cc:9999"})
    assert status == 201, built
    package_id = built["packageId"]
    status, queued = call(base, "POST", "/api/v1/installs", token, {"packageId": package_id, "peers": ["peer0.org1.example.com"]})
    assert status == 202, queued
    operation = queued["operation"]["id"]
    done = wait_for("the install operation", lambda: (lambda o: o if o["state"] in ("succeeded", "failed") else None)(
        call(base, "GET", f"/api/v1/operations/{operation}", token)[1]), 120)
    assert done["state"] == "succeeded", done
    status, installed = call(base, "GET", "/api/v1/peers/peer0.org1.example.com/installed", token)
    assert status == 200 and package_id in [p["packageId"] for p in installed["items"]], installed
