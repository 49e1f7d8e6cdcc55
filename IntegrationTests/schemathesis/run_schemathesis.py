"""schemathesis over every operation of openapi.yaml (issue 20), against the gateway binary on fabric-sim with
basic deployed: examples, coverage, fuzzing and stateful phases, checked for server errors and for status
codes, content types, headers and bodies the document does not describe. Called by scripts/schemathesis.sh.

Four runs: every operation but revokeToken and streamEvents with the bootstrap admin token (examples, coverage and
fuzzing, then the stateful phase on a budget of its own); revokeToken
alone with an admin token of its own, so the run does not revoke the token it runs with; streamEvents alone
with a short request timeout (the stream stays open: the events that arrive before it are validated). Exit status: schemathesis's, 0 when clean."""
import os
import pathlib
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "support"))
from cgw_harness import ADMIN_TOKEN, REPO, FabricSim, Gateway, deploy_basic  # noqa: E402

CHECKS = ",".join(["not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_headers_conformance", "response_schema_conformance"])
SCHEMATHESIS = str(pathlib.Path(sys.executable).with_name("schemathesis"))


def schemathesis(gw, token, max_time, *selection, request_timeout=70, phases="examples,coverage,fuzzing"):
    report = REPO / "test-output" / "schemathesis"
    report.mkdir(parents=True, exist_ok=True)
    args = [SCHEMATHESIS, "run", str(REPO / "openapi.yaml"), "--url", gw.url,
            "--header", f"Authorization: Bearer {token}",
            "--phases", phases, "--checks", CHECKS,
            "--max-time", str(max_time), "--request-timeout", str(request_timeout), "--workers", "2",
            "--suppress-health-check", "all", "--no-color",
            "--report", "junit", "--report-dir", str(report), *selection]
    if os.environ.get("SCHEMATHESIS_SEED"):
        args += ["--seed", os.environ["SCHEMATHESIS_SEED"]]
    print("+", " ".join(a if "Bearer" not in a else "Authorization: Bearer ***" for a in args), flush=True)
    # From test-output/: its example database (.schemathesis/) stays out of the tree.
    hooks = str(pathlib.Path(__file__).resolve().parent)
    env = dict(os.environ, SCHEMATHESIS_WAIT_FOR_SCHEMA="10", SCHEMATHESIS_HOOKS="cgw_schemathesis_hooks",
               PYTHONPATH=os.pathsep.join(filter(None, [hooks, os.environ.get("PYTHONPATH")])))
    return subprocess.run(args, cwd=report, env=env).returncode


def main():
    max_time = int(os.environ.get("SCHEMATHESIS_SECONDS", "150"))
    sim = FabricSim()
    gw = None
    try:
        gw = Gateway(sim.config)
        deploy_basic(gw)
        status = schemathesis(gw, ADMIN_TOKEN, max_time, "--exclude-operation-id", "revokeToken",
                              "--exclude-operation-id", "streamEvents")
        # The stateful phase on its own budget: in one run with the others, --max-time ran out in the
        # fuzzing phase and no scenario ran. The document's links feed real identifiers between calls.
        status |= schemathesis(gw, ADMIN_TOKEN, max(60, max_time // 2), "--exclude-operation-id", "revokeToken",
                               "--exclude-operation-id", "streamEvents", phases="stateful")
        second = gw.call("POST", "/api/v1/tokens", {"name": "schemathesis-revoker", "role": "admin"}, expect=(201,))["token"]
        status |= schemathesis(gw, second, max(30, max_time // 5), "--include-operation-id", "revokeToken")
        # The event stream never ends by itself: schemathesis validates the events that arrive (the
        # buffered ones replayed after Last-Event-ID: the deployment's operations, approvals and
        # commits) until the request timeout cuts the stream, so this run gets a short timeout.
        status |= schemathesis(gw, ADMIN_TOKEN, max(30, max_time // 5), "--include-operation-id", "streamEvents",
                               "--max-examples", "15", request_timeout=2)
        # The gateway is still whole: it answers, and its own token still works.
        gw.call("GET", "/api/v1/me")
        if gw.proc.poll() is not None:
            print("the gateway exited during the run:\n" + gw.out.text(), file=sys.stderr)
            status = 1
        return status
    finally:
        if gw:
            gw.stop()
        sim.stop()


if __name__ == "__main__":
    sys.exit(main())
