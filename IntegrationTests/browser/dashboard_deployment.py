"""Declarative deployment in the browser: the chaincode page says no spec is applied, the "apply
spec" form takes pasted YAML, and the page follows the deployment operation live (long-polling)
until every step has succeeded; the spec and "up to date" are shown afterwards."""
from selenium.webdriver.common.by import By

from dashboard_harness import ADMIN_TOKEN, find, screenshot, sign_in, sign_out, wait, wait_css
from dashboard_lifecycle import wait_ok

NAME = "dashdeploy"
SPEC = """version: "1.0"
package:
  ccaas: { label: dashdeploy_1.0, address: "dashdeploy-{org}:9999" }
commit: whenReady
"""


def run_deployment_walkthrough(driver, gateway):
    sign_in(driver, gateway, ADMIN_TOKEN)
    driver.get(f"{gateway.url}/#/chaincodes?channel=mychannel&name={NAME}")
    wait_css(driver, "#no-deployment")
    text = find(driver, "#deployment-spec")
    text.clear()
    text.send_keys(SPEC)
    find(driver, "#deployment-apply").click()
    wait_ok(driver, "#deployment-applied", "#deployment-apply-error")
    # The page follows the operation: each long-poll answer re-renders the steps until the end.
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, '#deployment-steps li[data-step="finish"][data-state="succeeded"]'),
         90, "the deployment's steps never all succeeded on the page")
    steps = driver.find_elements(By.CSS_SELECTOR, "#deployment-steps li")
    assert [s.get_attribute("data-state") for s in steps] == ["succeeded"] * 6, [s.text for s in steps]
    assert not driver.find_elements(By.CSS_SELECTOR, "#deployment-error")
    screenshot(driver, "40-deployment-followed")
    driver.refresh()
    card = wait_css(driver, "#deployment-card")
    wait(driver, lambda d: "dashdeploy_1.0" in find(d, "#deployment-card").text, 30, "the spec is not shown")
    assert "Up to date" in card.text and "yes" in card.text, card.text
    wait_css(driver, "#committed-card")
    sign_out(driver)
