#!/usr/bin/env python3
"""Fails when a module of Sources/ imports one it must not (docs/architecture.md, "Layers").

Reads the import lines of every Swift file under Sources/<Module>/ and compares them with the
table below: each module may import only the project modules listed for it (lower layers),
plus the toolchain's own modules and the external packages listed for it. Each C shim is
imported by exactly one Swift module. Run by scripts/test.sh and IntegrationTests/test_layers.py.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SYSTEM = {"Foundation", "FoundationEssentials", "Glibc", "Synchronization", "Dispatch"}

# module -> project modules and external products it may import.
ALLOWED = {
    "CLinux": set(), "COpenSSL": set(), "CNGHTTP2": set(), "CSQLite": set(), "CZlib": set(), "CPKCS11": set(),
    "JSON": set(),
    "HTTP1": set(),
    "Telemetry": set(),
    "SystemIO": {"CLinux"},
    "TLSCrypto": {"COpenSSL"},
    "Archive": {"CZlib"},
    "Store": {"CSQLite"},
    "Configuration": {"Yams", "JSON"},
    "EventLoop": {"SystemIO"},
    "WebServer": {"SystemIO", "EventLoop", "HTTP1", "JSON", "Logging"},
    "GRPCClient": {"CNGHTTP2", "TLSCrypto", "SystemIO", "EventLoop", "Logging"},
    "FabricProtos": {"SwiftProtobuf"},
    "Fabric": {"FabricProtos", "TLSCrypto", "SwiftProtobuf", "Logging"},
    "ChaincodePackages": {"Archive", "TLSCrypto", "Store"},
    # Fabric's Signer over a PKCS#11 token: the only user of the Cryptoki header.
    "PKCS11Signing": {"CPKCS11", "Fabric", "TLSCrypto"},
    "EmbeddedAssets": {"Store", "TLSCrypto"},
    "FabricAccess": {"Fabric", "FabricProtos", "GRPCClient", "EventLoop", "TLSCrypto", "SystemIO", "Telemetry",
                     "Configuration", "JSON", "SwiftProtobuf", "PKCS11Signing"},
    # The lifecycle core: no HTTP (WebServer, HTTP1) and no gRPC below FabricAccess.
    "ChaincodeLifecycle": {"FabricAccess", "Fabric", "FabricProtos", "Store", "ChaincodePackages", "JSON", "Configuration",
                           "EventLoop", "Telemetry", "Logging", "SwiftProtobuf"},
    "AdminAPI": {"ChaincodeLifecycle", "FabricAccess", "Fabric", "JSON", "WebServer", "HTTP1", "Store", "ChaincodePackages",
                 "EmbeddedAssets", "Configuration", "TLSCrypto", "EventLoop", "SystemIO", "Telemetry", "Logging"},
    "Gateway": {"AdminAPI", "WebServer", "Store", "ChaincodePackages", "Configuration", "EmbeddedAssets", "SystemIO", "FabricAccess",
                "Logging", "ArgumentParser"},
}
C_SHIMS = {"CLinux", "COpenSSL", "CNGHTTP2", "CSQLite", "CZlib", "CPKCS11"}
IMPORT = re.compile(r"^\s*(?:@\w+\s+)*(?:(?:public|internal|package|private|fileprivate)\s+)?import\s+(?:\w+\s+)?([A-Za-z_][A-Za-z0-9_]*)")


def imports(module_dir):
    found = {}
    for path in sorted(module_dir.rglob("*.swift")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = IMPORT.match(line)
            if m:
                found.setdefault(m.group(1), f"{path.relative_to(ROOT)}:{n}")
    return found


def main():
    problems = []
    shim_users = {}
    modules = sorted(p for p in (ROOT / "Sources").iterdir() if p.is_dir())
    for module_dir in modules:
        module = module_dir.name
        if module not in ALLOWED:
            problems.append(f"{module}: not in scripts/check-layers.py's table (add it with its allowed imports)")
            continue
        for imported, where in imports(module_dir).items():
            if imported in C_SHIMS:
                shim_users.setdefault(imported, set()).add(module)
            if imported in SYSTEM or imported == module or imported in ALLOWED[module]:
                continue
            problems.append(f"{where}: {module} must not import {imported}")
    for shim, users in sorted(shim_users.items()):
        if len(users) > 1:
            problems.append(f"{shim} is imported by {', '.join(sorted(users))}: a C shim belongs to exactly one module")
    for p in problems:
        print(p)
    print(f"layers: {len(modules)} modules checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
