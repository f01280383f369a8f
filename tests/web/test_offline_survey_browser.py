"""Offline capture of the phone survey, in Chromium at 390 px: the service worker keeps the form usable with the
network switched off, the survey sent offline waits in IndexedDB (nothing reaches the hub), and is sent when the
phone is back online; the item list is ordered by how often items are found in the country typed."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import func, select

from litterhub.services import survey_items
from litterhub.store import contrib_tables as ct

pytestmark = [pytest.mark.browser, pytest.mark.integration]

QUEUED = """() => new Promise((resolve) => {
  const open = indexedDB.open("litterhub-survey", 1);
  open.onsuccess = () => { const r = open.result.transaction("queue").objectStore("queue").count();
                           r.onsuccess = () => resolve(r.result); };
})"""


def _surveys_named(hub, name: str) -> int:
    s = ct.submissions
    with hub.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(s).where(s.c.title.contains(name))).scalar()


def test_survey_offline_then_online(browser, web_server, web_hub, admin_cookie):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  service_workers="allow")
    context.add_cookies([admin_cookie])
    page = context.new_page()
    page.goto(web_server + "/contribute/survey")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)", timeout=20_000)
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20_000)

    context.set_offline(True)
    page.reload()  # from the service worker's cache: the network is off
    assert page.locator("#survey-form").is_visible()
    assert page.evaluate("navigator.onLine") is False
    page.fill("#site_name", "Praia Offline")
    page.fill("#country", "PT")
    page.fill("#lat", "41.70123")
    page.fill("#lon", "-8.87456")
    page.fill("#team_size", "3")
    page.fill("#count_G7", "12")
    page.click("#survey-submit")
    page.wait_for_selector("#offline-status[data-state='waiting']")
    assert page.evaluate(QUEUED) == 1
    assert "1" in page.inner_text("#offline-status")
    assert _surveys_named(web_hub, "Praia Offline") == 0  # nothing left the phone

    context.set_offline(False)  # back online: the queue is sent
    page.wait_for_selector("#offline-status[data-state='sent']", timeout=20_000)
    assert page.evaluate(QUEUED) == 0
    assert _surveys_named(web_hub, "Praia Offline") == 1
    context.close()


def test_item_ranking_counts_surveys_in_the_country(client, demo_hub):
    answer = client.get("/api/v1/survey/items", params={"country": "US"}).json()
    assert answer["country"] == "USA" and answer["surveys"] > 0
    counts = [i["surveys"] for i in answer["items"]]
    assert counts == sorted(counts, reverse=True) and counts[0] <= answer["surveys"]
    # the top item, counted independently from the lake files
    events = demo_hub.lake.read_table("events", "mdmap-maine", 1).to_pandas()
    obs = demo_hub.lake.read_table("observations", "mdmap-maine", 1).to_pandas()
    usa = set(events.loc[events["country"] == "USA", "event_id"])
    found = obs[(obs["count"] > 0) & obs["event_id"].isin(usa) & obs["master_code"].notna()]
    expected = found.groupby("master_code")["event_id"].nunique().sort_values(ascending=False)
    assert answer["items"][0] == {"code": expected.index[0], "surveys": int(expected.iloc[0])}
    assert isinstance(expected, pd.Series)
    assert client.get("/api/v1/survey/items", params={"country": "XX"}).status_code == 400
    assert survey_items.ranking(demo_hub, "FJ") == {"country": "FJI", "surveys": 0, "items": []}
    from typer.testing import CliRunner

    from litterhub.cli import app

    out = CliRunner().invoke(app, ["survey-items", "USA", "--json", "--data-dir", str(demo_hub.settings.data_dir)])
    assert out.exit_code == 0 and json.loads(out.output) == answer


def test_item_list_follows_the_country(browser, web_server, admin_cookie):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies([admin_cookie])
    page = context.new_page()
    page.goto(web_server + "/contribute/survey")
    page.fill("#country", "US")
    page.dispatch_event("#country", "change")
    page.wait_for_selector("#survey-form[data-ranked-for='USA']")
    first = page.eval_on_selector("details.material[open] .item-row input", "e => e.id")
    on_form = set(page.eval_on_selector_all(".item-row input", "els => els.map(e => e.id)"))
    ranked = page.request.get(web_server + "/api/v1/survey/items?country=USA").json()["items"]
    top = next(i["code"] for i in ranked if f"count_{i['code']}" in on_form)  # the form lists the master items
    assert first == f"count_{top}"
    context.close()
