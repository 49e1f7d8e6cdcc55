"""scripts/run.sh, scripts/setup.sh, scripts/test.sh and .ci/run, run for real.

- setup.sh: what it installs for running and, with --test, for testing (apt, sudo, dpkg, swift
  and the venv's pip replaced by stubs in a copy of the repository's layout; nothing installed).
- run.sh: when the gateway exits by itself (its port is taken), nothing run.sh started is left
  running. Uses the gateway from `swift build` (scripts/test.sh builds it) or GATEWAY_BIN, and the
  repository's .venv (scripts/setup.sh), so nothing is built here.
"""
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
RUN_PACKAGES = {"libssl-dev", "libnghttp2-dev", "libsqlite3-dev", "zlib1g-dev", "python3-venv"}
TEST_PACKAGES = {"shellcheck", "busybox", "openssl", "curl", "softhsm2", "chromium", "chromium-driver"}

STUB = """#!/bin/sh
echo "$(basename "$0") $*" >>"$STUB_LOG"
"""


@pytest.fixture
def setup_copy(tmp_path):
    """A copy of scripts/setup.sh in a skeleton repository, with every tool it calls stubbed."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup.sh", repo / "scripts" / "setup.sh")
    (repo / "tools" / "fabric-sim").mkdir(parents=True)
    for name in ("tools/fabric-sim/requirements.txt", "requirements-dev.txt", "requirements-browser.txt"):
        (repo / name).write_text(f"# {name}\n")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    stubs = {
        "apt-get": STUB, "swift": STUB,
        "dpkg": STUB + "exit 1\n",                    # nothing is installed
        "sudo": STUB + 'exec "$@"\n',
        # python3 -m venv .venv: a venv whose pip logs what it installs.
        "python3": STUB + 'mkdir -p "$3/bin"; printf \'%s\\n\' "#!/bin/sh" "exit 0" >"$3/bin/python3"\n'
                   'printf \'%s\\n\' "#!/bin/sh" "echo \\"pip \\$*\\" >>\\"\\$STUB_LOG\\"" >"$3/bin/pip"\n'
                   'chmod +x "$3/bin/python3" "$3/bin/pip"\n',
    }
    for name, text in stubs.items():
        (bindir / name).write_text(text)
        (bindir / name).chmod(0o755)
    log = tmp_path / "calls.log"
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "STUB_LOG": str(log)}

    def run(*args):
        log.write_text("")
        result = subprocess.run(["bash", str(repo / "scripts" / "setup.sh"), *args], env=env,
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        calls = [line.split() for line in log.read_text().splitlines()]
        apt = {p for c in calls if c[:2] == ["apt-get", "install"] for p in c[2:] if not p.startswith("-")}
        pip = [c[c.index("-r") + 1:] for c in calls if c[0] == "pip"]
        pip = [[a for a in c if a != "-r"] for c in pip]
        return apt, pip
    return run


def test_setup_for_running_installs_no_test_tools(setup_copy):
    apt, pip = setup_copy()
    assert apt == RUN_PACKAGES
    assert pip == [["tools/fabric-sim/requirements.txt"]]
    # Nothing changed: nothing to install (dpkg still says missing, so apt runs again; pip does not).
    assert setup_copy()[1] == []


def test_setup_for_testing_adds_the_test_tools_and_requirements(setup_copy):
    setup_copy()
    apt, pip = setup_copy("--test")
    assert apt == RUN_PACKAGES | TEST_PACKAGES
    assert pip == [["tools/fabric-sim/requirements.txt", "requirements-dev.txt", "requirements-browser.txt"]]
    # After a test setup, running needs nothing more from pip, and neither does testing.
    assert setup_copy()[1] == [] and setup_copy("--test")[1] == []


def script_lines(path):
    return [line.strip() for line in (ROOT / path).read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_run_sets_up_for_running_and_test_for_testing():
    assert "scripts/setup.sh" in script_lines("scripts/run.sh")
    assert "scripts/setup.sh --test" in script_lines("scripts/test.sh")
    assert "exec scripts/test.sh" in script_lines(".ci/run")
    readme = (ROOT / "README.md").read_text()
    assert "scripts/run.sh     #" in readme and "scripts/test.sh    #" in readme


# ---------------------------------------------------------------- run.sh's cleanup


def gateway_binary():
    path = pathlib.Path(os.environ.get("GATEWAY_BIN", ROOT / ".build" / "debug" / "chaincode-gateway"))
    assert path.exists(), f"{path} not built: run `swift build` first (scripts/test.sh does)"
    return str(path)


def processes_mentioning(text):
    """PIDs of live processes whose command line contains text."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("mode", [[], ["--per-org"]], ids=["one-gateway", "per-org"])
def test_run_stops_everything_when_the_gateway_exits_by_itself(tmp_path, mode):
    if not (ROOT / ".venv" / "bin" / "python3").exists():
        pytest.fail("run.sh needs the repository's .venv: run scripts/setup.sh first (scripts/test.sh does)")
    data = tmp_path / "data"
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    env = {**os.environ, "GATEWAY_BIN": gateway_binary(), "RUN_DATA_DIR": str(data),
           "GATEWAY_LISTEN": f"127.0.0.1:{port}"}
    env.pop("GATEWAY_ADMIN_TOKEN", None)
    try:
        # Output to files, not pipes: a process left behind may hold a pipe open.
        out, err = tmp_path / "stdout", tmp_path / "stderr"
        with open(out, "w") as o, open(err, "w") as e:
            run = subprocess.Popen([str(ROOT / "scripts" / "run.sh"), *mode], env=env, stdout=o, stderr=e,
                                   stdin=subprocess.DEVNULL)
            returncode = run.wait(timeout=120)
        stdout, stderr = out.read_text(), err.read_text()
        assert "fabric-sim is up" in stdout, stdout + stderr
        assert "address already in use" in stderr, stderr
        assert returncode != 0
        # The simulator and the gateways all have the data dir on their command line.
        left = processes_mentioning(str(data))
        assert left == [], f"run.sh left {left} running"
        sim_dir = data / ("sim-per-org" if mode else "sim")
        assert not (sim_dir / "sim.pid").exists(), "fabric-sim did not shut down cleanly"
    finally:
        taken.close()
        for pid in processes_mentioning(str(data)):
            os.kill(pid, signal.SIGTERM)
        time.sleep(0.2)


def test_test_sh_starts_a_docker_engine_for_the_smoke_test_and_stops_only_what_it_started():
    lines = script_lines("scripts/test.sh")
    assert any("scripts/docker-engine.sh start" in line for line in lines)
    assert "trap 'scripts/docker-engine.sh stop' EXIT" in lines
    assert any("export COMPOSE_SMOKE_UNAVAILABLE=" in line for line in lines), "no engine: the reason reaches the skipped test"
    # `stop` without a pid file of its own (nothing started) touches nothing and succeeds.
    engine = ROOT / "scripts" / "docker-engine.sh"
    text = engine.read_text()
    assert "pidfile=" in text and 'kill "$pid"' in text and "pkill" not in text and "killall" not in text
    if not pathlib.Path("/run/chaincode-gateway-dockerd.pid").exists():
        assert subprocess.run(["bash", str(engine), "stop"], capture_output=True).returncode == 0
    assert subprocess.run(["bash", str(engine), "bogus"], capture_output=True).returncode == 2
