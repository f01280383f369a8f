"""SDG 14.1.1b with the real exports loaded together (MCS, OSPAR, hammerdirt, OpenLitterMap Italy, MDMAP, Marine
LitterWatch): countries without a beach width say why and list their beaches; widths from a national officer's
table make them computable (checked against the lake's own counts and lengths); widths are versioned; an assumed
width is used only when asked and flagged in every output."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from litterhub.analysis import sdg as sdg_analysis
from litterhub.services import indicators
from litterhub.services import widths as svc
from litterhub.store import tables as t
from litterhub.store import width_tables as wt

REAL_EXPORTS = [
    ("mcs-beachwatch-gbbc/gbbc_2022_raw_data_cleaned.xlsx", "auto"),
    ("ospar-nl-litteR/beach-litter-nl-2012-2017-ospar-export.csv", "auto"),
    ("hammerdirt-swiss/iqaasl_end_process/after_may_2021.csv", "auto"),
    ("hammerdirt-swiss/survey_qc_2020/survey_results.csv", "hammerdirt"),
    ("openlittermap-italy/olm-data.csv", "auto"),
    ("noaa-mdmap/MDMAP_Export_20230827.csv", "auto"),
    ("eea-marine-litterwatch/mlw-data.csv", "auto"),
]
NAMED = ("GBR", "NLD", "CHE", "ITA")


@pytest.fixture(scope="module")
def loaded_dir(shared_data, tmp_path_factory) -> Path:
    """A data directory with the real exports ingested once; tests copy it so that their widths stay their own."""
    from litterhub.services.hub import Hub
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import initialise

    folder = tmp_path_factory.mktemp("sdg-real") / "data"
    hub = Hub.open(folder)
    initialise(hub)
    for name, fmt in REAL_EXPORTS:
        assert ingest_file(hub, shared_data / name, fmt).ok, name
    hub.close()
    return folder


@pytest.fixture()
def real(loaded_dir, tmp_path):
    from litterhub.services.hub import Hub

    folder = tmp_path / "data"
    shutil.copytree(loaded_dir, folder)
    hub = Hub.open(folder)
    yield hub
    hub.close()


def lake_beach_events(hub) -> pd.DataFrame:
    """Every marine beach survey straight from the Parquet lake, with its counted items (not through the SDG SQL)
    and its comparability class (the one definition, analysis/comparability.py)."""
    import duckdb

    from litterhub.analysis.comparability import CLASS_SQL

    frames = []
    for dataset, version in indicators.resolve_versions(hub, None):
        table = hub.lake.read_table("events", dataset, version)
        events = table.to_pandas()
        obs = hub.lake.read_table("observations", dataset, version).to_pandas()
        counted = obs[obs["counts_toward_total"]].groupby("event_id")["count"].sum()
        events["counted"] = events["event_id"].map(counted).fillna(0.0)
        events["event_date"] = pd.to_datetime(events["event_date"])
        con = duckdb.connect()
        con.register("t", table)
        events["comparability_class"] = [r[0] for r in con.execute(f"SELECT {CLASS_SQL} FROM t").fetchall()]  # noqa: S608
        frames.append(events[events["compartment"] == "beach"])
    return pd.concat(frames, ignore_index=True)


def by_cell(rows: pd.DataFrame) -> pd.Series:
    """SDG values keyed by (year, comparability class): one value per country × year × class."""
    return rows.set_index(["TIME_PERIOD", "comparability_class"])["OBS_VALUE"]


def fill(missing: pd.DataFrame, width) -> str:
    """The template CSV of `missing`, filled with a width (a number, or a function of the row) and a source."""
    template = pd.read_csv(io.StringIO(svc.template_csv(missing)), dtype=str)
    template["width_m"] = [str(width(r) if callable(width) else width) for r in template.itertuples()]
    template["source"] = "national survey sheet 2024"
    return template.to_csv(index=False)


def test_without_widths_the_named_countries_say_why_and_list_their_beaches(real):
    result = indicators.sdg(real)
    countries = result.tables["countries"].set_index("country")
    beach = countries[countries["series"] == sdg_analysis.BEACH_SERIES]
    for code in NAMED:
        row = beach.loc[code]
        assert row["status"] == "not computable"
        assert row["reason"].startswith("not computable, because") and "no surveyed area" in row["reason"]
        assert "widths set" in row["what_to_provide"]
    assert "not marine" in beach.loc["CHE", "reason"]  # hammerdirt's lake shores are not SDG 14.1.1b
    assert not set(result.tables["sdg"]["GEO_AREA_CODE"]) & {"826", "528", "756", "380"}
    # the beaches listed are exactly the lake's surveys with a length, a country and neither area nor width
    events = lake_beach_events(real)
    widthless = events[(events["length_m"] > 0) & events["country"].notna()
                       & ~(events["area_m2"] > 0) & ~(events["width_m"] > 0)]
    expected = set(zip(widthless["country"], widthless["site_id"], strict=True))
    missing = result.tables["missing_widths"]
    assert set(zip(missing["country"], missing["site_id"], strict=True)) == expected
    per_site = widthless.groupby("site_id").size()
    assert all(per_site[s] == n for s, n in zip(missing["site_id"], missing["events"], strict=True))
    assert missing["site_name"].notna().all()
    assert any(w.code == "sdg-not-computable" for w in result.warnings)


def test_widths_from_the_table_make_a_country_computable(real):
    missing = indicators.sdg(real, "NLD").tables["missing_widths"]
    widths = {s: 30.0 + i for i, s in enumerate(missing["site_id"])}
    stored = svc.import_widths(real, svc.CLI_OPERATOR, fill(missing, lambda r: widths[r.site_id])).entries
    assert len(stored) == len(widths) and {e["revision"] for e in stored} == {1}

    result = indicators.sdg(real, "NLD")
    countries = result.tables["countries"]
    assert list(countries["status"]) == ["computed"] and countries["reason"].iloc[0] == ""
    rows = result.tables["sdg"]
    assert set(rows["WIDTH_SOURCE"]) == {sdg_analysis.FROM_TABLE}
    assert not rows["WIDTH_ASSUMED"].any() and set(rows["NATURE"]) == {"C"} and rows["N_NOT_COMPUTED"].eq(0).all()
    # independent: median per year of counted items / (length × the width given) × 10⁶, from the lake itself
    events = lake_beach_events(real)
    nld = events[events["country"] == "NLD"].copy()
    nld["density"] = nld["counted"] / (nld["length_m"] * nld["site_id"].map(widths)) * 1e6
    cells = [nld["event_date"].dt.year, nld["comparability_class"]]
    expected, n = nld.groupby(cells)["density"].median(), nld.groupby(cells).size()
    assert len(rows) == len(expected) and rows["comparability_class"].nunique() == 2  # OSPAR monitoring, MLW cleanups
    for row in rows.itertuples():
        assert row.OBS_VALUE == pytest.approx(expected[(row.TIME_PERIOD, row.comparability_class)], rel=1e-12)
        assert row.N_SURVEYS == n[(row.TIME_PERIOD, row.comparability_class)]
    used = result.tables["widths_used"]
    assert set(used["site_id"]) == set(widths) and set(used["revision"]) == {1}
    assert set(used["source"]) == {"national survey sheet 2024"}


def test_a_new_width_is_a_new_revision_the_latest_applies_and_history_stays(real):
    noordwijk = "s-" + "09414b12614d"
    sites = indicators.sdg(real, "NLD").tables["missing_widths"]
    site = noordwijk if noordwijk in set(sites["site_id"]) else sites["site_id"].iloc[0]
    first = svc.give_width(real, svc.CLI_OPERATOR, site, 40, "survey sheet 2016")
    before = by_cell(indicators.sdg(real, "NLD").tables["sdg"])
    second = svc.give_width(real, svc.CLI_OPERATOR, site, "80", "orthophoto 2020", note="remeasured")
    after = by_cell(indicators.sdg(real, "NLD").tables["sdg"])
    assert (first["revision"], second["revision"]) == (1, 2)
    # only this site has a width: twice the width is half the density, year by year
    assert list(after.index) == list(before.index) and len(after)
    for cell in after.index:
        assert after[cell] == pytest.approx(before[cell] / 2, rel=1e-12)
    history = svc.list_widths(real, site_id=site, history=True)
    assert list(history["revision"]) == [2, 1] and list(history["width_m"]) == [80.0, 40.0]
    assert list(history["source"]) == ["orthophoto 2020", "survey sheet 2016"]
    assert set(history["given_by"]) == {"cli"} and history["given_at"].notna().all()
    in_force = svc.list_widths(real, country="NLD")
    assert list(in_force.loc[in_force["site_id"] == site, "revision"]) == [2]
    with real.engine.connect() as conn:  # the first entry is still stored as given, and both are audited
        stored = conn.execute(select(wt.site_widths.c.revision, wt.site_widths.c.width_m)
                              .where(wt.site_widths.c.site_id == site)).all()
        audited = conn.execute(select(t.audit_log.c.actor, t.audit_log.c.detail)
                               .where(t.audit_log.c.action == "site.width.given",
                                      t.audit_log.c.target == f"site:{site}")).all()
    assert sorted(stored) == [(1, 40.0), (2, 80.0)]
    assert sorted((a, d["revision"], d["width_m"]) for a, d in audited) == [("cli", 1, 40.0), ("cli", 2, 80.0)]


def test_an_assumed_width_is_used_only_when_asked_and_flagged_everywhere(real):
    plain = indicators.sdg(real, "GBR")
    assert plain.tables["sdg"].empty and not plain.params["width_assumed"]
    result = indicators.sdg(real, "GBR", assume_width=50)
    rows = result.tables["sdg"]
    assert len(rows) and rows["WIDTH_ASSUMED"].all() and set(rows["NATURE"]) == {"E"}
    assert (rows["N_ASSUMED"] == rows["N_SURVEYS"]).all() and set(rows["ASSUMED_WIDTH_M"]) == {50.0}
    assert set(rows["WIDTH_SOURCE"]) == {sdg_analysis.ASSUMED}
    # the value is the lake's counted items over length × 50 m
    gbr = lake_beach_events(real).query("country == 'GBR' and length_m > 0")
    expected = (gbr["counted"] / (gbr["length_m"] * 50) * 1e6).groupby(
        [gbr["event_date"].dt.year, gbr["comparability_class"]]).median()
    assert by_cell(rows).to_dict() == pytest.approx(expected.to_dict(), rel=1e-12)
    # CSV column, JSON fields, warning
    table = pd.read_csv(io.StringIO(indicators.as_csv(result, "sdg")))
    assert table["WIDTH_ASSUMED"].all() and set(table["NATURE"]) == {"E"}
    out = result.as_dict()
    assert out["params"]["assume_width_m"] == 50 and out["params"]["width_assumed"] is True
    assert out["summary"]["surveys_with_assumed_width"] == int(rows["N_SURVEYS"].sum())
    assert all(r["WIDTH_ASSUMED"] is True for r in out["tables"]["sdg"])
    assert any(w.code == "sdg-assumed-width" and "ASSUMED" in w.message for w in result.warnings)
    countries = result.tables["countries"]
    assert countries["surveys_assumed"].sum() == rows["N_SURVEYS"].sum()


def test_survey_width_beats_the_table_and_the_table_beats_the_assumption(real):
    usa_before = indicators.sdg(real, "USA").tables["sdg"]
    measured = lake_beach_events(real).query("country == 'USA' and area_m2 > 0")["site_id"].iloc[0]
    svc.give_width(real, svc.CLI_OPERATOR, measured, 999, "should not be used: the survey has its own area")
    pd.testing.assert_frame_equal(indicators.sdg(real, "USA").tables["sdg"], usa_before)

    gbr = indicators.sdg(real, "GBR", assume_width=50)
    site = gbr.tables["missing_widths"].iloc[0]
    svc.give_width(real, svc.CLI_OPERATOR, site["site_id"], 20, "measured")
    again = indicators.sdg(real, "GBR", assume_width=50)
    assumed = lambda r: int(r.tables["countries"]["surveys_assumed"].sum())  # noqa: E731
    assert assumed(gbr) - assumed(again) == site["events"]
    assert sdg_analysis.FROM_TABLE in " ".join(again.tables["sdg"]["WIDTH_SOURCE"])
    assert site["site_id"] not in set(again.tables["missing_widths"]["site_id"])


def test_every_country_with_widths_from_any_source_has_a_value(real):
    """Done-when of issue 12: with widths for every listed beach, every country with beach lengths has a value;
    the others say why (no length, not marine, no country)."""
    missing = indicators.sdg(real).tables["missing_widths"]
    svc.import_widths(real, svc.CLI_OPERATOR, fill(missing, 40))
    result = indicators.sdg(real)
    assert result.tables["missing_widths"].empty
    countries = result.tables["countries"]
    beach = countries[countries["series"] == sdg_analysis.BEACH_SERIES].set_index("country")
    valued = set(result.tables["sdg"]["GEO_AREA_CODE"])
    events = lake_beach_events(real)
    with_length = set(events.loc[(events["length_m"] > 0) & events["country"].notna(), "country"])
    for code in with_length:
        assert beach.loc[code, "status"] in ("computed", "partly computed"), code
        assert sdg_analysis.m49(code) in valued, code
    for code, row in beach[beach["status"] != "computed"].iterrows():
        assert row["reason"] and row["what_to_provide"], code
    for code in NAMED:
        assert beach.loc[code, "status"] in ("computed", "partly computed")


@pytest.mark.parametrize("value", [0, 0.2, 5000, "abc", float("nan"), "inf", ""])
def test_implausible_widths_are_refused(real, value):
    site = indicators.sdg(real, "NLD").tables["missing_widths"]["site_id"].iloc[0]
    with pytest.raises(svc.WidthError) as caught:
        svc.give_width(real, svc.CLI_OPERATOR, site, value, "x")
    assert caught.value.code in ("width-invalid", "width-out-of-range") and caught.value.status == 400
    assert svc.list_widths(real).empty


def test_refusals_have_stable_codes_and_store_nothing(real):
    site = indicators.sdg(real, "NLD").tables["missing_widths"]["site_id"].iloc[0]
    cases = [(dict(site_id=site, width_m=40, source=" "), "width-source-missing", 400),
             (dict(site_id="s-000000000000", width_m=40, source="x"), "width-unknown-site", 404)]
    for kwargs, code, status in cases:
        with pytest.raises(svc.WidthError) as caught:
            svc.give_width(real, svc.CLI_OPERATOR, **kwargs)
        assert (caught.value.code, caught.value.status) == (code, status)
    contributor = svc.Giver("user:9", "contributor", None)
    with pytest.raises(svc.WidthError) as caught:
        svc.give_width(real, contributor, site, 40, "x")
    assert (caught.value.code, caught.value.status) == ("width-forbidden", 403)
    bad = f"site_id,width_m,source\n{site},40,ok\n{site},-3,bad\n{site},40,\n"
    with pytest.raises(svc.WidthError) as caught:
        svc.import_widths(real, svc.CLI_OPERATOR, bad)
    assert caught.value.code == "width-file-invalid"
    assert [(e["line"], e["code"]) for e in caught.value.errors] == [(3, "width-out-of-range"),
                                                                     (4, "width-source-missing")]
    with pytest.raises(svc.WidthError) as caught:
        svc.import_widths(real, svc.CLI_OPERATOR, "site,width\nx,1\n")
    assert "site_id" in str(caught.value)
    assert svc.list_widths(real).empty  # all or nothing


def test_a_partly_filled_template_stores_the_filled_rows_and_keeps_the_others_listed(real):
    missing = indicators.sdg(real, "NLD").tables["missing_widths"]
    text = svc.template_csv(missing).splitlines()
    header, rows = text[0], text[1:]
    first = rows[0].split(",")
    first[1:3] = ["35", "profile 2022"]
    done = svc.import_widths(real, svc.CLI_OPERATOR, "\n".join([header, ",".join(first), *rows[1:]]) + "\n")
    assert [e["site_id"] for e in done.entries] == [first[0]]
    assert done.skipped_lines == list(range(3, len(rows) + 2))
    after = set(indicators.sdg(real, "NLD").tables["missing_widths"]["site_id"])
    assert after == set(missing["site_id"]) - {first[0]}
    with pytest.raises(svc.WidthError, match="no filled-in rows"):
        svc.import_widths(real, svc.CLI_OPERATOR, "\n".join([header, *rows[1:]]) + "\n")


# --- the three faces: API, web, CLI --------------------------------------------------------------------------

PASSWORD = "correct horse battery"


@pytest.fixture()
def api(real):
    from fastapi.testclient import TestClient

    from litterhub.app import create_app
    from litterhub.services import auth

    keys = {}
    for role in ("reviewer", "contributor"):
        user = auth.create_user(real, f"{role}@example.org", PASSWORD, role=role, display_name=f"A {role}",
                                show_name=True)
        keys[role] = auth.create_api_key(real, user.id)[0]
    officer = auth.find_user(real, "reviewer@example.org")
    keys["read-only"] = auth.create_api_key(real, officer.id, scopes=["read"])[0]
    with TestClient(create_app(real)) as client:
        client.keys = {k: {"Authorization": f"Bearer {v}"} for k, v in keys.items()}
        yield client


def _site(hub, country="NLD") -> str:
    return indicators.sdg(hub, country).tables["missing_widths"]["site_id"].iloc[0]


def test_api_gives_versioned_widths_only_to_officers(api, real):
    site = _site(real)
    body = {"site_id": site, "width_m": 45, "source": "Rijkswaterstaat profile 2019"}
    assert api.post("/api/v1/widths", json=body).status_code == 401
    for who in ("contributor", "read-only"):
        r = api.post("/api/v1/widths", json=body, headers=api.keys[who])
        assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json"), who
    first = api.post("/api/v1/widths", json=body, headers=api.keys["reviewer"])
    second = api.post("/api/v1/widths", json={**body, "width_m": 50, "note": "winter profile"},
                      headers=api.keys["reviewer"])
    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["revision"], second.json()["revision"]) == (1, 2)
    assert second.json()["given_by_name"] == "A reviewer" and second.json()["given_at"]
    history = api.get(f"/api/v1/widths/{site}").json()
    assert history["in_force"]["width_m"] == 50 and [r["revision"] for r in history["revisions"]] == [2, 1]
    assert history["revisions"][1]["source"] == "Rijkswaterstaat profile 2019"
    listed = api.get("/api/v1/widths", params={"country": "NLD"}).json()["widths"]
    assert [(w["site_id"], w["revision"]) for w in listed] == [(site, 2)]
    bad = api.post("/api/v1/widths", json={**body, "width_m": 0.1}, headers=api.keys["reviewer"])
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "width-out-of-range"
    unknown = api.post("/api/v1/widths", json={**body, "site_id": "s-000000000000"}, headers=api.keys["reviewer"])
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["code"] == "width-unknown-site"
    assert api.get("/api/v1/widths/s-000000000000").status_code == 404


def test_api_import_and_sdg_with_and_without_assumed_width(api, real):
    missing = api.get("/api/v1/widths/missing", params={"country": "NLD", "format": "csv"})
    assert missing.status_code == 200 and missing.text.startswith("site_id,width_m,source,note")
    filled = fill(pd.read_csv(io.StringIO(missing.text)).assign(site_name=lambda f: f["site_name"].astype(str),
                                                                 events=lambda f: f["surveys"]), 35)
    broken = filled.replace(",35,", ",abc,", 1)
    r = api.post("/api/v1/widths/import", content=broken, headers={**api.keys["reviewer"],
                                                                    "content-type": "text/csv"})
    assert r.status_code == 400 and r.json()["errors"][0]["line"] == 2
    assert api.get("/api/v1/widths", params={"country": "NLD"}).json()["widths"] == []
    r = api.post("/api/v1/widths/import", content=filled, headers={**api.keys["reviewer"], "content-type": "text/csv"})
    assert r.status_code == 201 and r.json()["stored"] == len(indicators.sdg(real, "NLD").tables["widths_used"])

    nld = api.get("/api/v1/indicators/sdg", params={"country": "NLD"}).json()
    assert [c["status"] for c in nld["tables"]["countries"]] == ["computed"]
    assert nld["params"]["width_assumed"] is False and all(not r["WIDTH_ASSUMED"] for r in nld["tables"]["sdg"])
    gbr = api.get("/api/v1/indicators/sdg", params={"country": "GBR"}).json()
    assert gbr["tables"]["sdg"] == [] and gbr["tables"]["countries"][0]["status"] == "not computable"
    assert gbr["tables"]["missing_widths"] and "because" in gbr["tables"]["countries"][0]["reason"]
    assumed = api.get("/api/v1/indicators/sdg", params={"country": "GBR", "assume_width": 50}).json()
    assert assumed["params"]["width_assumed"] is True and assumed["tables"]["sdg"]
    assert all(r["WIDTH_ASSUMED"] is True and r["NATURE"] == "E" for r in assumed["tables"]["sdg"])
    assert "sdg-assumed-width" in {w["code"] for w in assumed["warnings"]}
    csv_text = api.get("/api/v1/indicators/sdg", params={"country": "GBR", "assume_width": 50,
                                                         "format": "csv"}).text
    assert pd.read_csv(io.StringIO(csv_text))["WIDTH_ASSUMED"].all()
    r = api.get("/api/v1/indicators/sdg", params={"assume_width": 0})
    assert r.status_code == 400 and "between" in r.json()["detail"]


def _csrf(html: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_web_sdg_page_and_width_form(api, real):
    page = api.get("/sdg", params={"country": "GBR"})
    assert page.status_code == 200 and "not computable" in page.text and 'id="country-GBR-EN_MAR_BEALITSQ"' in page.text
    first = indicators.sdg(real, "GBR").tables["missing_widths"].iloc[0]
    assert first["site_id"] in page.text and "ASSUMED WIDTH" not in page.text
    assumed = api.get("/sdg", params={"country": "GBR", "assume_width": "50"})
    assert assumed.status_code == 200 and assumed.text.count('class="badge-assumed"') >= 2
    assert api.get("/sdg", params={"assume_width": "wide"}).status_code == 400

    site = _site(real)
    anonymous = api.post("/widths", data={"site_id": site, "width_m": "40", "source": "x"}, follow_redirects=False)
    assert anonymous.status_code == 303 and "/account/login" in anonymous.headers["location"]
    login = api.get("/account/login")
    r = api.post("/account/login", data={"email": "reviewer@example.org", "password": PASSWORD,
                                         "csrf_token": _csrf(login.text), "next": "/widths"}, follow_redirects=False)
    assert r.status_code == 303
    form = api.get("/widths")
    assert 'id="width-form"' in form.text
    no_token = api.post("/widths", data={"site_id": site, "width_m": "40", "source": "x"}, follow_redirects=False)
    assert no_token.status_code == 403
    token = _csrf(form.text)
    bad = api.post("/widths", data={"site_id": site, "width_m": "4000", "source": "x", "csrf_token": token})
    assert bad.status_code == 400 and 'id="width-error"' in bad.text
    saved = api.post("/widths", data={"site_id": site, "width_m": "42.5", "source": "beach profile 2021",
                                      "csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"/widths/{site}?done=1"
    history = api.get(saved.headers["location"])
    assert history.status_code == 200 and "beach profile 2021" in history.text and "42.5" in history.text
    assert "A reviewer" in history.text and 'id="width-saved"' in history.text
    hostile = '<script>alert("w")</script>'
    again = api.post("/widths", data={"site_id": site, "width_m": "43", "source": hostile, "csrf_token": token},
                     follow_redirects=False)
    assert again.headers["location"] == f"/widths/{site}?done=2"
    listing = api.get("/widths").text
    assert hostile not in listing and "&lt;script&gt;" in listing and "42.5" not in listing  # only the latest
    assert site not in {s for s in indicators.sdg(real, "NLD").tables["missing_widths"]["site_id"]}


def test_cli_widths_and_sdg(real, tmp_path):
    from typer.testing import CliRunner

    from litterhub.cli import app

    runner = CliRunner()
    data = ["--data-dir", str(real.settings.data_dir)]
    template = tmp_path / "to-fill.csv"
    r = runner.invoke(app, ["widths", "list", "--missing", "--country", "NLD", "--csv", str(template), *data])
    assert r.exit_code == 0, r.output
    missing = pd.read_csv(template)
    assert set(missing["site_id"]) == set(indicators.sdg(real, "NLD").tables["missing_widths"]["site_id"])
    site = missing["site_id"].iloc[0]
    r = runner.invoke(app, ["widths", "set", site, "0", "--source", "x", *data])
    assert r.exit_code == 1 and "width-out-of-range" in r.output
    r = runner.invoke(app, ["widths", "set", site, "60", "--source", "sheet", *data])
    assert r.exit_code == 0 and "revision 1" in r.output
    filled = tmp_path / "filled.csv"
    filled.write_text(fill(missing.rename(columns={"surveys": "events"}), 30), encoding="utf-8")
    r = runner.invoke(app, ["widths", "import", str(filled), *data])
    assert r.exit_code == 0 and f"stored {len(missing)}" in r.output
    r = runner.invoke(app, ["widths", "history", site, "--json", *data])
    assert [e["revision"] for e in __import__("json").loads(r.output)] == [2, 1]
    from litterhub.services import auth

    officer = auth.create_user(real, "officer@example.org", PASSWORD, role="reviewer")
    auth.create_user(real, "helper@example.org", PASSWORD, role="contributor")
    r = runner.invoke(app, ["widths", "set", site, "61", "--source", "s", "--by", "officer@example.org", *data])
    assert r.exit_code == 0 and "revision 3" in r.output
    assert svc.list_widths(real, site_id=site)["given_by"].iloc[0] == f"user:{officer.id}"
    for who, code in (("helper@example.org", "width-forbidden"), ("nobody@example.org", "width-unknown-user")):
        r = runner.invoke(app, ["widths", "set", site, "62", "--source", "s", "--by", who, *data])
        assert r.exit_code == 1 and code in r.output, who
    assert list(svc.list_widths(real, site_id=site)["revision"]) == [3]
    r = runner.invoke(app, ["analyse", "sdg", "--country", "NLD", *data])
    assert r.exit_code == 0 and "computed" in r.output and "Netherlands" in r.output
    out = tmp_path / "sdg.csv"
    r = runner.invoke(app, ["analyse", "sdg", "--country", "GBR", *data])
    assert r.exit_code == 0 and "not computable, because" in r.output and "widths list --missing" in r.output
    r = runner.invoke(app, ["analyse", "sdg", "--country", "GBR", "--assume-width", "50", "--csv", str(out), *data])
    assert r.exit_code == 0 and "ASSUMED WIDTH" in r.output
    assert pd.read_csv(out)["WIDTH_ASSUMED"].all()
    r = runner.invoke(app, ["analyse", "sdg", "--assume-width", "-1", *data])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "between" in r.output


def test_width_revisions_on_sqlite_and_postgresql(any_hub):
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import DEMO_DIR

    assert ingest_file(any_hub, DEMO_DIR / "mlw-sample.csv", "mlw", "mlw-sample").ok
    missing = indicators.sdg(any_hub).tables["missing_widths"]
    site = missing["site_id"].iloc[0]
    svc.give_width(any_hub, svc.CLI_OPERATOR, site, 25, "first")
    svc.give_width(any_hub, svc.CLI_OPERATOR, site, 50, "second")
    history = svc.list_widths(any_hub, site_id=site, history=True)
    assert list(history["revision"]) == [2, 1] and list(history["source"]) == ["second", "first"]
    assert list(svc.list_widths(any_hub)["width_m"]) == [50.0]
    used = indicators.sdg(any_hub).tables["widths_used"]
    assert list(zip(used["site_id"], used["revision"], strict=True)) == [(site, 2)]


@pytest.mark.browser
@pytest.mark.integration
def test_sdg_page_at_360px_shows_the_assumed_badge_and_the_reasons(real, browser):
    from tests.conftest import serve_in_thread

    from litterhub.app import create_app

    url, server = serve_in_thread(create_app(real))
    try:
        page = browser.new_page(viewport={"width": 360, "height": 800})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url + "/sdg?country=GBR&assume_width=50&lang=fr")
        assert page.locator("#sdg-assumed-note .badge-assumed").is_visible()
        assert page.locator("#sdg-values .badge-assumed").count() == len(indicators.sdg(real, "GBR", None, 50)
                                                                          .tables["sdg"])
        assert "LARGEUR SUPPOSÉE" in page.inner_text("#sdg-assumed-note")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # tables scroll inside their box
        page.goto(url + "/sdg?country=NLD")
        reason = page.inner_text("#country-NLD-EN_MAR_BEALITSQ")
        assert "not computable, because" in reason and "widths set" in reason
        assert not errors
    finally:
        server.should_exit = True


def test_widths_read_operations_honour_their_contract(demo_hub):
    import schemathesis
    from tests.opendata.test_opendata_contract import _run_all

    from litterhub.app import create_app

    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(demo_hub)).include(method="GET")
    ran, failures = _run_all(schema, {"widths"})
    assert ran == 3
    assert not failures, "\n\n".join(failures)


def test_sdg_page_result_is_computed_once_and_anew_after_a_new_width(real, monkeypatch):
    """The /sdg page keeps its result per (dataset versions, widths, parameters): a second visit computes nothing,
    and a width given in between is used at once."""
    from litterhub.services import indicator_store
    from litterhub.web.routes import widths as page

    indicator_store.clear_memory()
    calls = []
    real_sdg = indicators.sdg
    monkeypatch.setattr(indicators, "sdg", lambda *a, **k: calls.append(1) or real_sdg(*a, **k))
    first = page._sdg_result(real, "NLD", None, False, None)
    assert page._sdg_result(real, "NLD", None, False, None).tables["countries"].equals(first.tables["countries"])
    assert len(calls) == 1
    missing = first.tables["missing_widths"]
    assert len(missing) > 0 and list(first.tables["countries"]["status"]) != ["computed"]
    svc.import_widths(real, svc.CLI_OPERATOR, fill(missing, lambda r: 40.0))
    after = page._sdg_result(real, "NLD", None, False, None)
    assert len(calls) == 2 and list(after.tables["countries"]["status"]) == ["computed"]
