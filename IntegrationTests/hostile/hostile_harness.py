"""Harness of the hostile-client suite (issue 20): a real gateway process, raw sockets.

A uniquely named module (not conftest) so imports cannot pick up another suite's conftest."""
import json
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "cgw-hostile-test-admin-token-0123456789abc"  # >= 32 characters


def binary():
    path = Path(os.environ.get("GATEWAY_BIN", REPO / ".build" / "debug" / "chaincode-gateway"))
    if not path.is_file():
        pytest.fail(f"gateway binary {path} not found: build it with `swift build --product chaincode-gateway` or set GATEWAY_BIN")
    return path


class Gateway:
    """One gateway process on a port of its own choosing, without a Fabric network (every test
    here is about the HTTP path, tokens and the audit log)."""

    def __init__(self, *flags, data_dir=None, access_log=False):
        self.own_data = data_dir is None
        self.data = data_dir or tempfile.mkdtemp(prefix="cgw-hostile-")
        args = [str(binary()), "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data, "--threads", "2",
                *([] if access_log else ["--no-access-log"]), *flags]
        self.lines = []
        self.listening = threading.Event()
        self.proc = subprocess.Popen(args, env=dict(os.environ, GATEWAY_ADMIN_TOKEN=ADMIN_TOKEN),
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._drain, daemon=True).start()
        self.port = None

    def _drain(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace")
            self.lines.append(line)
            m = re.search(r"listening on http://[^ ]+:(\d+)", line)
            if m and self.port is None:
                self.port = int(m.group(1))
                self.listening.set()
        self.listening.set()  # exited: wake the waiter

    def wait_listening(self, timeout=60):
        if not self.listening.wait(timeout) or self.port is None:
            self.stop()
            pytest.fail(f"gateway did not start: {self.log_text()}")
        return self

    def log_text(self):
        return "".join(self.lines)[-3000:]

    def connect(self, timeout=10):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def request(self, method, path, body=None, token=ADMIN_TOKEN):
        """(status, headers, body bytes) of one request on a fresh connection."""
        s = self.connect()
        try:
            head = f"{method} {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
            if token:
                head += f"Authorization: Bearer {token}\r\n"
            if body is not None:
                data = json.dumps(body).encode()
                head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
            else:
                data = b""
            s.sendall(head.encode() + b"\r\n" + data)
            return read_response(s)
        finally:
            s.close()

    def stop(self):
        """Graceful stop (SIGTERM), then the output is read to its end."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.own_data:
            shutil.rmtree(self.data, ignore_errors=True)


def read_response(s):
    """(status, headers, body) of one response with Content-Length (what the gateway sends for
    everything but streams); raises EOFError when the connection closes first."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError(f"closed before a response head: {buf!r}")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            raise EOFError("closed mid-body")
        rest += chunk
    if status == 100:  # the interim response: the final one follows
        raise AssertionError("unexpected 100 Continue")
    return status, headers, rest[:length]


def wait_closed(s, timeout):
    """Seconds until the server closed `s` (reading and dropping whatever it sends), or None."""
    start = time.monotonic()
    s.settimeout(0.2)
    while time.monotonic() - start < timeout:
        try:
            if s.recv(65536) == b"":
                return time.monotonic() - start
        except socket.timeout:
            continue
        except ConnectionResetError:
            return time.monotonic() - start
    return None
