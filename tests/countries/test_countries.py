"""Country profiles and country-group pages on the bundled real samples (MDMAP Maine → USA, Marine LitterWatch
→ European countries): the profile's numbers are the CLI's, every Regional Seas programme lists its real members
(from the GPML CSV), unknown codes are 404 everywhere, and the pages work in Chromium at phone and desktop widths
in English, Chinese and Arabic."""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from litterhub.analysis import design
from litterhub.cli import app


def _cli(hub, *args):
    out = CliRunner().invoke(app, [*args, "--data-dir", str(hub.settings.data_dir)])
    return out


def _close(a, b):
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)):
        return (a is None or math.isnan(a)) and (b is None or (isinstance(b, float) and math.isnan(b)))
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


def test_profile_numbers_equal_cli_analyse(client, demo_hub):
    profile = client.get("/api/v1/countries/USA").json()
    beach = _cli(demo_hub, "analyse", "beach", "--group-by", "country", "--json")
    assert beach.exit_code == 0, beach.output
    cli_rows = [r for r in json.loads(beach.output)["tables"]["country"] if r["country"] == "USA"]
    mine = profile["indicators"]["beach"]["rows"]
    assert cli_rows and len(mine) == len(cli_rows)
    key = lambda r: (r["comparability_class"], r["group"])  # noqa: E731
    by_key = {key(r): r for r in cli_rows}
    for row in mine:
        ref = by_key[key(row)]
        for field in ("n", "median", "slope", "p_value"):
            assert _close(row[field], ref[field]), (key(row), field, row[field], ref[field])
    assert len({r["comparability_class"] for r in mine}) == 2  # MDMAP monitoring and accumulation, never pooled
    sdg = _cli(demo_hub, "analyse", "sdg", "--country", "USA", "--json")
    assert sdg.exit_code == 0, sdg.output
    def by_year(rows):
        return {(r["TIME_PERIOD"], r["comparability_class"]): r["OBS_VALUE"] for r in rows}

    cli_sdg = by_year(json.loads(sdg.output)["tables"]["sdg"])
    my_sdg = by_year(profile["indicators"]["sdg"]["rows"])
    assert my_sdg and my_sdg.keys() == cli_sdg.keys()
    assert all(_close(my_sdg[k], cli_sdg[k]) for k in my_sdg)
    # the survey counts are the catalogue's: 70 MDMAP Maine surveys, every one of them in the USA
    assert profile["monitoring"]["surveys"] == sum(r["surveys"] for r in profile["monitoring"]["per_year"])
    assert {p["dataset"] for p in profile["monitoring"]["programmes"]} == {"mdmap-maine"}


def test_cli_show_and_list(demo_hub, client):
    shown = _cli(demo_hub, "countries", "show", "DNK", "--json")
    assert shown.exit_code == 0, shown.output
    doc = json.loads(shown.output)
    api = client.get("/api/v1/countries/DNK").json()
    assert doc["monitoring"]["surveys"] == api["monitoring"]["surveys"] > 0
    assert [r["median"] for r in doc["indicators"]["beach"]["rows"]] == \
        [r["median"] for r in api["indicators"]["beach"]["rows"]]
    assert "northeast-atlantic" in {g["id"] for g in doc["memberships"]}
    text = _cli(demo_hub, "countries", "show", "DNK")
    assert text.exit_code == 0 and text.output.startswith("Denmark (DNK)")
    listed = _cli(demo_hub, "countries", "list")
    assert listed.exit_code == 0
    assert any(line.startswith("USA") for line in listed.output.splitlines())
    bad = _cli(demo_hub, "countries", "show", "QQQ")
    assert bad.exit_code == 2 and bad.output.strip().startswith("error: no country")
    regions = _cli(demo_hub, "regions", "list")
    assert regions.exit_code == 0 and sum(" regional-seas " in line for line in regions.output.splitlines()) == 18
    baltic = _cli(demo_hub, "regions", "show", "baltic", "--json")
    assert baltic.exit_code == 0
    assert json.loads(baltic.output)["members"] == client.get("/api/v1/regions/baltic").json()["members"]
    unknown = _cli(demo_hub, "regions", "show", "atlantis")
    assert unknown.exit_code == 2 and unknown.output.strip().startswith("error: no region")


def _csv_members(shared_data):
    groups = defaultdict(set)
    with (shared_data / "regional-seas-groups" / "regional_seas_members.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["iso3"]:
                groups[" ".join(row["regional_sea"].split())].add(row["iso3"])
    return groups


def test_each_regional_seas_programme_lists_its_real_members(client, shared_data, monkeypatch):
    monkeypatch.setenv("LITTERHUB_COMPUTE_RATE", "1000/60")  # 18 group pages in a few seconds: not a rate test
    expected = _csv_members(shared_data)
    assert len(expected) == 18
    index = client.get("/api/v1/regions").json()["regions"]
    seas = [g for g in index if g["kind"] == "regional-seas"]
    assert len(seas) == 18
    for group in seas:
        assert set(group["members"]) == expected[group["name"]], group["name"]
        assert group["record_id"]  # each programme is joined to its registry record
        page = client.get(f"/regions/{group['id']}")
        assert page.status_code == 200
        for code in expected[group["name"]]:
            assert f"/countries/{code}" in page.text
    med = client.get("/api/v1/regions/mediterranean").json()
    assert med["record"]["data"]["type"] == "region"


def test_region_trend_is_the_regional_kendall_of_member_sites(client):
    region = client.get("/api/v1/regions/northeast-atlantic").json()
    tc = [t for t in region["trends"] if t["group"] == "TC"]
    assert tc and all(t["comparability_class"] for t in tc)
    dnk = next(m for m in region["members"] if m["country"] == "DNK")
    assert dnk["surveys"] > 0 and dnk["headline"]
    assert region["coverage"]["with_surveys"] == sum(1 for m in region["members"] if m["surveys"])


@pytest.mark.parametrize("path", ["/api/v1/countries/QQQ", "/api/v1/countries/12", "/api/v1/countries/USAA",
                                  "/api/v1/regions/no-such-sea"])
def test_api_unknown_is_404_problem(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 404


@pytest.mark.parametrize("path", ["/countries/QQQ", "/regions/no-such-sea"])
def test_web_unknown_is_404_page(client, path):
    r = client.get(path)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")


def test_country_without_surveys_has_empty_states(client):
    r = client.get("/countries/ALB")  # Albania: a registry record (Barcelona Convention), no surveys
    assert r.status_code == 200
    assert 'id="gaps"' in r.text and "no-surveys" in r.text
    assert "/regions/mediterranean" in r.text


def test_design_power_grows_with_surveys_and_falls_with_noise():
    rng = np.random.default_rng(1)
    low = [design.mk_power(0.3, k, rng) for k in (1, 4, 8)]
    assert low[0] < low[1] < low[2]
    assert design.mk_power(1.5, 4, np.random.default_rng(1)) < low[1]
    frame = pd.DataFrame({"site_id": ["a"] * 8 + ["b"] * 8, "count": [10, 12, 9, 11, 10, 13, 9, 10] * 2,
                          "event_date": pd.to_datetime(["2020-01-01"] * 16)})
    advice = design.advise(frame)
    assert advice.sigma_log is not None and advice.per_year is not None and advice.per_year <= 4
    assert design.advise(frame).as_dict() == advice.as_dict()  # seeded: the same answer every time
    ranked = design.rank_beaches(frame.assign(count=[10] * 8 + [1, 50, 3, 80, 2, 40, 5, 90]), 0.1)
    assert ranked["site_id"].tolist()[0] == "b"  # the noisier beach gains most from another survey


@pytest.mark.browser
@pytest.mark.integration
@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("lang", ["en", "zh", "ar"])
def test_pages_in_chromium(browser, live_server, width, lang):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    for path in ("/countries", "/countries/USA", "/regions/northeast-atlantic"):
        page.goto(f"{live_server}{path}?lang={lang}")
        assert page.get_attribute("html", "lang") == lang
        assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
        page.wait_for_selector("#country-map[data-loaded]", timeout=20_000)
        assert int(page.get_attribute("#country-map", "data-loaded")) >= 1
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (path, overflow)
    page.goto(f"{live_server}/countries/USA?lang={lang}")
    assert page.locator("#sdg-chart .cx-bar").count() >= 1
    assert page.locator("#trends tbody tr").count() >= 1
    assert not errors, errors
    page.close()


@pytest.mark.parametrize(("lang", "name"), [("fr", "États-Unis"), ("zh", "美国"), ("ar", "الولايات المتحدة")])
def test_country_names_follow_the_interface_language(client, lang, name):
    r = client.get("/countries/USA", params={"lang": lang})
    assert r.status_code == 200 and f"<h1>{name} <code>USA</code></h1>" in r.text
    assert name in client.get("/countries", params={"lang": lang}).text
