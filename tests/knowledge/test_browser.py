"""Chromium at 360 px: the compendium's comparison table and a country profile showing its national measures."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_compendium_and_country_measures_at_360px(browser, live_server):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server + "/compendium")
    page.wait_for_selector("#compendium")
    rows = page.locator("#compendium tbody tr")
    assert rows.count() >= 9 and _fits(page)
    ukpp = page.locator("tr[data-initiative=industry-uk-plastics-pact]")
    assert ukpp.locator("li.commitment").count() == 4 and ukpp.locator("li.progress").count() >= 3
    assert ukpp.locator("td[data-scope=product-design]").inner_text().strip().startswith("✓")
    page.goto(live_server + "/countries/GBR")
    page.wait_for_selector("#measures")
    item = page.locator("#measures-by-item li[data-item=G95]")
    assert "since 2019" in item.inner_text() and _fits(page)
    page.locator("#measures-list a[href='/registry/records/policy-gbr-sct-cotton-buds-2019']").click()
    page.wait_for_load_state()
    assert page.url.endswith("/registry/records/policy-gbr-sct-cotton-buds-2019")
    assert not errors, errors
    page.close()
