"""The real binary over its own TLS listener (issue 17): a SIGHUP reload, and the `status`/`deploy`
command-line client speaking https (issue 18).

SIGHUP: the new certificate and key are written over the old files in place with the old sizes and
modification times, so the file watcher (which reloads on a changed identity, size or mtime,
Sources/WebServer/TLSCertificateReloader.swift) sees nothing: only the signal can make the
listener present the new certificate. A connection opened before the reload keeps working."""
import hashlib
import os
import re
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ADMIN_TOKEN = "cgw-tls-reload-test-admin-token-0123456789"


def binary():
    path = Path(os.environ.get("GATEWAY_BIN", REPO / ".build" / "debug" / "chaincode-gateway"))
    if not path.is_file():
        pytest.fail(f"gateway binary {path} not found: build it with `swift build --product chaincode-gateway` or set GATEWAY_BIN")
    return path


def make_pair(directory, name):
    """A self-signed P-256 certificate and key for 127.0.0.1 (openssl, as the tests' PKI does)."""
    key, cert = directory / f"{name}.key", directory / f"{name}.crt"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=reload-test",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert.read_bytes(), key.read_bytes()


def same_sized_pairs(directory):
    """Two different pairs whose PEM files have equal sizes (ECDSA signatures and keys vary by a
    byte or two, so generate until they match)."""
    first = make_pair(directory, "a")
    for i in range(60):
        second = make_pair(directory, f"b{i}")
        if len(second[0]) == len(first[0]) and len(second[1]) == len(first[1]):
            return first, second
    pytest.fail("could not make two same-sized certificate pairs")


def overwrite_in_place(path, data):
    stat = path.stat()
    with open(path, "r+b") as f:  # same inode, same size
        f.write(data)
        f.truncate()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_ino == stat.st_ino


def served_fingerprint(port):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, ctx.wrap_socket(raw) as tls:
        return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


def pem_fingerprint(pem):
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem.decode())).hexdigest()


def healthz(tls):
    tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data or not data.endswith(b"}"):
        chunk = tls.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


class TLSGateway:
    """The gateway serving HTTPS with `cert`/`key`, without a Fabric network."""

    def __init__(self, work, cert, key):
        self.proc = subprocess.Popen([str(binary()), "serve", "--listen", "127.0.0.1:0", "--data-dir", str(work / "data"),
                                      "--threads", "2", "--tls-cert-file", str(cert), "--tls-key-file", str(key)],
                                     env=dict(os.environ, GATEWAY_ADMIN_TOKEN=ADMIN_TOKEN),
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines, self.port = [], None
        ready = threading.Event()

        def drain():
            for raw in self.proc.stdout:
                line = raw.decode(errors="replace")
                self.lines.append(line)
                m = re.search(r"listening on https://[^ ]+:(\d+)", line)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()
        if not ready.wait(60) or self.port is None:
            self.stop()
            pytest.fail("gateway did not start: " + self.log())

    def log(self):
        return "".join(self.lines)[-3000:]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def test_sighup_reloads_the_certificate_and_keeps_open_connections():
    work = Path(tempfile.mkdtemp(prefix="cgw-tls-reload-"))
    (old_cert, old_key), (new_cert, new_key) = same_sized_pairs(work)
    cert, key = work / "server.crt", work / "server.key"
    cert.write_bytes(old_cert)
    key.write_bytes(old_key)
    gw = TLSGateway(work, cert, key)
    proc, port, lines = gw.proc, [gw.port], gw.lines
    try:
        assert served_fingerprint(port[0]) == pem_fingerprint(old_cert)

        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        kept = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port[0]), timeout=10))
        assert b" 200 " in healthz(kept)

        overwrite_in_place(cert, new_cert)
        overwrite_in_place(key, new_key)
        time.sleep(3)  # longer than the watcher's 2 s poll: unchanged stamps, so no reload without the signal
        assert served_fingerprint(port[0]) == pem_fingerprint(old_cert), "the watcher reloaded without a changed stamp"

        proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        while served_fingerprint(port[0]) != pem_fingerprint(new_cert):
            assert time.monotonic() < deadline, "SIGHUP did not reload the certificate: " + "".join(lines)[-2000:]
            time.sleep(0.1)
        assert b" 200 " in healthz(kept), "a connection opened before the reload must keep working"
        kept.close()
        assert proc.poll() is None, "SIGHUP must not stop the gateway"
    finally:
        gw.stop()


def test_the_command_line_client_speaks_https_and_verifies_the_server():
    work = Path(tempfile.mkdtemp(prefix="cgw-tls-cli-"))
    cert_pem, key_pem = make_pair(work, "server")
    make_pair(work, "other")
    (work / "token").write_text(ADMIN_TOKEN + "\n")
    gw = TLSGateway(work, work / "server.crt", work / "server.key")
    try:
        def status(*extra):
            return subprocess.run([str(binary()), "status", "--server", f"https://127.0.0.1:{gw.port}",
                                   "--token-file", str(work / "token"), "--channel", "mychannel", "--name", "basic", *extra],
                                  capture_output=True, text=True, timeout=60)

        # Trusted: the request reaches the API over TLS, which answers with its own error (no network
        # is configured here): the client prints the gateway's error code, so the exchange worked.
        ok = status("--ca-file", str(work / "server.crt"))
        assert ok.returncode == 1, ok
        assert "network_not_configured" in ok.stderr + ok.stdout, ok
        # Another CA: the handshake fails on verification, nothing is sent.
        wrong = status("--ca-file", str(work / "other.crt"))
        assert wrong.returncode == 1, wrong
        assert "certificate verification failed" in wrong.stderr + wrong.stdout, wrong
        assert "network_not_configured" not in wrong.stderr + wrong.stdout
    finally:
        gw.stop()
