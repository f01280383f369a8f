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
    assert paths >= 100  # ~177 country outlines
    # every site is in the cluster layer; at world view nearby sites are grouped, so fewer icons than sites
    assert page.evaluate("document.getElementById('map').litterhubSites.getLayers().length") == n_sites
    icons = page.locator("#map .leaflet-marker-icon").count()
    assert 0 < icons < n_sites and page.locator("#map .marker-cluster").count() > 0
    # filters: one programme keeps only its sites; the status line says how many
    programmes = page.eval_on_selector_all("#map-filters select[name=programme] option", "os => os.map(o => o.value)")
    assert "" in programmes and len(programmes) >= 3
    page.select_option("#map-filters select[name=programme]", programmes[1])
    shown = int(page.get_attribute("#map", "data-sites-shown"))
    assert 0 < shown < n_sites and str(shown) in page.inner_text("#map-status")
    # keyboard: Tab reaches a marker; Enter opens its popup with a link to the site page
    page.wait_for_timeout(500)  # the map zooms to the programme's sites
    page.focus("#map .leaflet-marker-icon.site-marker")
    page.keyboard.press("Enter")
    link = page.wait_for_selector("#map .leaflet-popup a[href^='/sites/']", timeout=5_000)
    assert page.evaluate("document.activeElement.getAttribute('href')") == link.get_attribute("href")
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
