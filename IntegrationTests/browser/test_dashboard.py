"""The dashboard in a real browser (headless Chromium via Selenium) against a real gateway.

Runs in file order against one gateway: sign in, packages (upload with progress, detail, ccaas
builder, a rejected upload, a viewer refused), sign out. The lifecycle walk-through (install,
approve, commit, invoke, operations) runs against fabric-sim when the gateway has the
lifecycle API (always, since the lifecycle API landed).
Screenshots of every page at 1280 and 390 px: test-output/screenshots/.
"""
import pytest

from dashboard_harness import (ADMIN_TOKEN, ccaas_package, find, missing, open_view, screenshot,
                               sign_in, sign_out, upload_file, wait, wait_css, wait_text)
from dashboard_harness import browser, gateway, lifecycle_network, per_org_network  # noqa: F401  (pytest fixtures)

try:
    import selenium  # noqa: F401
except ImportError:
    missing("selenium is not installed (pip install -r requirements-browser.txt)")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


def test_sign_in_rejects_a_wrong_token_then_accepts_the_admin_token(browser, gateway):
    browser.get(gateway.url + "/")
    field = wait_css(browser, "#token")
    screenshot(browser, "01-sign-in")
    field.send_keys("cgw_0000000000000000_not-a-real-token-at-all")
    find(browser, "#signin-button").click()
    wait_text(browser, "#signin-error", "invalid, revoked or expired token")
    screenshot(browser, "02-sign-in-error")
    sign_in(browser, gateway, ADMIN_TOKEN)
    who = find(browser, "#whoami").text
    assert "bootstrap-admin" in who and "admin" in who
    # The token lives in sessionStorage only: no cookie is ever set.
    assert browser.execute_script("return sessionStorage.getItem('cgw.token')") == ADMIN_TOKEN
    assert browser.get_cookies() == []


def test_network_view_renders_or_says_not_available(browser, gateway):
    open_view(browser, "network")
    status, _ = gateway.request("GET", "/api/v1/network")
    text = find(browser, "main").text
    if status == 404:
        assert "Not available on this gateway" in text
    screenshot(browser, "03-network")


def test_upload_shows_progress_lists_the_package_and_opens_its_detail(browser, gateway, tmp_path):
    open_view(browser, "packages")
    pkg = tmp_path / "basic.tar.gz"
    pkg.write_bytes(ccaas_package())
    upload_file(browser, pkg)
    wait_text(browser, "#upload-result", "basic_1.0:")
    assert find(browser, "#upload-progress").get_attribute("value") == "100"
    status, listing = gateway.request("GET", "/api/v1/packages")
    assert status == 200 and len(listing["items"]) == 1
    package_id = listing["items"][0]["packageId"]
    row = wait_text(browser, "#package-list", package_id)
    assert "basic_1.0" in row.text and "ccaas" in row.text
    assert find(browser, "#package-list button[title='Copy to clipboard']")
    screenshot(browser, "04-packages")
    find(browser, "#package-list td a").click()
    wait_text(browser, "#detail-package-id", package_id)
    detail = find(browser, "main").text
    assert "basic.example.com:9999" in detail  # connection.json
    assert "connection.json" in find(browser, "table.files").text  # listing of code.tar.gz
    screenshot(browser, "05-package-detail")


def test_ccaas_form_builds_a_package_and_shows_the_chaincode_id(browser, gateway):
    open_view(browser, "packages")
    find(browser, "#ccaas-label").send_keys("asset_2.0")
    find(browser, "#ccaas-address").send_keys("asset.example.com:7052")
    find(browser, "#ccaas-build").click()
    env = wait_text(browser, "#ccaas-env", "CHAINCODE_ID=asset_2.0:").text
    assert "CHAINCODE_SERVER_ADDRESS=0.0.0.0:7052" in env
    wait_text(browser, "#package-list", "asset_2.0")
    screenshot(browser, "06-ccaas-built")


def test_package_page_shows_kubernetes_and_compose_manifests_with_a_copy_button(browser, gateway):
    status, pkg = gateway.request("POST", "/api/v1/packages/ccaas", {"label": "served_1.0", "address": "served-cc:9999"})
    assert status == 201
    open_view(browser, "packages")
    browser.find_element(By.LINK_TEXT, "served_1.0").click()
    wait_text(browser, "#detail-package-id", "served_1.0:")
    find(browser, "#manifest-image").send_keys("registry.example.com/served-cc:1.0")
    find(browser, "#manifest-channel").send_keys("mychannel")
    find(browser, "#manifest-show").click()
    text = wait_text(browser, "#manifest-text", "kind: Deployment").text
    assert "kind: Service" in text and f'value: "{pkg["packageId"]}"' in text and "chaincode-gateway/channel: mychannel" in text
    assert find(browser, "#manifest-result button[title='Copy to clipboard']").text == "Copy manifests"
    screenshot(browser, "07-package-manifests")
    Select(find(browser, "#manifest-format")).select_by_value("compose")
    assert not find(browser, "#manifest-namespace").is_displayed()
    find(browser, "#manifest-show").click()
    text = wait_text(browser, "#manifest-text", "services:").text
    assert "served-cc:" in text and "external: true" in text
    assert find(browser, "#manifest-result button[title='Copy to clipboard']").text == "Copy compose file"
    find(browser, "#manifest-image").clear()
    find(browser, "#manifest-image").send_keys("bad image")
    find(browser, "#manifest-show").click()
    assert "invalid_parameter" in wait_text(browser, "#manifest-error", "400").text
    gateway.request("DELETE", f"/api/v1/packages/{pkg['packageId']}")


def test_delete_from_the_detail_page(browser, gateway):
    status, _ = gateway.request("POST", "/api/v1/packages/ccaas", {"label": "doomed_1.0", "address": "doomed:7052"})
    assert status == 201
    open_view(browser, "packages")
    browser.find_element(By.LINK_TEXT, "doomed_1.0").click()
    wait_text(browser, "#detail-package-id", "doomed_1.0:")
    find(browser, "#package-delete").click()
    wait(browser, lambda d: d.switch_to.alert).accept()
    wait_css(browser, 'main[data-ready="packages"] #package-list table')
    assert "doomed_1.0" not in find(browser, "#package-list").text
    assert sorted(p["label"] for p in gateway.request("GET", "/api/v1/packages")[1]["items"]) == ["asset_2.0", "basic_1.0"]


def test_rejected_upload_shows_the_server_error_next_to_the_control(browser, gateway, tmp_path):
    bogus = tmp_path / "not-a-package.tar.gz"
    bogus.write_bytes(b"this is plain text, not a gzip stream\n" * 4)
    status, body = gateway.request("POST", "/api/v1/packages", bogus.read_bytes(), content_type="application/gzip")
    assert status == 422
    open_view(browser, "packages")
    upload_file(browser, bogus)
    shown = wait_text(browser, "#upload-error", body["error"]["message"]).text
    assert "422" in shown
    # The error sits inside the upload card, right below the drop zone.
    assert find(browser, "#dropzone").find_element(By.XPATH, "./ancestor::section").find_elements(By.CSS_SELECTOR, "#upload-error")
    screenshot(browser, "07-upload-rejected")


def test_viewer_token_is_refused_upload_with_the_403_message(browser, gateway, tmp_path):
    open_view(browser, "tokens")
    find(browser, "#token-name").send_keys("viewer-1")
    Select(find(browser, "#token-role")).select_by_value("viewer")
    find(browser, "#token-create").click()
    viewer_token = wait_css(browser, "#token-value").text.strip()
    assert len(viewer_token) >= 32
    screenshot(browser, "08-tokens")
    open_view(browser, "audit")
    wait_text(browser, "#audit-list", "package.upload")
    screenshot(browser, "09-audit")
    sign_out(browser)
    sign_in(browser, gateway, viewer_token)
    assert "viewer" in find(browser, "#whoami").text
    assert not browser.find_elements(By.CSS_SELECTOR, "#nav-audit")
    open_view(browser, "packages")
    pkg = tmp_path / "viewer.tar.gz"
    pkg.write_bytes(ccaas_package(label="viewer_1.0"))
    upload_file(browser, pkg)
    shown = wait_text(browser, "#upload-error", "lacks permission 'packages:write'").text
    assert "403" in shown
    screenshot(browser, "10-viewer-refused")
    sign_out(browser)
    screenshot(browser, "11-signed-out")


def tab_to(driver, element_id, limit=30):
    """Presses Tab until `element_id` has the focus."""
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if driver.switch_to.active_element.get_attribute("id") == element_id:
            return
    pytest.fail(f"#{element_id} is not reachable with the Tab key")


def test_keyboard_only_sign_in_navigation_and_upload_control(browser, gateway):
    browser.get(gateway.url + "/")
    wait_css(browser, "#token")
    assert browser.switch_to.active_element.get_attribute("id") == "token"  # focused on arrival
    browser.switch_to.active_element.send_keys(ADMIN_TOKEN + Keys.ENTER)
    wait_css(browser, "main[data-ready]")
    tab_to(browser, "nav-packages")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    wait_css(browser, 'main[data-ready="packages"]')
    tab_to(browser, "package-file")
    tab_to(browser, "ccaas-label")
    sign_out(browser)


def test_lifecycle_walkthrough(browser, gateway, lifecycle_network, tmp_path):
    from dashboard_lifecycle import run_lifecycle_walkthrough
    run_lifecycle_walkthrough(browser, lifecycle_network, tmp_path)


def test_pending_definition_from_another_tool_is_adopted_approved_and_committed(browser, gateway, lifecycle_network):
    from dashboard_pending import run_pending_walkthrough
    run_pending_walkthrough(browser, lifecycle_network)


def test_a_deployment_spec_applied_from_the_chaincode_page_is_followed_to_the_end(browser, gateway, lifecycle_network):
    from dashboard_deployment import run_deployment_walkthrough
    run_deployment_walkthrough(browser, lifecycle_network)


def test_two_gateways_one_per_organization_in_two_browser_sessions(browser, per_org_network):
    from dashboard_per_org import run_per_org_walkthrough
    run_per_org_walkthrough(browser, per_org_network)


def run_module(browser, gateway, module, body):
    """Runs `body` (JS using `m`, the imported module) in the page; returns its value."""
    browser.get(gateway.url + "/")
    wait_css(browser, "#token")
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"import('{module}').then(async (m) => done(await (async () => {{ {body} }})()), (e) => done('import failed: ' + e));")


def test_policy_syntax_check_and_words(browser, gateway):
    got = run_module(browser, gateway, "/js/policy.js", """
      return [m.checkPolicy("OR('Org1MSP.peer','Org2MSP.peer')"), m.checkPolicy("OutOf(2, 'A.member', 'B.member', 'C.admin')"),
              m.checkPolicy("AND('Org1MSP.peer'"), m.checkPolicy("AND('Org1MSP.boss')"), m.checkPolicy("OutOf(3, 'A.peer')"),
              m.checkPolicy("/Channel/Application/Endorsement"), m.checkPolicy(""),
              m.describePolicy({kind: 'implicitMeta', text: 'MAJORITY Endorsement'}),
              m.describePolicy("AND('Org1MSP.peer', OR('Org2MSP.admin','Org3MSP.member'))")];""")
    assert got[0] is None and got[1] is None and got[5] is None and got[6] is None
    assert got[2] == "expected ')' at the end"
    assert "unknown role 'boss'" in got[3]
    assert "OutOf(3, …) needs between 1 and 1" == got[4]
    assert got[7] == "a majority of the channel's organizations must satisfy their \"Endorsement\" policy"
    assert got[8] == "signed by all of: a peer of Org1MSP, (any one of: an admin of Org2MSP, a member of Org3MSP)"


def test_sse_parser_handles_split_chunks_crlf_and_multiline_data(browser, gateway):
    got = run_module(browser, gateway, "/js/api.js", r"""
      const stream = ': connected\r\n\r\nid: 1\r\nevent: operation\r\ndata: {"id":"op1",\r\ndata: "state":"running"}\r\n\r\nid: 2\ndata: plain\n\n';
      const runs = [];
      for (const size of [1, 2, 3, 7, stream.length]) {
        const events = [];
        const p = new m.SSEParser((e) => events.push(e));
        for (let i = 0; i < stream.length; i += size) p.feed(stream.slice(i, i + size));
        runs.push(JSON.stringify(events));
      }
      return runs;""")
    expected = '[{"type":"operation","data":"{\\"id\\":\\"op1\\",\\n\\"state\\":\\"running\\"}","id":"1"},{"type":"message","data":"plain","id":"2"}]'
    assert got == [expected] * 5
