"""The Content-Security-Policy breaks no page: every page with scripts renders in Chromium without a single CSP
violation (inline scripts carry the response's nonce, no inline event handlers, Vega and Leaflet work)."""

from __future__ import annotations

import pytest

# (/api/v1/docs: tests/contrib/test_no_cdn.py)
PAGES = ["/", "/datasets", "/datasets/mlw-sample", "/indicators", "/inventory", "/inventory/PHL", "/litter",
         "/registry/map", "/microplastics"]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_without_csp_violations(browser, live_server, path):
    page = browser.new_page()
    violations: list[str] = []
    errors: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(live_server + path, wait_until="networkidle")
    assert response is not None and response.status == 200
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_timeout(300)  # let charts and maps finish drawing (not a timing assertion)
    page.close()
    assert violations == [] and errors == []


def test_language_menu_still_switches_language(browser, live_server):
    """The language menu is a list of links (no script, no inline handler): choosing one reloads in it."""
    page = browser.new_page()
    page.goto(live_server + "/datasets", wait_until="networkidle")
    page.locator(".lang summary").click()
    with page.expect_navigation():
        page.locator(".lang a[hreflang='fr']").click()
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.close()
