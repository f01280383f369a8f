"""The registry world map in a real browser: country outlines drawn, countries with records shaded."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_registry_map_shades_countries_with_records(browser, live_server):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server + "/registry/map")
    page.wait_for_selector("#registry-map[data-loaded]", timeout=20_000)
    n_countries = int(page.get_attribute("#registry-map", "data-loaded"))
    assert n_countries >= 50  # the seed covers the Regional Seas member states
    paths = page.locator("#registry-map path.leaflet-interactive").count()
    assert paths >= 150  # ~177 country outlines
    shaded = page.locator('#registry-map path[fill="#0b6e99"]').count()
    assert shaded >= 40
    assert not errors, errors
    page.close()
