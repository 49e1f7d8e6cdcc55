"""Another organization's approval, made with another tool, in the browser: the consortium grid
shows who approved what, the chaincode page offers "review and approve as Org2MSP" (adopt), the
adopted package (installed by the other tool, not stored here) is preselected, approve and commit
follow; the install page lists the peers' own packages and marks the one the gateway does not
store; the favicon is served."""
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from dashboard_harness import ADMIN_TOKEN, REPO, find, open_view, screenshot, sign_in, sign_out, wait, wait_css, wait_text
from dashboard_lifecycle import wait_ok

NAME = "consortium"


def approve_outside(sim_dir):
    """Installs on both orgs' peers and approves as Org1 only, as `peer lifecycle chaincode` would."""
    script = REPO / "tools" / "fabric-sim" / "tests" / "peer_cli_deploy.py"
    out = subprocess.run([sys.executable, str(script), sim_dir, NAME, "--approve-orgs", "Org1MSP", "--label", "consortium_1",
                          "--no-commit"], check=True, capture_output=True, text=True, timeout=120).stdout
    return json.loads(out)["packageId"]


def grid_state(driver, msp):
    cells = driver.find_elements(By.CSS_SELECTOR, f'#consortium-grid tr[data-chaincode="{NAME}"] td[data-msp="{msp}"]')
    return cells[0].get_attribute("data-state") if cells else None


def run_pending_walkthrough(driver, gateway):
    package_id = approve_outside(gateway.sim_dir)
    sign_in(driver, gateway, ADMIN_TOKEN)
    channel = "mychannel"

    def grid_shows_org1(d):
        d.get(f"{gateway.url}/#/chaincodes?channel={channel}")
        wait_css(d, 'main[data-ready="chaincodes"]')
        return grid_state(d, "Org1MSP") == "approved"
    wait(driver, grid_shows_org1, 30, "the grid never showed Org1's approval")
    assert grid_state(driver, "Org2MSP") == "not-approved"
    assert "sequence 1: approved by Org1MSP" in find(driver, "#chaincode-list").text
    screenshot(driver, "30-consortium-grid")

    driver.get(f"{gateway.url}/#/chaincodes?channel={channel}&name={NAME}")
    adopt = wait_css(driver, "#adopt-0")
    assert "Org2MSP" in adopt.text and "Org1MSP" in find(driver, "#pending-card").text
    screenshot(driver, "31-pending-review")
    adopt.click()
    wait_ok(driver, "#adopt-success", "#adopt-error-0")
    chosen = Select(wait_css(driver, "#package-for-Org2MSP")).first_selected_option
    assert chosen.get_attribute("value") == package_id and "not stored here" in chosen.text, chosen.text
    find(driver, "#approve-Org2MSP").click()
    wait_ok(driver, '#approvals li[data-msp="Org2MSP"][data-state="approved"]', "#approve-error-Org2MSP")
    wait(driver, lambda d: find(d, "#commit").is_enabled(), 30)
    find(driver, "#commit").click()
    wait_ok(driver, "#commit-success", "#commit-error")
    screenshot(driver, "32-adopted-committed")

    open_view(driver, "install")
    row = wait_css(driver, f'#install-matrix tr[data-package-id="{package_id}"]')
    assert row.get_attribute("data-stored") == "false"
    assert "Not stored in this gateway" in row.text and f"{NAME} 1.0 on {channel}" in row.text, row.text
    screenshot(driver, "33-install-from-peers")
    sign_out(driver)

    with urllib.request.urlopen(f"{gateway.url}/favicon.ico", timeout=10) as r:
        assert r.status == 200 and r.headers["Content-Type"] == "image/x-icon"
        assert r.read()[:4] == bytes([0, 0, 1, 0])  # ICO header: reserved 0, type 1
    assert Path(REPO / "Public" / "favicon.ico").exists()
