"""Server-rendered pages: they render, escape user text, and carry language metadata."""

from __future__ import annotations

import re

from litterhub.services.datasets import list_datasets


def test_home_has_counts_map_and_datasets(client):
    r = client.get("/")
    assert r.status_code == 200
    html = r.text
    assert 'id="map"' in html and "/static/vendor/leaflet/leaflet.js" in html
    assert re.search(r'id="count-events">(\d+)<', html).group(1) != "0"
    assert "/datasets/mlw-sample" in html


def test_dataset_page_has_metadata_licence_citation_and_chart(client):
    html = client.get("/datasets/mlw-sample").text
    assert "CC-BY-4.0" in html and "European Environment Agency" in html
    assert 'id="chart"' in html and 'id="series-data"' in html
    assert "Cite this dataset" in html


def test_site_page_lists_surveys(client, demo_hub):
    site = client.get("/api/v1/sites").json()["features"][0]
    html = client.get(f"/sites/{site['id']}").text
    assert site["properties"]["name"].split()[0] in html
    assert html.count("<tr>") >= site["properties"]["n_events"]


def test_unknown_pages_are_404_html(client):
    r = client.get("/datasets/nope")
    assert r.status_code == 404 and "Not found" in r.text


def test_language_negotiation_and_direction(client):
    r = client.get("/", headers={"Accept-Language": "ar,en;q=0.5"})
    assert r.headers["content-language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in r.text
    r = client.get("/?lang=fr")
    assert r.headers["content-language"] == "fr" and 'dir="ltr"' in r.text


def test_user_text_is_escaped(hub, tmp_path):
    """A beach name with markup in a real-format file is shown as text, never as HTML."""
    import csv

    from fastapi.testclient import TestClient

    from litterhub.app import create_app
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import DEMO_DIR

    with (DEMO_DIR / "mlw-sample.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[:3]
    payload = "<script>alert(1)</script>"
    rows[1][rows[0].index("BeachName")] = payload
    path = tmp_path / "xss.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    assert ingest_file(hub, path, "mlw", "xss").ok
    client = TestClient(create_app(hub))
    site_id = client.get("/api/v1/sites").json()["features"]
    names = [f for f in site_id if f["properties"]["name"] == payload]
    assert names, "payload should be stored verbatim"
    html = client.get(f"/sites/{names[0]['id']}").text
    assert payload not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert list_datasets(hub)[0]["id"] == "xss"


def test_concurrent_requests_keep_their_own_language(client):
    """Pages rendered at the same time in different languages never swap translations."""
    from concurrent.futures import ThreadPoolExecutor

    from fastapi.testclient import TestClient

    def fetch(lang: str) -> tuple[str, str]:
        c = TestClient(client.app)
        r = c.get("/datasets", headers={"Accept-Language": lang})
        return lang, r.text

    expected = {lang: fetch(lang)[1].split("<nav ")[1].split("</nav>")[0] for lang in ("en", "fr", "zh", "ar")}
    assert len(set(expected.values())) == 4  # the catalogues really differ
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch, ["en", "fr", "zh", "ar"] * 40))
    wrong = [lang for lang, html in results if html.split("<nav ")[1].split("</nav>")[0] != expected[lang]]
    assert not wrong
