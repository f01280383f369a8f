"""The web shell in a real browser: the map draws country outlines and site markers, the chart renders."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_home_map_renders_countries_and_sites(browser, live_server):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server + "/")
    page.wait_for_selector("#map[data-sites-loaded]", timeout=20_000)
    n_sites = int(page.get_attribute("#map", "data-sites-loaded"))
    assert n_sites > 10
    paths = page.locator("#map path.leaflet-interactive").count()
    assert paths >= n_sites + 100  # ~177 country outlines + one circle marker per site
    assert not errors, errors
    page.close()


def test_dataset_page_chart_renders(browser, live_server):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server + "/datasets/mlw-sample")
    page.wait_for_selector("#chart[data-rendered]", timeout=20_000)
    assert int(page.get_attribute("#chart", "data-rendered")) > 50
    assert page.locator("#chart svg .mark-symbol path").count() > 50
    assert not errors, errors
    page.close()
