"""The chemicals pages in Chromium at 360 px: search in Chinese, open a substance, then an item's chemical lens;
nothing wider than the screen."""

from __future__ import annotations

import pytest

from tests.conftest import serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture(scope="module")
def chem_server(chem_hub):
    from litterhub.app import create_app

    url, server = serve_in_thread(create_app(chem_hub))
    yield url
    server.should_exit = True


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_walk_at_360px(browser, chem_server):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(chem_server + "/chemicals?lang=zh")
    page.fill("#q", "增塑剂")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("[data-recognised='function:plasticiser']")
    assert "增塑剂" in page.inner_text("#result-count") and _fits(page)
    page.click("ol.results li a >> nth=0")
    page.wait_for_selector("#sources")
    assert page.url.split("?")[0].rsplit("/", 1)[1].count("-") == 2 and _fits(page)
    page.goto(chem_server + "/vocab/items/G95")
    page.wait_for_selector("#chemical-lens")
    assert page.locator("#chemical-lens [data-polymer=PP]").count() == 1 and _fits(page)
    page.click("#lens-total a")
    page.wait_for_selector("#result-count")
    assert page.locator("a.on[data-facet=polymer]").count() >= 1 and _fits(page)
    assert not errors, errors
    page.close()
