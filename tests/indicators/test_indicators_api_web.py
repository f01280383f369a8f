"""The indicators through the API (JSON, CSV, problem+json) and the web page (server-rendered and in Chromium)."""

from __future__ import annotations

import csv
import io
import re

import pytest


def test_beach_api_json_carries_versions_and_warnings(client):
    r = client.get("/api/v1/indicators/beach", params={"dataset": ["mlw-sample", "mdmap-maine"], "per_100m": "true",
                                                        "group_by": "country"})
    assert r.status_code == 200
    doc = r.json()
    assert {v["dataset_id"] for v in doc["dataset_versions"]} == {"mlw-sample", "mdmap-maine"}
    assert "mixed-units" in {w["code"] for w in doc["warnings"]}
    assert doc["tables"]["country"] and "surveys" not in doc["tables"]
    countries = {r["country"] for r in doc["tables"]["country"] if r["group"] == "TC"}
    assert "USA" in countries and "DNK" in countries


def test_api_csv_downloads(client):
    r = client.get("/api/v1/indicators/beach", params={"dataset": "mlw-sample", "format": "csv", "table": "sites"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and {"site_id", "group", "median", "slope", "p_value", "dataset_versions"} <= set(rows[0])
    assert {row["dataset_versions"] for row in rows} == {"mlw-sample@1"}
    sdg = client.get("/api/v1/indicators/sdg", params={"country": "USA", "format": "csv"})
    assert sdg.status_code == 200 and sdg.text.startswith("SERIES_CODE,")
    assert ",840," in sdg.text


@pytest.mark.parametrize(("path", "params", "status"), [
    ("/api/v1/indicators/beach", {"dataset": "no-such"}, 404),
    ("/api/v1/indicators/beach", {"from": "2020-02-30"}, 400),
    ("/api/v1/indicators/beach", {"group_by": "planet"}, 400),
    ("/api/v1/indicators/beach", {"format": "csv", "table": "nothing"}, 404),
    ("/api/v1/indicators/beach", {"group": "NOPE"}, 400),
    ("/api/v1/indicators/beach", {"dataset": "mlw-sample@99"}, 404),
    ("/api/v1/indicators/beach", {"dataset": "mlw-sample@x"}, 400),
    ("/api/v1/indicators/threshold", {"dataset": "no-such"}, 404),
    ("/api/v1/indicators/sdg", {"country": "NL"}, 400),
    ("/api/v1/indicators/composition", {"top": 0}, 400),
])
def test_api_errors_are_problem_json(client, path, params, status):
    r = client.get(path, params=params)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == status


def test_threshold_ospar_composition_endpoints(client):
    tv = client.get("/api/v1/indicators/threshold", params={"dataset": "mlw-sample"}).json()
    rows = tv["tables"]["assessment"]
    assert rows and all(r["tv"] == 20 for r in rows)
    assert all((r["status"] == "insufficient-surveys") == (r["n"] < 40) for r in rows)
    ospar = client.get("/api/v1/indicators/ospar", params={"dataset": "mlw-sample"}).json()
    windows = {w["what"]: w for w in ospar["tables"]["windows"]}
    assert windows["trend"]["last_year"] - windows["trend"]["first_year"] == 5
    assert windows["abundance"]["last_year"] - windows["abundance"]["first_year"] == 2
    comp = client.get("/api/v1/indicators/composition", params={"dataset": "mlw-sample", "top": 3}).json()
    # Marine LitterWatch monitoring surveys and cleanups are two comparability classes: top 3 of each, labelled
    labels = [c["label"] for c in comp["comparability_classes"]]
    assert len(labels) == 2
    assert [r["comparability_class"] for r in comp["tables"]["items"]] == [labels[0]] * 3 + [labels[1]] * 3


def test_web_page_renders_sections_and_downloads(client):
    r = client.get("/indicators", params={"dataset": "mlw-sample", "group": "SUP"})
    assert r.status_code == 200
    for marker in ("indicator-timeseries", "indicator-map", "indicator-composition", "indicator-threshold",
                   "format=csv", "mlw-sample</a>@1"):
        assert marker in r.text, marker
    links = re.findall(r'href="(/api/v1/indicators/[^"]+)"', r.text)
    assert len(links) >= 10
    for link in links:  # every CSV link on the page works
        got = client.get(link.replace("&amp;", "&"))
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv"), link
    assert client.get("/indicators", params={"dataset": "no-such"}).status_code == 404
    assert client.get("/indicators", params={"from": "yesterday"}).status_code == 400


@pytest.mark.browser
@pytest.mark.integration
def test_time_series_chart_and_map_render(browser, live_server):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server + "/indicators?dataset=mlw-sample&group=TC")
    page.wait_for_selector("#indicator-timeseries[data-rendered]", timeout=20_000)
    n_points = int(page.get_attribute("#indicator-timeseries", "data-rendered"))
    assert n_points > 50
    assert float(page.get_attribute("#indicator-timeseries", "data-lines")) >= 1  # Theil–Sen lines drawn
    assert page.locator("#indicator-timeseries svg .mark-symbol path").count() >= n_points  # + legend symbols
    assert page.locator("#indicator-timeseries svg .mark-line path").count() >= 1
    page.wait_for_selector("#indicator-composition[data-rendered]", timeout=20_000)
    page.wait_for_selector("#indicator-map[data-rendered]", timeout=20_000)
    assert page.locator("#indicator-map path.leaflet-interactive").count() > 100
    with page.expect_download() as svg:
        page.click("#map-svg")
    assert svg.value.suggested_filename == "indicator-map.svg"
    assert open(svg.value.path(), encoding="utf-8").read().count("<path") > 100  # the country outlines
    with page.expect_download() as png:
        page.click("#map-png")
    assert png.value.suggested_filename == "indicator-map.png"
    assert open(png.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert not errors, errors
    page.close()


def test_cli_threshold_sdg_composition_ospar(demo_hub, tmp_path):
    import json

    from typer.testing import CliRunner

    from litterhub.cli import app

    data = str(demo_hub.settings.data_dir)
    run = CliRunner().invoke
    out = run(app, ["analyse", "sdg", "--country", "USA", "--csv", str(tmp_path / "sdg.csv"), "--data-dir", data])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader((tmp_path / "sdg.csv").open(encoding="utf-8")))
    assert rows and {r["GEO_AREA_CODE"] for r in rows} == {"840"} and all(r["EVENT_IDS"] for r in rows)
    out = run(app, ["analyse", "threshold", "--dataset", "mlw-sample", "--json", "--data-dir", data])
    doc = json.loads(out.stdout)
    assert doc["params"]["tv"] == 20 and doc["tables"]["assessment"]
    out = run(app, ["analyse", "composition", "--dataset", "mlw-sample", "--top", "4", "--data-dir", data])
    assert out.exit_code == 0 and "warning [mixed-event-types]" in out.output and "sources:" in out.output
    out = run(app, ["analyse", "ospar", "--dataset", "mlw-sample", "--group-by", "country", "--data-dir", data])
    assert out.exit_code == 0 and "trend_regions:" in out.output
    bad = run(app, ["analyse", "sdg", "--country", "NL", "--data-dir", data])
    assert bad.exit_code == 2 and "alpha-3" in bad.output


def test_json_answers_are_pages_that_add_up_to_the_whole_table(client):
    """A per-site table comes in pages of `limit` rows; following next_cursor gives every row once, in order."""
    params = {"dataset": "mlw-sample", "group_by": "country"}
    whole = client.get("/api/v1/indicators/beach", params={**params, "limit": 10000}).json()
    n_sites = whole["page"]["rows"]["sites"]
    assert n_sites == len(whole["tables"]["sites"]) > 3 and whole["next_cursor"] is None
    pages, cursor = [], None
    while True:
        following = {"cursor": cursor} if cursor else {}
        r = client.get("/api/v1/indicators/beach", params={**params, "limit": 3, **following})
        assert r.status_code == 200
        doc = r.json()
        assert len(doc["tables"]["sites"]) <= 3 and doc["page"]["rows"] == whole["page"]["rows"]
        assert doc["dataset_versions"] == whole["dataset_versions"]
        pages.append(doc)
        cursor = doc["next_cursor"]
        if cursor is None:
            break
    assert [row for p in pages for row in p["tables"]["sites"]] == whole["tables"]["sites"]
    assert len(pages) == -(-max(whole["page"]["rows"].values()) // 3)
    # the short country table is whole on the first page and empty after it
    assert pages[0]["tables"]["country"] == whole["tables"]["country"][:3]


def test_a_bad_or_stale_cursor_is_refused(client):
    import base64
    import json

    bad = client.get("/api/v1/indicators/beach", params={"dataset": "mlw-sample", "cursor": "nonsense"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "bad-cursor"
    other_versions = base64.urlsafe_b64encode(json.dumps(["rows", 3, "0123456789abcdef"]).encode()).decode()
    stale = client.get("/api/v1/indicators/beach", params={"dataset": "mlw-sample", "cursor": other_versions})
    assert stale.status_code == 409 and stale.json()["errors"][0]["code"] == "stale-cursor"
    too_many = client.get("/api/v1/indicators/beach", params={"dataset": "mlw-sample", "limit": 10001})
    assert too_many.status_code in (400, 422)
