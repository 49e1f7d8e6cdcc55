"""The lifecycle walk-through in the browser against a gateway wired to fabric-sim:
upload, install on both peers, approve org by org (the draft card shows who is missing and
keeps commit disabled), commit, submit and evaluate in the console, operations list."""
import json

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from dashboard_harness import ADMIN_TOKEN, ccaas_package, find, open_view, screenshot, sign_in, sign_out, wait, wait_css, wait_text


def wait_ok(driver, ok_selector, error_selector, timeout=90):
    """Waits for the success element, failing with the error shown in `error_selector` if one appears."""
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ok_selector) or d.find_elements(By.CSS_SELECTOR, f"{error_selector} .error"),
         timeout, f"neither {ok_selector} nor an error in {error_selector}")
    errors = driver.find_elements(By.CSS_SELECTOR, f"{error_selector} .error")
    assert not errors, f"{error_selector}: {errors[0].text}"
    return find(driver, ok_selector)


def set_field(driver, selector, value):
    el = find(driver, selector)
    el.clear()
    el.send_keys(value)


def approval_state(driver, msp):
    return find(driver, f'#approvals li[data-msp="{msp}"]').get_attribute("data-state")


def approve(driver, msp, package_id):
    Select(find(driver, f'#package-for-{msp}')).select_by_value(package_id)
    find(driver, f"#approve-{msp}").click()
    wait_ok(driver, f'#approvals li[data-msp="{msp}"][data-state="approved"]', f"#approve-error-{msp}")


def run_lifecycle_walkthrough(driver, gateway, tmp_path):
    status, net = gateway.request("GET", "/api/v1/network")
    assert status == 200, net
    channel = net["channels"][0]
    msps = [o["mspId"] for o in net["organizations"]]
    assert len(msps) == 2 and len(net["peers"]) >= 2
    sign_in(driver, gateway, ADMIN_TOKEN)
    open_view(driver, "network")
    for peer in net["peers"]:
        wait_text(driver, "main", peer["name"])
    wait(driver, lambda d: "reachable" in find(d, "main").text, 30)
    wait(driver, lambda d: "Reading channel" not in find(d, "main").text, 30)
    # Checked at the end, so one server-side problem here does not hide the rest of the walk.
    channels_text = find(driver, "main").text
    screenshot(driver, "20-network-live")

    open_view(driver, "packages")
    pkg = tmp_path / "basic.tar.gz"
    pkg.write_bytes(ccaas_package())
    find(driver, "#package-file").send_keys(str(pkg))
    wait_text(driver, "#upload-result", "basic_1.0:")
    package_id = gateway.request("GET", "/api/v1/packages?label=basic_1.0")[1]["items"][0]["packageId"]

    open_view(driver, "install")
    boxes = driver.find_elements(By.CSS_SELECTOR, f'#install-matrix input[data-package-id="{package_id}"]')
    assert len(boxes) == len(net["peers"]), "every peer offers the package for installation"
    for b in boxes:
        b.click()
    find(driver, "#install-selected").click()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#install-progress [data-state="succeeded"]')
         or d.find_elements(By.CSS_SELECTOR, '#install-progress [data-state="failed"], #install-progress .error'), 120)
    progress = find(driver, "#install-progress").text
    assert driver.find_elements(By.CSS_SELECTOR, '#install-progress [data-state="succeeded"]'), progress
    for peer in net["peers"]:
        assert peer["name"] in progress
    screenshot(driver, "21-install")

    driver.get(f"{gateway.url}/#/chaincodes?channel={channel}&name=basic")
    wait_css(driver, 'main[data-ready="chaincodes"]')
    wait_css(driver, "#draft-form")
    find(driver, "#draft-policy").send_keys("AND('Org1MSP.peer'")
    wait_text(driver, "#draft-policy-check", "Syntax:")
    find(driver, "#draft-policy").clear()
    find(driver, "#draft-save").click()
    wait_ok(driver, "#draft-card", "#draft-error")
    screenshot(driver, "22-draft")

    approve(driver, msps[0], package_id)
    assert approval_state(driver, msps[0]) == "approved"
    assert approval_state(driver, msps[1]) == "not-approved"
    assert msps[1] in find(driver, "#approvals-summary").text
    assert not find(driver, "#commit").is_enabled()
    screenshot(driver, "23-approved-one")

    approve(driver, msps[1], package_id)
    wait(driver, lambda d: find(d, "#commit").is_enabled(), 30)
    screenshot(driver, "24-ready")
    find(driver, "#commit").click()
    wait_ok(driver, "#commit-success", "#commit-error")
    wait_css(driver, "#committed-card")
    screenshot(driver, "25-committed")

    driver.get(f"{gateway.url}/#/console?channel={channel}&name=basic")
    wait_css(driver, 'main[data-ready="console"]')
    find(driver, "#console-function").send_keys("CreateAsset")
    find(driver, "#console-args").send_keys(json.dumps(["asset-ui-1", "blue", "5", "Tomoko", "300"]))
    find(driver, "#console-submit").click()
    wait_ok(driver, "#console-validation", "#console-error")
    assert find(driver, "#console-validation").text == "VALID"
    assert find(driver, "#console-txid").text
    screenshot(driver, "26-console-submit")
    find(driver, "#console-function").clear()
    find(driver, "#console-function").send_keys("ReadAsset")
    find(driver, "#console-args").clear()
    find(driver, "#console-args").send_keys("asset-ui-1")
    find(driver, "#console-evaluate").click()
    result = wait_text(driver, "#console-result", '"Owner": "Tomoko"').text
    assert "Result (JSON)" in result
    screenshot(driver, "27-console-evaluate")
    set_field(driver, "#console-args", "no-such-asset")
    find(driver, "#console-evaluate").click()
    error = wait_css(driver, "#console-error .error")
    status, body = gateway.request("POST", f"/api/v1/channels/{channel}/chaincodes/basic/evaluate",
                                   {"function": "ReadAsset", "args": ["no-such-asset"]})
    assert status >= 400 and body["error"]["message"] in error.text, (status, body, error.text)
    screenshot(driver, "27-console-error")

    # Upgrade: the form pre-fills sequence 2; Org1 approves 2.0, then the draft moves to 2.1, so
    # Org1's approval is "approved-different" with the version highlighted.
    driver.get(f"{gateway.url}/#/chaincodes?channel={channel}&name=basic")
    wait_css(driver, "#committed-card")
    assert find(driver, "#draft-sequence").get_attribute("value") == "2"
    set_field(driver, "#draft-version", "2.0")
    find(driver, "#draft-save").click()
    wait_ok(driver, "#draft-card", "#draft-error")
    approve(driver, msps[0], package_id)
    set_field(driver, "#draft-version", "2.1")
    find(driver, "#draft-save").click()
    different = wait_ok(driver, f'#approvals li[data-msp="{msps[0]}"][data-state="approved-different"]', "#draft-error")
    assert "version" in different.find_element(By.CSS_SELECTOR, "table.diff mark").text
    assert "2.0" in different.text and "2.1" in different.text
    assert not find(driver, "#commit").is_enabled()
    screenshot(driver, "29-approved-different")

    # Auto-commit: ticked on the draft, both orgs approve 2.1, nobody presses Commit.
    find(driver, "#draft-auto-commit").click()
    find(driver, "#draft-save").click()
    wait_ok(driver, "#draft-auto-commit-state", "#draft-error")
    status, detail = gateway.request("GET", f"/api/v1/channels/{channel}/chaincodes/basic")
    assert status == 200 and detail["draft"]["autoCommit"] is True, detail
    approve(driver, msps[0], package_id)
    approve(driver, msps[1], package_id)

    def committed_version(_):
        _, d = gateway.request("GET", f"/api/v1/channels/{channel}/chaincodes/basic")
        return (d.get("committed") or {}).get("version") == "2.1"
    wait(driver, committed_version, 60)
    driver.refresh()
    wait_text(driver, "#committed-card", "2.1")
    screenshot(driver, "29-auto-committed")

    # Upgrade to sequence 3 from the form (no package chosen): every org's package carries over
    # from its approval of sequence 2, with where it came from; choosing "no package" warns and
    # keeps the approve button off until the person ticks that they mean it.
    assert find(driver, "#draft-sequence").get_attribute("value") == "3"
    set_field(driver, "#draft-version", "3.0")
    find(driver, "#draft-save").click()
    wait_ok(driver, "#draft-card", "#draft-error")
    for msp in msps:
        source = wait_text(driver, f"#package-source-{msp}", package_id).text
        assert "approved for sequence 2" in source and "installed on its peers" in source, source
        assert Select(find(driver, f"#package-for-{msp}")).first_selected_option.get_attribute("value") == package_id
    assert not find(driver, f"#no-package-warning-{msps[1]}").is_displayed()
    Select(find(driver, f"#package-for-{msps[1]}")).select_by_value("")
    warning = find(driver, f"#no-package-warning-{msps[1]}")
    assert warning.is_displayed() and "cannot run the chaincode" in warning.text
    assert not find(driver, f"#approve-{msps[1]}").is_enabled()
    screenshot(driver, "29-upgrade-package-warning")
    find(driver, f"#no-package-ok-{msps[1]}").click()
    assert find(driver, f"#approve-{msps[1]}").is_enabled()

    open_view(driver, "operations")
    wait_text(driver, "#operations-list", "install")
    wait_text(driver, "#events-status", "live")
    screenshot(driver, "28-operations")
    sign_out(driver)
    assert "a majority of the channel's organizations must satisfy" in channels_text, \
        f"the Network view does not show {channel}'s LifecycleEndorsement policy in words: {channels_text[-600:]}"
