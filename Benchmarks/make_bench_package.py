#!/usr/bin/env python3
"""Writes a valid Fabric chaincode package (ccaas) of about SIZE MiB for scripts/bench-upload.sh.

Layout (what `peer lifecycle chaincode package` produces):
    package.tar.gz
      metadata.json   {"path":"","type":"ccaas","label":"bench"}
      code.tar.gz
        connection.json
        payload.bin   SIZE MiB of random (incompressible) bytes

Usage: make_bench_package.py OUTPUT SIZE_MIB [--level N]   (gzip level, default 0 = stored)
Random data does not compress, so level 0 keeps generation at disk speed.
"""
import argparse
import gzip
import io
import json
import os
import tarfile
import tempfile
import time

CHUNK = 1 << 20


class RandomReader:
    """File-like object yielding `size` random bytes, so the payload never sits in memory."""

    def __init__(self, size: int) -> None:
        self.remaining = size

    def read(self, n: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        n = self.remaining if n < 0 else min(n, self.remaining)
        self.remaining -= n
        return os.urandom(n)


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


def add_stream(tar: tarfile.TarFile, name: str, size: int, stream) -> None:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o644
    info.mtime = int(time.time())
    tar.addfile(info, stream)


def write_code_tar(path: str, payload_bytes: int, level: int) -> None:
    connection = json.dumps({"address": "bench-cc:9999", "dial_timeout": "10s",
                             "tls_required": False},
                            separators=(",", ":")).encode()
    with gzip.open(path, "wb", compresslevel=level) as gz:
        with tarfile.open(fileobj=gz, mode="w|", format=tarfile.USTAR_FORMAT) as tar:
            add_bytes(tar, "connection.json", connection)
            add_stream(tar, "payload.bin", payload_bytes, RandomReader(payload_bytes))


def write_package(output: str, size_mib: int, level: int) -> None:
    metadata = json.dumps({"path": "", "type": "ccaas", "label": "bench"},
                          separators=(",", ":")).encode()
    directory = os.path.dirname(os.path.abspath(output))
    with tempfile.NamedTemporaryFile(dir=directory, suffix=".code.tar.gz") as code:
        write_code_tar(code.name, size_mib * CHUNK, level)
        code_size = os.path.getsize(code.name)
        with open(code.name, "rb") as code_file, \
                gzip.open(output, "wb", compresslevel=level) as gz, \
                tarfile.open(fileobj=gz, mode="w|", format=tarfile.USTAR_FORMAT) as tar:
            add_bytes(tar, "metadata.json", metadata)
            add_stream(tar, "code.tar.gz", code_size, code_file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("size_mib", type=int)
    parser.add_argument("--level", type=int, default=0, choices=range(0, 10))
    args = parser.parse_args()
    write_package(args.output, args.size_mib, args.level)


if __name__ == "__main__":
    main()
