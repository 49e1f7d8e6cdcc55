"""Processes for the fault, crash and schemathesis suites: fabric-sim (2 orgs, TLS, free ports) and the
gateway binary on a data directory of its own, restartable on the same directory (crash suite).

A uniquely named module (not conftest): each suite puts this directory on sys.path and imports it."""
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "cgw-suites-test-admin-token-0123456789abcd"  # >= 40 characters
PYTHON = os.environ.get("GATEWAY_TEST_PYTHON") or sys.executable
CC = "/api/v1/channels/mychannel/chaincodes/basic"


def gateway_binary():
    binary = Path(os.environ.get("GATEWAY_BIN", REPO / ".build" / "debug" / "chaincode-gateway"))
    if not binary.is_file():
        raise RuntimeError(f"gateway binary {binary} not found: `swift build --product chaincode-gateway` or set GATEWAY_BIN")
    return binary


class Drain:
    """Reads a child's output on a thread; `wait_for(pattern)` returns the first match."""

    def __init__(self, proc):
        self.proc, self.lines, self.cond = proc, [], threading.Condition()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        for raw in self.proc.stdout:
            with self.cond:
                self.lines.append(raw.decode(errors="replace"))
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)
            self.cond.notify_all()

    def wait_for(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            seen = 0
            while True:
                for line in self.lines[seen:]:
                    if line is None:
                        return None
                    m = re.search(pattern, line)
                    if m:
                        return m
                seen = len(self.lines)
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def text(self, tail=4000):
        return "".join(x for x in self.lines if x)[-tail:]


class FabricSim:
    """fabric-sim with 2 orgs and server TLS on free ports; faults through its control endpoint or signals."""

    def __init__(self, *extra, directory=None):
        self.dir = directory or tempfile.mkdtemp(prefix="cgw-suites-sim-")
        self.proc = subprocess.Popen([PYTHON, str(REPO / "tools" / "fabric-sim" / "fabric_sim.py"), "up", "--orgs", "2",
                                      "--dir", self.dir, "--base-port", "0", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.out = Drain(self.proc)
        if not self.out.wait_for(r"fabric-sim ready:", 120):
            self.stop()
            raise RuntimeError("fabric-sim did not start: " + self.out.text())
        self.ready = json.loads((Path(self.dir) / "ready.json").read_text())
        self.config = Path(self.dir) / "gateway.yaml"
        self.nodes = [self.ready["orderer"]["name"]] + [p["name"] for p in self.ready["peers"]]

    def control(self, path, body=None):
        req = urllib.request.Request(self.ready["controlUrl"] + path, method="GET" if body is None else "POST",
                                     data=None if body is None else json.dumps(body).encode())
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")

    def freeze(self):
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.proc.pid, signal.SIGCONT)

    def stop_nodes(self):
        for n in self.nodes:
            self.control(f"/nodes/{n}/stop", {})

    def start_nodes(self):
        for n in self.nodes:
            self.control(f"/nodes/{n}/start", {})

    def latency(self, ms):
        for n in self.nodes:
            self.control(f"/nodes/{n}/faults", {"latencyMs": ms})

    def clear_faults(self):
        self.control("/faults/clear", {})

    def stop(self, remove=True):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if remove:
            shutil.rmtree(self.dir, ignore_errors=True)


class Gateway:
    """The gateway binary on `data` (a fresh temporary directory unless given), listening on a free port."""

    def __init__(self, config, data=None, extra_env=None):
        self.config, self.data = config, data or tempfile.mkdtemp(prefix="cgw-suites-gw-")
        self.env = dict(os.environ, GATEWAY_ADMIN_TOKEN=ADMIN_TOKEN, **(extra_env or {}))
        self.proc = None
        self.start()

    def start(self):
        args = [str(gateway_binary()), "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data,
                "--public-dir", str(REPO / "Public"), "--migrations-dir", str(REPO / "migrations"), "--no-access-log",
                "--config", str(self.config)]
        self.proc = subprocess.Popen(args, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.out = Drain(self.proc)
        m = self.out.wait_for(r"listening on http://[^ ]+:(\d+)", 60)
        if not m:
            self.kill()
            raise RuntimeError("gateway did not start: " + self.out.text())
        self.url = f"http://127.0.0.1:{int(m.group(1))}"

    def request(self, method, path, body=None, token=ADMIN_TOKEN, timeout=120, content_type="application/json"):
        """(status, parsed JSON or text, seconds) of one API call."""
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            req.add_header("Content-Type", content_type)
        start = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                raw, status = r.read(), r.status
        except urllib.error.HTTPError as e:
            raw, status = e.read(), e.code
        elapsed = time.monotonic() - start
        try:
            return status, (json.loads(raw) if raw else None), elapsed
        except ValueError:
            return status, raw.decode(errors="replace"), elapsed

    def call(self, method, path, body=None, expect=(200,), **kw):
        status, doc, _ = self.request(method, path, body, **kw)
        assert status in expect, f"{method} {path}: {status} {doc}\n{self.out.text(2000)}"
        return doc

    def kill(self):
        """kill -9 (the crash suite's fault); the data directory stays."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self, remove=True):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if remove:
            shutil.rmtree(self.data, ignore_errors=True)


def tar_gz(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def ccaas_package(label="basic_1.0", address="basic.example.com:9999", padding=0):
    """A ccaas package as `peer lifecycle chaincode package` writes it; `padding` bytes of META-INF make it larger."""
    connection = json.dumps({"address": address, "dial_timeout": "10s", "tls_required": False}).encode()
    code = {"connection.json": connection}
    if padding:
        code["META-INF/padding.bin"] = os.urandom(padding)
    return tar_gz({"metadata.json": json.dumps({"type": "ccaas", "label": label, "path": ""}).encode(),
                   "code.tar.gz": tar_gz(code)})


def wait_operation(gw, op_id, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        op = gw.call("GET", f"/api/v1/operations/{op_id}")
        if op["state"] not in ("queued", "running"):
            return op
        time.sleep(0.2)
    raise AssertionError(f"operation {op_id} still running after {timeout} s")


def deploy_basic(gw, label="basic_1.0"):
    """basic committed on mychannel (both orgs approve one ccaas package), one asset created; returns the package ID."""
    pkg = gw.call("POST", "/api/v1/packages/ccaas", {"label": label, "address": "basic.example.com:9999"}, expect=(200, 201))["packageId"]
    op = gw.call("POST", "/api/v1/installs", {"packageId": pkg}, expect=(202,))["operation"]
    assert wait_operation(gw, op["id"])["state"] == "succeeded"
    gw.call("PUT", CC + "/draft", {"version": "1.0", "packageIds": {"Org1MSP": pkg, "Org2MSP": pkg}})
    gw.call("POST", CC + "/approvals", {"orgs": ["Org1MSP", "Org2MSP"]})
    gw.call("POST", CC + "/commit")
    gw.call("POST", CC + "/submit", {"function": "CreateAsset", "args": ["asset1", "blue", "5", "Tom", "300"]})
    return pkg
