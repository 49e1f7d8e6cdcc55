"""One gateway per organization, in two browser sessions: Org1's operator drafts and approves on
Org1's gateway; Org2's operator, on Org2's gateway (which holds no Org1 key and knows Org1's peer
only through discovery), sees the definition pending in the consortium grid, adopts it, approves
and commits; Org1's page then shows it committed."""
import time

from dashboard_harness import ADMIN_TOKEN, find, new_driver, screenshot, sign_in, sign_out, wait, wait_css
from dashboard_lifecycle import approve, set_field, wait_ok

NAME = "walk"
CHANNEL = "mychannel"


def install_own_package(gateway):
    """The same ccaas package built and installed on the gateway's own peer (same bytes, same ID)."""
    status, built = gateway.request("POST", "/api/v1/packages/ccaas", {"label": "walk_1", "address": "127.0.0.1:9999"})
    assert status in (200, 201), built
    status, started = gateway.request("POST", "/api/v1/installs", {"packageId": built["packageId"]})
    assert status == 202, started
    op_id = started["operation"]["id"]
    for _ in range(600):
        _, op = gateway.request("GET", f"/api/v1/operations/{op_id}")
        if op["state"] in ("succeeded", "failed"):
            assert op["state"] == "succeeded", op
            return built["packageId"]
        time.sleep(0.1)
    raise AssertionError(f"install on {gateway.url} did not finish: {op}")


def grid_state(driver, msp):
    cells = driver.find_elements("css selector", f'#consortium-grid tr[data-chaincode="{NAME}"] td[data-msp="{msp}"]')
    return cells[0].get_attribute("data-state") if cells else None


def run_per_org_walkthrough(org1_driver, gateways):
    org1, org2 = gateways
    package_id = install_own_package(org1)
    assert install_own_package(org2) == package_id
    # Each gateway knows its own organization only.
    for g, msp in ((org1, "Org1MSP"), (org2, "Org2MSP")):
        _, net = g.request("GET", "/api/v1/network")
        assert [o["mspId"] for o in net["organizations"]] == [msp], net

    sign_in(org1_driver, org1, ADMIN_TOKEN)
    org1_driver.get(f"{org1.url}/#/chaincodes?channel={CHANNEL}&name={NAME}")
    wait_css(org1_driver, "#draft-form")
    set_field(org1_driver, "#draft-version", "1.0")
    find(org1_driver, "#draft-save").click()
    wait_ok(org1_driver, "#draft-card", "#draft-error")
    approve(org1_driver, "Org1MSP", package_id)
    screenshot(org1_driver, "40-per-org-org1-approved")

    org2_driver = new_driver()
    try:
        sign_in(org2_driver, org2, ADMIN_TOKEN)

        org2_driver.get(f"{org2.url}/#/chaincodes?channel={CHANNEL}")

        def pending_on_org2(d):
            d.refresh()  # the block listener may not have seen Org1's approval at the first load
            wait_css(d, 'main[data-ready="chaincodes"]')
            return grid_state(d, "Org1MSP") == "approved"
        wait(org2_driver, pending_on_org2, 30, "Org2's gateway never showed Org1's approval")
        assert grid_state(org2_driver, "Org2MSP") == "not-approved"
        screenshot(org2_driver, "41-per-org-org2-grid")
        org2_driver.get(f"{org2.url}/#/chaincodes?channel={CHANNEL}&name={NAME}")
        adopt = wait_css(org2_driver, "#adopt-0")
        assert "Org2MSP" in adopt.text
        adopt.click()
        wait_ok(org2_driver, "#adopt-success", "#adopt-error-0")
        approve(org2_driver, "Org2MSP", package_id)
        wait(org2_driver, lambda d: find(d, "#commit").is_enabled(), 30)
        find(org2_driver, "#commit").click()
        wait_ok(org2_driver, "#commit-success", "#commit-error")
        screenshot(org2_driver, "42-per-org-org2-committed")
        sign_out(org2_driver)
    finally:
        org2_driver.quit()

    def committed_on_org1(d):
        d.refresh()  # the same hash again would not re-render the page
        wait_css(d, 'main[data-ready="chaincodes"]')
        return bool(d.find_elements("css selector", "#committed-card"))
    wait(org1_driver, committed_on_org1, 30, "Org1's gateway never showed the commit")
    screenshot(org1_driver, "43-per-org-org1-sees-commit")
    sign_out(org1_driver)
