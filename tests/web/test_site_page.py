"""The site page: map, survey timeline, item mix, datasets and programmes, downloads whose rows are the site's
events in the lake."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from litterhub.services import datasets as svc


def _lake_events(hub, site_id: str) -> list[dict]:
    """The site's events as the lake holds them, over the current version of every published dataset."""
    versions = [(d["id"], d["version"]) for d in svc.list_datasets(hub)]
    rows = hub.lake.scan("events", versions).filter(f"site_id = '{site_id}'").fetchall()
    cols = hub.lake.scan("events", versions).columns
    return [dict(zip(cols, r, strict=True)) for r in rows]


def _busiest_site(client) -> dict:
    feats = client.get("/api/v1/sites").json()["features"]
    return max(feats, key=lambda f: (f["properties"]["n_events"], f["id"]))


def _data_block(html: str, ident: str):
    m = re.search(rf'<script type="application/json" id="{ident}">(.*?)</script>', html, re.S)
    assert m, f"no data block {ident}"
    return json.loads(m.group(1))


def test_site_page_has_map_chart_mix_datasets_and_downloads(client, demo_hub):
    site = _busiest_site(client)
    html = client.get(f"/sites/{site['id']}").text
    assert 'id="site-map"' in html  # the map of helper "regions", kept
    lake = _lake_events(demo_hub, site["id"])
    assert lake
    # timeline: one point per counted, dated survey of the site, each with its class and unit
    timeline = _data_block(html, "site-timeline-data")
    counted = {e["event_id"] for e in lake if e["total_count"] is not None and e["event_date"] is not None}
    assert counted and {p["event_id"] for p in timeline} == counted
    assert all(p["cls"] and p["unit"] for p in timeline)
    assert [p["date"] for p in timeline] == sorted(p["date"] for p in timeline)
    # item mix: the chart's shares of the largest class add up to 100 % with the "others" row
    mix = _data_block(html, "site-mix-data")
    assert mix and sum(r["pct"] for r in mix) == pytest.approx(100.0, abs=0.01)
    assert len([r for r in mix if not r["is_others"]]) <= 10
    assert 'class="data site-mix-table"' in html and 'data-item="' in html
    # datasets and programmes, linked
    for ds in {e["dataset_id"] for e in lake}:
        assert f'href="/datasets/{ds}"' in html
    programme = svc.get_dataset(demo_hub, lake[0]["dataset_id"])["source_programme"]
    assert programme in html
    # the CSV download lists exactly the site's events of the lake
    m = re.search(r'href="(/api/v1/events/download\.csv\?site=[^"]+)"', html)
    assert m
    r = client.get(m.group(1).replace("&amp;", "&"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert sorted(row["event_id"] for row in rows) == sorted(e["event_id"] for e in lake)
    assert {row["site_id"] for row in rows} == {site["id"]}


def test_site_page_chart_strings_are_translated(client):
    site = _busiest_site(client)
    en = _data_block(client.get(f"/sites/{site['id']}?lang=en").text, "chart-strings")
    for lang, script in (("zh", r"[\u4e00-\u9fff]"), ("ar", r"[\u0600-\u06ff]")):
        s = _data_block(client.get(f"/sites/{site['id']}?lang={lang}").text, "chart-strings")
        assert s["lang"] == lang and s["dir"] == ("rtl" if lang == "ar" else "ltr")
        for key in ("survey_date", "items_total", "comparability_class", "empty", "others", "log_scale"):
            assert s[key] != en[key] and re.search(script, s[key]), (lang, key, s[key])


def test_unknown_site_is_a_404_page(client):
    r = client.get("/sites/no-such-site")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]


def test_site_summary_api_and_cli_agree_with_the_page(client, demo_hub):
    from typer.testing import CliRunner

    from litterhub.cli import app

    site = _busiest_site(client)
    html = client.get(f"/sites/{site['id']}").text
    api = client.get(f"/api/v1/sites/{site['id']}/summary").json()
    assert api["timeline"] == _data_block(html, "site-timeline-data")
    assert api["mix"][0]["chart"] == _data_block(html, "site-mix-data")
    assert [d["url"] for d in api["downloads"]][0].startswith("/api/v1/events/download.csv?site=")
    missing = client.get("/api/v1/sites/no-such-site/summary")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
    data = ["--data-dir", str(demo_hub.settings.data_dir)]
    out = CliRunner().invoke(app, ["sites", "show", site["id"], "--json", *data])
    assert out.exit_code == 0, out.output
    cli = json.loads(out.stdout)
    assert cli["mix"] == api["mix"] and [d["id"] for d in cli["datasets"]] == [d["id"] for d in api["datasets"]]
    text = CliRunner().invoke(app, ["sites", "show", site["id"], *data])
    assert text.exit_code == 0 and "download csv: /api/v1/events/download.csv?site=" in text.stdout
    bad = CliRunner().invoke(app, ["sites", "show", "no-such-site", *data])
    assert bad.exit_code == 2 and "litter-site-not-found" in bad.output
