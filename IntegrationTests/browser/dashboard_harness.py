"""Harness of the dashboard browser tests: gateway and fabric-sim processes, Selenium helpers, packages.

A uniquely named module (not conftest) so imports cannot pick up another suite's conftest."""
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

try:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # reported by the browser fixture
    By = WebDriverWait = None

REPO = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "cgw-browser-test-admin-token-0123456789ab"  # 40 characters
SCREENSHOTS = REPO / "test-output" / "screenshots"
WIDTHS = (1280, 390)


def missing(reason):
    """No browser stack: a clear failure in CI (CI=true), a skip on a developer machine."""
    if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


class Gateway:
    """One gateway process listening on a port of its own choosing, with its own data directory."""

    def __init__(self, config=None):
        binary = Path(os.environ.get("GATEWAY_BIN", REPO / ".build" / "debug" / "chaincode-gateway"))
        if not binary.is_file():
            pytest.fail(f"gateway binary {binary} not found: build it with `swift build --product chaincode-gateway` or set GATEWAY_BIN")
        self.data = tempfile.mkdtemp(prefix="cgw-browser-")
        args = [str(binary), "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data,
                "--public-dir", str(REPO / "Public"), "--migrations-dir", os.environ.get("GATEWAY_MIGRATIONS_DIR", str(REPO / "migrations")), "--no-access-log"]
        if config:
            args += ["--config", str(config)]
        env = dict(os.environ, GATEWAY_ADMIN_TOKEN=ADMIN_TOKEN)
        self.lines = []
        self.listening = threading.Event()
        self.proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._drain, daemon=True).start()
        # The gateway logs "listening on http://127.0.0.1:<port>" once it accepts connections.
        if not self.listening.wait(60) or self.port is None:
            self.stop()
            pytest.fail(f"gateway did not start: {self.log_text()}")
        self.url = f"http://127.0.0.1:{self.port}"

    port = None

    def _drain(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace")
            self.lines.append(line)
            m = re.search(r"listening on http://[^ ]+:(\d+)", line)
            if m and self.port is None:
                self.port = int(m.group(1))
                self.listening.set()
        self.listening.set()  # exited: wake the waiter

    def log_text(self):
        return "".join(self.lines)[-3000:]

    def request(self, method, path, body=None, token=ADMIN_TOKEN, content_type="application/json"):
        """(status, parsed JSON or text) for an API call."""
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                raw, status = r.read(), r.status
        except urllib.error.HTTPError as e:
            raw, status = e.read(), e.code
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode(errors="replace")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.data, ignore_errors=True)


def screenshot(driver, name):
    """Full-page PNGs of the current page at 1280 px and 390 px wide."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        driver.set_window_size(width, 900)
        height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        driver.set_window_size(width, min(max(int(height) + 120, 900), 6000))
        driver.save_screenshot(str(SCREENSHOTS / f"{name}-{width}.png"))
    driver.set_window_size(1280, 900)


class FabricSim:
    """fabric-sim with 2 orgs on free ports, in the foreground of a child process."""

    def __init__(self, *extra):
        self.dir = tempfile.mkdtemp(prefix="cgw-browser-sim-")
        python = os.environ.get("GATEWAY_TEST_PYTHON") or sys.executable
        self.lines = []
        self.ready = threading.Event()
        self.proc = subprocess.Popen([python, str(REPO / "tools" / "fabric-sim" / "fabric_sim.py"), "up", "--orgs", "2",
                                      "--dir", self.dir, "--base-port", "0", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        threading.Thread(target=self._drain, daemon=True).start()
        if not self.ready.wait(120) or self.proc.poll() is not None:
            self.stop()
            pytest.fail("fabric-sim did not start: " + "".join(self.lines)[-3000:])
        self.config = Path(self.dir) / "gateway.yaml"

    def _drain(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace")
            self.lines.append(line)
            if "fabric-sim ready:" in line:
                self.ready.set()
        self.ready.set()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def tar_gz(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o644
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def ccaas_package(label="basic_1.0", address="basic.example.com:9999"):
    connection = json.dumps({"address": address, "dial_timeout": "10s", "tls_required": False}).encode()
    return tar_gz({
        "metadata.json": json.dumps({"type": "ccaas", "label": label, "path": ""}).encode(),
        "code.tar.gz": tar_gz({"connection.json": connection}),
    })


def wait(driver, condition, timeout=30, message=""):
    return WebDriverWait(driver, timeout).until(lambda d: condition(d), message)


def find(driver, selector):
    return driver.find_element(By.CSS_SELECTOR, selector)


def wait_css(driver, selector, timeout=30):
    return wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, selector) and d.find_element(By.CSS_SELECTOR, selector),
                timeout, f"no element {selector}")


def wait_text(driver, selector, text, timeout=30):
    def cond(d):
        els = d.find_elements(By.CSS_SELECTOR, selector)
        return els and text in els[0].text and els[0]
    try:
        return wait(driver, cond, timeout)
    except Exception:
        els = driver.find_elements(By.CSS_SELECTOR, selector)
        pytest.fail(f"{selector} never contained {text!r}; it shows: {els[0].text if els else '(missing)'!r}")


def open_view(driver, view):
    """Clicks the navigation link and waits until the view has rendered."""
    find(driver, f"#nav-{view}").click()
    wait_css(driver, f'main[data-ready="{view}"]')


def sign_in(driver, gateway, token):
    driver.get(gateway.url + "/")
    field = wait_css(driver, "#token")
    wait(driver, lambda d: field.is_displayed())
    field.send_keys(token)
    find(driver, "#signin-button").click()
    wait_css(driver, "main[data-ready]")


def sign_out(driver):
    find(driver, "#sign-out").click()
    wait(driver, lambda d: find(d, "#signin").is_displayed())
    assert driver.execute_script("return sessionStorage.getItem('cgw.token')") is None


def upload_file(driver, path):
    find(driver, "#package-file").send_keys(str(path))


# Fixtures (imported by the test module: a conftest.py here would shadow fabric-sim's
# `conftest` module when both suites run in one pytest session).

def new_driver():
    """A headless Chromium session of its own (cookies and sessionStorage are per session)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing("selenium is not installed (pip install -r requirements-browser.txt)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        missing("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--window-size=1280,900", "--lang=en-US", "--disable-extensions", "--no-first-run"):
        opts.add_argument(a)
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=driver_path))
    driver.set_window_size(1280, 900)
    return driver


@pytest.fixture(scope="session")
def browser():
    driver = new_driver()
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def gateway():
    g = Gateway()
    yield g
    g.stop()


@pytest.fixture(scope="module")
def lifecycle_network(gateway):
    """A gateway wired to fabric-sim, when this gateway build has the lifecycle API."""
    status, _ = gateway.request("GET", "/api/v1/network")
    assert status != 404, "the gateway has no lifecycle API (GET /api/v1/network is 404)"
    sim = FabricSim()
    try:
        g = Gateway(config=sim.config)
    except BaseException:
        sim.stop()
        raise
    g.sim_dir = sim.dir
    yield g
    g.stop()
    sim.stop()


@pytest.fixture(scope="module")
def per_org_network():
    """fabric-sim with mutual TLS (discovery needs the client's certificate) and one gateway per
    organization, each configured with that organization's identities and peer only."""
    sim = FabricSim("--mutual-tls", "--per-org-configs")
    gateways = []
    try:
        for msp in ("Org1MSP", "Org2MSP"):
            gateways.append(Gateway(config=Path(sim.dir) / f"gateway-{msp}.yaml"))
    except BaseException:
        for g in gateways:
            g.stop()
        sim.stop()
        raise
    yield gateways
    for g in gateways:
        g.stop()
    sim.stop()
