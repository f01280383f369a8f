"""The front door: every pillar on the home page with a count that matches what its own page or API lists, the same
figures from GET /api/v1/summary and `litterhub summary --json`, and the /map page."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from litterhub.services.setup import DEMO_FILES

PILLARS = ["data", "indicators", "map", "knowledge", "evidence", "inventories", "chemicals", "countries",
           "contribute", "discussion", "events"]


def _home_counts(html: str) -> dict[str, int]:
    return {k: int(n) for k, n in re.findall(r'id="pillar-([a-z]+)">\s*<span class="title">[^<]*</span>\s*'
                                              r'<span class="n" data-count="(\d+)"', html)}


def test_home_shows_every_pillar_with_real_counts(client, demo_hub):
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
    assert counts["evidence"] == len(client.get("/api/v1/evidence/records").json()["records"]) > 10  # the seed
    assert counts["discussion"] == counts["events"] == 0  # no thread, no event on a fresh demo
    for key, href in [("data", "/datasets"), ("map", "/map"), ("knowledge", "/registry"),
                      ("contribute", "/contribute")]:
        assert f'href="{href}" id="pillar-{key}"' in html
    from litterhub.services.compare import suggested_pair

    pair = suggested_pair(demo_hub)  # two beach programmes, the largest ones
    facets = {d["id"]: d for d in datasets}
    assert len(set(pair)) == 2 and {facets[p]["source_programme"] for p in pair}.__len__() == 2
    assert f'href="/compare?dataset={pair[0]}&amp;dataset={pair[1]}" id="compare-link"' in html


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


def _groups(body: dict) -> dict[str, dict]:
    return {g["kind"]: g for g in body["groups"]}


def test_search_everywhere_finds_each_pillar_with_its_own_links(client, demo_hub):
    """One query per pillar, each answered from that pillar's own data, with links that open."""
    jobs = _groups(client.get("/api/v1/search/everywhere", params={"q": "just transition jobs"}).json())
    seeded = [r for r in client.get("/api/v1/evidence/records", params={"topic": "job-transition"}).json()["records"]]
    assert jobs["evidence"]["total"] == len(seeded) >= 3  # the job-transition studies, though no title says "just"
    assert {r["href"] for r in jobs["evidence"]["results"]} <= {f"/evidence/records/{r['id']}" for r in seeded}
    dataset = client.get("/api/v1/datasets").json()["items"][0]
    found = _groups(client.get("/api/v1/search/everywhere", params={"q": dataset["id"]}).json())
    assert f"/datasets/{dataset['id']}" in [r["href"] for r in found["datasets"]["results"]]
    kenya = _groups(client.get("/api/v1/search/everywhere", params={"q": "Kenya"}).json())
    assert kenya["countries"]["results"][0]["href"] == "/countries/KEN"
    assert kenya["records"]["total"] == client.get("/api/v1/search", params={"q": "Kenya"}).json()["total"] > 0
    # names in the asker's language: the Chinese name of the cigarette-butt item, found by its English name too
    zh = _groups(client.get("/api/v1/search/everywhere", params={"q": "cigarette", "lang": "zh"}).json())
    butts = [r for r in zh["items"]["results"] if r["href"] == "/vocab/items/G27"]
    assert butts and not butts[0]["title"].isascii()
    for group in (jobs, kenya):
        for g in group.values():
            assert g["problem"] is None, g
            for r in g["results"]:
                assert client.get(r["href"]).status_code == 200, r


def test_search_everywhere_refuses_clearly(client):
    empty = client.get("/api/v1/search/everywhere", params={"q": "  "})
    assert empty.status_code == 400 and empty.json()["errors"][0]["code"] == "everywhere-empty-query"
    assert client.get("/api/v1/search/everywhere", params={"q": "x" * 201}).status_code == 400
    page = client.get("/search", params={"q": "   "})
    assert page.status_code == 200 and 'id="search-groups"' not in page.text  # the form alone
    nothing = client.get("/search", params={"q": "zzqqxxvv"})
    assert nothing.status_code == 200 and 'id="search-empty"' in nothing.text


def test_search_everywhere_on_the_home_page_web_and_cli(client, demo_hub):
    home = client.get("/?lang=ar").text
    assert 'action="/search"' in home and 'id="everywhere-q"' in home
    page = client.get("/search", params={"q": "Kenya", "lang": "ar"}).text
    assert 'dir="rtl"' in page and 'href="/countries/KEN"' in page and 'id="group-records"' in page
    assert "كينيا" in page  # the country's name in the page's language (CLDR)
    from litterhub.cli import app

    out = CliRunner().invoke(app, ["find", "Kenya", "--json", "--data-dir", str(demo_hub.settings.data_dir)])
    assert out.exit_code == 0, out.output
    cli = _groups(json.loads(out.output))
    api = _groups(client.get("/api/v1/search/everywhere", params={"q": "Kenya"}).json())
    assert {k: g["total"] for k, g in cli.items()} == {k: g["total"] for k, g in api.items()}
