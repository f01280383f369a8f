"""Chromium: the phone survey form and a site page in Chinese and Arabic show item names in the page's language
(none left in English where a translation exists), isolated per value, and the survey search finds cigarette
butts by their Chinese and Arabic names."""

from __future__ import annotations

import re

import pytest
from tests.conftest import serve_in_thread

LATIN_WORD = re.compile(r"[A-Za-z]{4,}")  # "EVA", "CD" and G-codes are shorter: real English words are not


@pytest.fixture(scope="module")
def survey_site(tmp_path_factory):
    """A hub with one volunteer (the form needs no data, only the vocabulary), served on loopback."""
    from litterhub.app import create_app
    from litterhub.services import auth
    from litterhub.services.hub import Hub

    hub = Hub.open(tmp_path_factory.mktemp("content-i18n") / "data")
    user = auth.create_user(hub, "vol@example.org", None, role="contributor", display_name="Vol")
    token, _ = auth.start_session(hub, user.id)
    url, server = serve_in_thread(create_app(hub))
    yield url, token
    server.should_exit = True
    hub.close()


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context
    context.close()


def _visible_rows(page) -> list[str]:
    return page.eval_on_selector_all(".item-row:not([hidden]) input", "els => els.map(e => e.name)")


@pytest.mark.parametrize("lang,query", [("zh", "烟头"), ("ar", "أعقاب السجائر")])
def test_survey_form_in_the_page_language_and_searchable(survey_site, phone, lang, query):
    url, token = survey_site
    phone.add_cookies([{"name": "litterhub_session", "value": token, "url": url}])
    page = phone.new_page()
    page.goto(f"{url}/contribute/survey?lang={lang}")
    names = page.eval_on_selector_all(".item-row label bdi", "els => els.map(e => e.textContent)")
    assert len(names) > 200 and [n for n in names if LATIN_WORD.search(n)] == []
    summaries = page.eval_on_selector_all("details.material summary bdi", "els => els.map(e => e.textContent)")
    assert summaries and [s for s in summaries if LATIN_WORD.search(s)] == []
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.locator("#machine-translation-note").count() == 1
    page.fill("#item-search", query)
    assert _visible_rows(page) == ["count_G27"]
    page.fill("#item-search", "cigarette butts")  # the English name still works on a translated page
    assert "count_G27" in _visible_rows(page)
    page.close()


@pytest.mark.parametrize("lang", ["zh", "ar"])
def test_site_page_item_mix_in_the_page_language(live_server, browser, lang):
    import httpx

    sites = httpx.get(f"{live_server}/api/v1/sites", params={"dataset": "mlw-sample"}, timeout=60).json()["features"]
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{live_server}/sites/{sites[0]['id']}?lang={lang}")
    names = page.eval_on_selector_all("#site-mix table tr[data-item]:not([data-item=others]) td:first-child bdi",
                                      "els => els.map(e => e.textContent)")
    assert names and [n for n in names if LATIN_WORD.search(n)] == []
    # <bdi> isolates each name: its direction comes from its own text, whatever the page's direction
    dirs = page.eval_on_selector_all("#site-mix td bdi", "els => els.map(e => getComputedStyle(e).unicodeBidi)")
    assert set(dirs) == {"isolate"}
    assert page.locator("#machine-translation-note").is_visible()
    page.close()
