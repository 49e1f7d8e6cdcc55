#!/usr/bin/env python3
"""Build a FileDescriptorSet from the hyperledger-fabric-protos wheel without importing it.

Each fabric_protos/**/<name>_pb2.py calls
`_descriptor_pool.Default().AddSerializedFile(b'...')` with the serialized
FileDescriptorProto as its only argument (docs/fabric-notes.md §13). We read the
sources with `ast` (no protobuf runtime needed) and write field 1 of FileDescriptorSet
repeated: 0x0A + varint(len) + bytes per file, dependencies first.

usage: extract_fabric_descriptors.py <wheel.whl> <out.pb>
"""
import ast
import sys
import zipfile


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read_varint(buf: bytes, i: int):
    shift = 0
    value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, i


def name_and_deps(fdp: bytes):
    """FileDescriptorProto: 1 name string, 3 dependency repeated string."""
    name, deps, i = None, [], 0
    while i < len(fdp):
        key, i = read_varint(fdp, i)
        field, wire = key >> 3, key & 7
        if wire == 2:
            n, i = read_varint(fdp, i)
            value = fdp[i:i + n]
            i += n
            if field == 1:
                name = value.decode()
            elif field == 3:
                deps.append(value.decode())
        elif wire == 0:
            _, i = read_varint(fdp, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise ValueError(f"unexpected wire type {wire}")
    return name, deps


def serialized_file(source: str):
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "AddSerializedFile" and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, bytes)):
            return node.args[0].value
    return None


def main() -> int:
    wheel, out = sys.argv[1], sys.argv[2]
    files = {}
    with zipfile.ZipFile(wheel) as z:
        for entry in sorted(z.namelist()):
            if not entry.endswith("_pb2.py"):
                continue
            fdp = serialized_file(z.read(entry).decode())
            if fdp is None:
                continue
            name, deps = name_and_deps(fdp)
            files[name] = (fdp, deps)
    ordered, seen = [], set()

    def visit(name):
        if name in seen or name not in files:
            return
        seen.add(name)
        for dep in files[name][1]:
            visit(dep)
        ordered.append(name)

    for name in sorted(files):
        visit(name)
    with open(out, "wb") as f:
        for name in ordered:
            fdp = files[name][0]
            f.write(b"\x0a" + varint(len(fdp)) + fdp)
    print(f"{len(ordered)} files -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
