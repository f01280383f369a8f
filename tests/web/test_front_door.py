"""The front door: every pillar on the home page with a count that matches what its own page or API lists, the same
figures from GET /api/v1/summary and `litterhub summary --json`, and the /map page."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from litterhub.services.setup import DEMO_FILES

PILLARS = ["data", "indicators", "map", "knowledge", "inventories", "chemicals", "countries", "contribute"]


def _home_counts(html: str) -> dict[str, int]:
    return {k: int(n) for k, n in re.findall(r'id="pillar-([a-z]+)">\s*<span class="title">[^<]*</span>\s*'
                                              r'<span class="n" data-count="(\d+)"', html)}


def test_home_shows_every_pillar_with_real_counts(client):
    html = client.get("/").text
    counts = _home_counts(html)
    assert list(counts) == PILLARS
    datasets = client.get("/api/v1/datasets").json()["items"]
    assert counts["data"] == len(datasets) == len(DEMO_FILES)  # one sample per redistributable programme
    # every public site; the map draws those with a position (the demo's OSPAR NL export gives none for its 4)
    assert counts["map"] >= len(client.get("/api/v1/sites").json()["features"]) > 50
    assert counts["knowledge"] == client.get("/api/v1/registry/records", params={"limit": 1}).json()["total"] > 100
    assert counts["chemicals"] == client.get("/api/v1/chemicals", params={"limit": 1}).json()["total"] > 10
    assert counts["countries"] == int(re.search(r'id="count-countries">(\d+)<', html).group(1)) > 5
    # programmes with public data: one per demo sample, the two EMODnet examples sharing theirs
    assert counts["indicators"] == len({d["source_programme"] for d in datasets}) == len(DEMO_FILES) - 1
    assert counts["inventories"] > 150  # Meijer 2021 covers ~160 countries
    assert counts["contribute"] == 0  # nothing contributed on a fresh demo: a real zero, not a missing figure
    for key, href in [("data", "/datasets"), ("map", "/map"), ("knowledge", "/registry"),
                      ("contribute", "/contribute")]:
        assert f'href="{href}" id="pillar-{key}"' in html
    first_two = "&amp;".join(f"dataset={d['id']}" for d in datasets[:2])  # the first two datasets by id
    assert f'href="/compare?{first_two}" id="compare-link"' in html


def test_summary_api_and_cli_say_the_same(client, demo_hub):
    api = client.get("/api/v1/summary").json()["pillars"]
    assert [p["key"] for p in api] == PILLARS and all(p["problem"] is None for p in api)
    assert {p["key"]: p["count"] for p in api} == _home_counts(client.get("/").text)
    from litterhub.cli import app

    out = CliRunner().invoke(app, ["summary", "--json", "--data-dir", str(demo_hub.settings.data_dir)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["pillars"] == api


def test_home_pillars_in_arabic_and_chinese(client):
    ar = client.get("/?lang=ar").text
    assert 'dir="rtl"' in ar and "Knowledge registry" not in ar and len(_home_counts(ar)) == len(PILLARS)
    zh = client.get("/?lang=zh").text
    assert "Knowledge registry" not in zh and len(_home_counts(zh)) == len(PILLARS)


def test_map_page(client):
    html = client.get("/map").text
    for needle in ('id="map"', 'id="map-filters"', 'name="programme"', 'name="compartment"', 'name="year"',
                   'name="country"', "/static/vendor/leaflet.markercluster/leaflet.markercluster.js",
                   'class="map-legend"'):
        assert needle in html, needle
    assert client.get("/static/vendor/leaflet.markercluster/leaflet.markercluster.js").status_code == 200
