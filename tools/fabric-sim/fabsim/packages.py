"""Chaincode install packages: parsing (docs/fabric-notes.md §10) and the peer's installed-package store."""
import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import threading

LABEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")


class PackageError(Exception):
    pass


def _entries(data: bytes, what: str):
    try:
        raw = gzip.decompress(data)
    except Exception as e:  # noqa: BLE001
        raise PackageError(f"error reading as gzip stream: {e}")
    try:
        tf = tarfile.open(fileobj=io.BytesIO(raw), mode="r:")
        members = tf.getmembers()
    except Exception as e:  # noqa: BLE001
        raise PackageError(f"error inspecting next tar header: {e}")
    return tf, members


def parse(data: bytes):
    """Return (label, type, path). Raises PackageError with Fabric's messages."""
    tf, members = _entries(data, "package")
    meta, code = None, None
    for m in members:
        if not m.isreg():
            raise PackageError(f"tar entry {m.name} is not a regular file, type {ord(m.type)}")
        body = tf.extractfile(m).read()
        if m.name == "metadata.json":
            try:
                meta = {k.lower(): v for k, v in json.loads(body).items()}
            except Exception as e:  # noqa: BLE001
                raise PackageError(f"could not unmarshal metadata.json as json: {e}")
        elif m.name == "code.tar.gz":
            code = body
    if code is None:
        raise PackageError("did not find a code package inside the package")
    if meta is None:
        raise PackageError("did not find any package metadata (missing metadata.json)")
    label = meta.get("label", "")
    if not isinstance(label, str) or not LABEL_RE.match(label):
        raise PackageError(f"invalid label '{label}'. Label must be non-empty, can only consist of "
                           "alphanumerics, symbols from '.+-_', and can only begin with alphanumerics")
    try:
        _entries(code, "code")
    except PackageError as e:
        raise PackageError(f"error retrieving DB artifacts from code package: {e}")
    return label, meta.get("type", ""), meta.get("path", "")


def package_id(label: str, data: bytes) -> str:
    return f"{label}:{hashlib.sha256(data).hexdigest()}"


def build(label: str, cc_type: str, code_files=None, path="") -> bytes:
    """Build an install package like `peer lifecycle chaincode package` (test helper)."""
    def tgz(files):
        bio = io.BytesIO()
        with tarfile.open(fileobj=bio, mode="w", format=tarfile.USTAR_FORMAT) as tf:
            for name, body in files:
                ti = tarfile.TarInfo(name)
                ti.size = len(body)
                ti.mode = 0o100644
                tf.addfile(ti, io.BytesIO(body))
        return gzip.compress(bio.getvalue(), mtime=0)     # deterministic => stable package ID
    code = tgz(code_files or [("connection.json", b'{"address":"127.0.0.1:9999"}')])
    meta = json.dumps({"path": path, "type": cc_type, "label": label}).encode()
    return tgz([("metadata.json", meta), ("code.tar.gz", code)])


class PackageStore:
    """Installed packages of one peer, persisted as <label>.<hex>.tar.gz."""

    def __init__(self, directory: str):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.lock = threading.Lock()
        self.built = set()      # in-memory build registry (lost on restart, like Fabric)

    def _path(self, pkgid):
        label, h = pkgid.rsplit(":", 1)
        return os.path.join(self.dir, f"{label}.{h}.tar.gz")

    def install(self, data: bytes):
        label, _, _ = parse(data)
        pid = package_id(label, data)
        with self.lock:
            if pid in self.built:
                raise PackageError(f"chaincode already successfully installed (package ID '{pid}')")
            with open(self._path(pid), "wb") as f:
                f.write(data)
            self.built.add(pid)
        return pid, label

    def load(self, pkgid: str):
        p = self._path(pkgid) if ":" in pkgid else None
        if not p or not os.path.exists(p):
            return None
        with open(p, "rb") as f:
            return f.read()

    def list(self):
        out = []
        for name in sorted(os.listdir(self.dir)):
            if name.endswith(".tar.gz"):
                base = name[:-len(".tar.gz")]
                label, h = base.rsplit(".", 1)
                out.append((f"{label}:{h}", label))
        return out

    def has(self, pkgid: str) -> bool:
        return bool(pkgid) and self.load(pkgid) is not None
