"""Issue 16's four people, each walking their task end to end in Chromium, on a phone (390 px) and a desktop
(1366 px), in English, Chinese and Arabic (right to left): a volunteer uploads their own long-format CSV through
the column picker and records a phone survey offline, then online; a national officer finds their country's
beach-litter indicator with its chart and a citable download; a scientist compares two programmes side by side;
a regional coordinator finds the projects of their region and the capacity offers. Every step checks the page's
language and direction and that nothing is wider than the screen. Screenshots of each step are kept
(LITTERHUB_SCREENSHOTS, default /tmp/litterhub-screenshots/people)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from litterhub.services import contributions as c
from litterhub.store import contrib_tables as ct
from tests.contrib.test_wizard_draft import VOLUNTEER

pytestmark = [pytest.mark.browser, pytest.mark.integration]

SHOTS = Path(os.environ.get("LITTERHUB_SCREENSHOTS", "/tmp/litterhub-screenshots")) / "people"
# (language, width): each task in each language, and on both screens
SEEN_AS = [("en", 1366), ("zh", 390), ("ar", 390)]
QUEUED = """() => new Promise((resolve) => {
  const open = indexedDB.open("litterhub-survey", 1);
  open.onsuccess = () => { const r = open.result.transaction("queue").objectStore("queue").count();
                           r.onsuccess = () => resolve(r.result); };
})"""


@pytest.fixture()
def person(browser, web_server, admin_cookie, request):
    """A signed-in browser context at the width and in the language of the test's parameters."""
    lang, width = request.node.callspec.params["seen_as"]
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 800 else 900},
                                  is_mobile=width < 800, has_touch=width < 800, service_workers="allow")
    context.add_cookies([admin_cookie, {"name": "lang", "value": lang, "url": web_server}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, lang, width
    context.close()
    assert errors == []


def _step(page, lang: str, width: int, name: str) -> None:
    """The page is in the person's language and direction, fits the screen, and is kept as a screenshot."""
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, name
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{lang}-{width}.png"), full_page=True)


def _submissions_titled(hub, text: str) -> int:
    s = ct.submissions
    with hub.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(s).where(s.c.title.contains(text))).scalar()


@pytest.mark.parametrize("seen_as", SEEN_AS, ids=[f"{lang}-{w}" for lang, w in SEEN_AS])
def test_volunteer_uploads_their_csv_and_a_survey_offline(person, web_server, web_hub, tmp_path, seen_as):
    page, lang, width = person
    data = tmp_path / f"cleanups-{lang}.csv"
    data.write_text(VOLUNTEER, encoding="utf-8")
    page.goto(web_server + "/contribute/upload")
    _step(page, lang, width, "volunteer-1-upload")
    page.set_input_files("#file", str(data))
    page.click("#upload-button")
    page.wait_for_url(f"{web_server}/contribute/submissions/*")
    assert page.locator('input[name="layout"][value="long"]').is_checked()  # the picker proposes the mapping
    assert page.input_value("#role-item") == "item" and page.input_value("#role-count") == "count"
    page.select_option("#role-people", "volunteers")
    page.click("#columns-button")
    page.wait_for_selector("#licence-step")
    assert "Praia do Norte/2024-03-02" in page.inner_text("#survey-preview")  # the surveys as parsed
    _step(page, lang, width, "volunteer-2-checked")
    page.check('input[name="licence"][value="CC-BY-4.0"]')
    page.click("#submit-button")
    page.wait_for_load_state("networkidle")
    sid = page.url.rsplit("/", 1)[1]
    assert c.load(web_hub, sid).status == "submitted"

    page.goto(web_server + "/contribute/survey")  # then a survey on the beach, with no network
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)", timeout=20_000)
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20_000)
    page.context.set_offline(True)
    page.reload()
    site = f"Praia sem rede {lang} {width}"  # not "Praia Offline": the offline test counts those
    page.fill("#site_name", site)
    page.fill("#country", "PT")
    page.fill("#lat", "41.70123")
    page.fill("#lon", "-8.87456")
    page.fill("#team_size", "3")
    page.fill("#count_G7", "12")
    page.click("#survey-submit")
    page.wait_for_selector("#offline-status[data-state='waiting']")
    assert page.evaluate(QUEUED) == 1 and _submissions_titled(web_hub, site) == 0
    _step(page, lang, width, "volunteer-3-offline")
    page.context.set_offline(False)
    page.wait_for_selector("#offline-status[data-state='sent']", timeout=20_000)
    assert page.evaluate(QUEUED) == 0 and _submissions_titled(web_hub, site) == 1


@pytest.mark.parametrize("seen_as", SEEN_AS, ids=[f"{lang}-{w}" for lang, w in SEEN_AS])
def test_officer_finds_the_beach_indicator_with_chart_and_citable_download(person, web_server, seen_as):
    page, lang, width = person
    page.goto(web_server + "/countries")
    page.fill("#country-q", "USA")
    page.locator("#country-q").press("Enter")
    page.wait_for_load_state("load")
    page.locator('a[href="/countries/USA"]').first.click()
    page.wait_for_url(f"{web_server}/countries/USA")
    assert page.locator("#indicators").is_visible()
    assert page.locator("#sdg-chart .cx-bar").count() > 0 and page.locator("#sdg-table tbody tr").count() > 0
    _step(page, lang, width, "officer-1-country")
    page.locator('#programmes a[href^="/datasets/"]').first.click()
    page.wait_for_url(f"{web_server}/datasets/*")
    citation = page.inner_text("#citation")
    assert "mdmap" in page.url and len(citation) > 20
    csv = page.locator('#downloads a[type="text/csv"]').first.get_attribute("href")
    download = page.request.get(web_server + csv if csv.startswith("/") else csv)
    assert download.status == 200 and download.body().count(b"\n") > 10
    _step(page, lang, width, "officer-2-dataset")


@pytest.mark.parametrize("seen_as", SEEN_AS, ids=[f"{lang}-{w}" for lang, w in SEEN_AS])
def test_scientist_compares_two_programmes(person, web_server, seen_as):
    page, lang, width = person
    page.goto(web_server + "/")
    page.click("#compare-link")
    page.wait_for_url(f"{web_server}/compare?*")
    columns = page.locator("#compare-columns .compare-col")
    assert columns.count() >= 2
    labels = page.locator("#compare-columns .class-label").all_inner_texts()
    assert all(labels) and len(labels) == columns.count()  # each column says its comparability class
    assert page.locator('#compare-columns a[href^="/vocab/items/"]').count() > 0  # items mapped to the master list
    _step(page, lang, width, "scientist-1-compare")


@pytest.mark.parametrize("seen_as", SEEN_AS, ids=[f"{lang}-{w}" for lang, w in SEEN_AS])
def test_coordinator_finds_projects_and_offers_in_the_region(person, web_server, seen_as):
    page, lang, width = person
    page.goto(web_server + "/regions")
    page.locator('a[href="/regions/mediterranean"]').first.click()
    page.wait_for_url(f"{web_server}/regions/mediterranean")
    records = page.locator('#records a[href^="/registry/records/initiative"]')
    assert records.count() > 0  # the region's projects
    _step(page, lang, width, "coordinator-1-region")
    page.goto(web_server + "/registry?type=capacity_offer")
    offers = page.locator('a[href^="/registry/records/offer"], a[href^="/registry/records/capacity"]')
    assert offers.count() > 0
    _step(page, lang, width, "coordinator-2-offers")
