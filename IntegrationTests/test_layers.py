"""The layering of docs/architecture.md holds: scripts/check-layers.py reads every module's import
lines; a module importing one it must not fails here (and the script is shown to catch it)."""
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check-layers.py"


def test_every_module_imports_only_what_its_layer_allows():
    r = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_forbidden_import_is_reported(tmp_path):
    # A copy of the script and of Sources/ where the lifecycle core imports WebServer.
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts" / "check-layers.py")
    shutil.copytree(ROOT / "Sources", tmp_path / "Sources", ignore=shutil.ignore_patterns("FabricProtos"))
    (tmp_path / "Sources" / "FabricProtos").mkdir()
    bad = tmp_path / "Sources" / "ChaincodeLifecycle" / "Bad.swift"
    bad.write_text("import WebServer\n")
    r = subprocess.run([sys.executable, str(tmp_path / "scripts" / "check-layers.py")], capture_output=True, text=True)
    assert r.returncode == 1
    assert "Sources/ChaincodeLifecycle/Bad.swift:1: ChaincodeLifecycle must not import WebServer" in r.stdout
