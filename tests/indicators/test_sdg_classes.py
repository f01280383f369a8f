"""SDG 14.1.1b never mixes comparability classes, lists every duplicate copy it left out, and takes a trawl's
published density as it is (never 0). Real exports loaded together: the full Marine LitterWatch export (monitoring
surveys and cleanups), the NOAA MDMAP export with the demo's copy of it (scanned for duplicates) and the Eriksen
surface trawls. Facts are checked against the lake and the raw files, through the service, the CLI, the API and
the web page."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from typer.testing import CliRunner

from litterhub.analysis import sdg as sdg_analysis
from litterhub.analysis.comparability import CLASS_SQL, IncomparableClasses
from litterhub.services import indicators
from litterhub.services.duplicates import detect_duplicates, exclusion_list
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR

WIDTH = 40.0  # the assumed width asked for, so that Marine LitterWatch (length only) gives values
ERIKSEN = ("eriksen2023-surface-trawls", "FinalMerge.csv")
EXPORTS = {"mlw": ("eea-marine-litterwatch", "mlw-data.csv"), "mdmap": ("noaa-mdmap", "MDMAP_Export_20230827.csv"),
           "eriksen": ERIKSEN}


@pytest.fixture(scope="module")
def loaded(shared_data, tmp_path_factory):
    """(hub, data dir, {name: dataset id}) with the exports, the MDMAP copy, and a stored duplicate scan."""
    from litterhub.services.hub import Hub

    data = tmp_path_factory.mktemp("sdg-classes") / "data"
    hub = Hub.open(data)
    ids = {}
    for name, parts in EXPORTS.items():
        result = ingest_file(hub, shared_data.joinpath(*parts), "auto")
        assert result.ok, result.report.errors[:3]
        ids[name] = result.dataset_id
    copy = ingest_file(hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine", allow_copy=True)
    assert copy.ok
    ids["mdmap-copy"] = copy.dataset_id
    detect_duplicates(hub)
    yield hub, data, ids
    hub.close()


def lake_events(hub) -> pd.DataFrame:
    """Every event of the lake with its comparability class and counted items, read without the SDG code."""
    con = hub.lake.connect()
    versions = indicators.resolve_versions(hub, None)
    hub.lake.scan("events", versions, con).create_view("e")
    hub.lake.scan("observations", versions, con).create_view("o")
    return con.sql(f"""
        SELECT e.*, {CLASS_SQL} AS klass,
               (SELECT sum(o.count) FROM o WHERE o.event_id = e.event_id AND o.counts_toward_total) AS counted
        FROM e""").df()  # noqa: S608 - the module's own expression


@pytest.fixture(scope="module")
def result(loaded):
    hub, _, _ = loaded
    return indicators.sdg(hub, assume_width=WIDTH)


def test_no_sdg_value_mixes_classes_and_each_is_the_median_of_its_class(loaded, result):
    hub, _, ids = loaded
    events = lake_events(hub).set_index("event_id")
    rows = result.tables["sdg"]
    assert len(rows) and rows["comparability_class"].notna().all()
    for row in rows.itertuples():
        members = events.loc[row.EVENT_IDS.split()]
        assert set(members["klass"]) == {row.comparability_class}, (row.GEO_AREA_NAME, row.TIME_PERIOD)
        assert len(members) == row.N_SURVEYS
        area = members["area_m2"].where(members["area_m2"] > 0,
                                        members["length_m"] * members["width_m"].where(members["width_m"] > 0, WIDTH))
        expected = (members["counted"].fillna(0) / area * 1e6).median()
        assert row.OBS_VALUE == pytest.approx(expected, rel=1e-12)
    # the real exports do hold country-years with several classes (pooling them was the bug): each is apart
    cells = rows.groupby(["SERIES_CODE", "GEO_AREA_CODE", "TIME_PERIOD"])["comparability_class"].nunique()
    assert (cells > 1).sum() >= 5
    mlw = events[events["dataset_id"] == ids["mlw"]]
    assert {"monitoring", "cleanup"} <= set(mlw["event_type"])
    labels = {c.label for c in result.classes}
    assert set(rows["comparability_class"]) <= labels and len(labels) >= 4
    assert [c.events for c in result.classes] == sorted((c.events for c in result.classes), reverse=True)


def test_one_headline_per_country_year_from_monitoring_under_a_recognised_protocol(result):
    rows = result.tables["sdg"]
    assert set(rows["SERIES_CODE"]) == {sdg_analysis.BEACH_SERIES}  # the tows have no country (see below)
    for _, cell in rows.groupby(["SERIES_CODE", "GEO_AREA_CODE", "TIME_PERIOD"]):
        eligible = cell[cell["comparability_class"].str.contains(" · monitoring")
                        & ~cell["comparability_class"].str.contains("as stated|not stated")]
        assert cell["HEADLINE"].sum() == (1 if len(eligible) else 0)
        if len(eligible):  # the largest eligible class, listed first
            assert cell.iloc[0]["HEADLINE"] and cell.iloc[0]["N_SURVEYS"] == eligible["N_SURVEYS"].max()
    headline = rows[rows["HEADLINE"]]
    assert len(headline) and not headline["comparability_class"].str.contains("cleanup").any()
    assert rows[~rows["HEADLINE"]]["comparability_class"].str.contains("cleanup").any()  # shown apart
    countries = result.tables["countries"]
    assert {"years_headline", "classes"} <= set(countries.columns)


def test_every_excluded_copy_is_listed_and_in_no_value(loaded, result):
    hub, _, ids = loaded
    listed = exclusion_list(hub)
    assert len(listed) > 0 and result.excluded_events == listed
    assert {x["dataset_id"] for x in listed} <= {ids["mdmap"], ids["mdmap-copy"]}
    used = {e for cell in result.tables["sdg"]["EVENT_IDS"] for e in cell.split()}
    for x in listed:
        assert x["event_id"] not in used and x["duplicate_of"] in used  # one copy counted, never both, never none
    assert result.as_dict()["excluded_events"] == listed
    assert any(w.code == "duplicate-copies-skipped" for w in result.warnings)


def test_pooling_is_refused_and_one_class_can_be_chosen(loaded, result):
    hub, _, _ = loaded
    with pytest.raises(IncomparableClasses) as refused:
        indicators.sdg(hub, assume_width=WIDTH, pool=True)
    assert refused.value.code == "incomparable-classes" and len(refused.value.classes) == len(result.classes)
    label = result.tables["sdg"]["comparability_class"].value_counts().index[0]
    one = indicators.sdg(hub, assume_width=WIDTH, klass=label, pool=True)  # pooling one class is no pooling
    assert set(one.tables["sdg"]["comparability_class"]) == {label} and [c.label for c in one.classes] == [label]
    expected = result.tables["sdg"][result.tables["sdg"]["comparability_class"] == label].reset_index(drop=True)
    pd.testing.assert_series_equal(one.tables["sdg"]["OBS_VALUE"], expected["OBS_VALUE"])


def raw_densities(path) -> dict[int, float]:
    """Raw line number -> the published pieces/km² (column X..km2) of the Eriksen file, read with csv."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        column = header.index("X..km2")
        out = {}
        for row in reader:
            if row[column] not in ("", "NA"):
                out[reader.line_num] = float(row[column])
        return out


def test_a_trawl_gives_its_published_density_never_zero(loaded, shared_data):
    """The Eriksen tows carry no country: give 30 of them one in a relation derived from the lake, and their
    EN_MAR_PLASDD is the raw file's own pieces/km² (median per year), not a count of 0 over the reference km²."""
    hub, _, ids = loaded
    version = dict(indicators.resolve_versions(hub, None))[ids["eriksen"]]
    con = duckdb.connect()
    con.register("lake_ev", hub.lake.read_table("events", ids["eriksen"], version))
    con.register("lake_ob", hub.lake.read_table("observations", ids["eriksen"], version))
    con.sql("CREATE TABLE ev AS SELECT * FROM lake_ev")
    con.sql("CREATE TABLE ob AS SELECT * FROM lake_ob")
    assert con.execute("SELECT count(*) FROM ev WHERE total_count IS NOT NULL").fetchall()[0][0] == 0  # no counts
    con.sql("UPDATE ev SET country = 'USA' WHERE event_id IN (SELECT event_id FROM ev WHERE items_per_m2 > 0 "
            "ORDER BY event_id LIMIT 30)")
    per_event = sdg_analysis.densities(con, "ev", "ob")
    given = per_event[per_event["country"] == "USA"]
    assert len(given) == 30 and set(given["width_source"]) == {sdg_analysis.FROM_DENSITY}
    assert given["count"].isna().all() and (given["per_km2"] > 0).all()
    raw = raw_densities(shared_data.joinpath(*ERIKSEN))
    lines = dict(con.sql("SELECT event_id, source_line FROM ev").fetchall())
    published = given["event_id"].map(lambda e: raw[lines[e]])
    assert given["per_km2"].to_numpy() == pytest.approx(published.to_numpy(), rel=1e-9)
    rows, _ = sdg_analysis.country_year(per_event)
    floating = rows[rows["SERIES_CODE"] == sdg_analysis.FLOATING_SERIES]
    expected = published.groupby(given["year"].to_numpy()).median()
    assert floating.set_index("TIME_PERIOD")["OBS_VALUE"].to_dict() == pytest.approx(expected.to_dict(), rel=1e-9)
    assert floating["HEADLINE"].all() and floating["WIDTH_SOURCE"].eq(sdg_analysis.FROM_DENSITY).all()
    assert (floating["OBS_VALUE"] > 0).all()


def test_cli_api_and_web_show_classes_apart_and_list_exclusions(loaded, result):
    from litterhub.app import create_app
    from litterhub.cli import app

    hub, data, _ = loaded
    n_excluded = len(result.excluded_events)
    runner = CliRunner()
    r = runner.invoke(app, ["analyse", "sdg", "--assume-width", str(WIDTH), "--data-dir", str(data)])
    assert r.exit_code == 0, r.output
    assert f"== class 1/{len(result.classes)}: {result.classes[0].label}" in r.output
    assert f"left out as duplicate copies: {n_excluded} events" in r.output and "HEADLINE" in r.output
    r = runner.invoke(app, ["analyse", "sdg", "--pool", "--data-dir", str(data)])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "incomparable-classes" in r.output
    r = runner.invoke(app, ["analyse", "sdg", "--assume-width", str(WIDTH), "--json", "--data-dir", str(data)])
    out = json.loads(r.output)
    assert len(out["excluded_events"]) == n_excluded and len(out["comparability_classes"]) == len(result.classes)

    with TestClient(create_app(hub)) as client:
        refused = client.get("/api/v1/indicators/sdg", params={"pool": "true"})
        assert refused.status_code == 409 and refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["errors"][0]["code"] == "incomparable-classes"
        body = client.get("/api/v1/indicators/sdg", params={"assume_width": WIDTH}).json()
        assert body["excluded_events"] == result.excluded_events
        assert [(r["comparability_class"], r["HEADLINE"], r["OBS_VALUE"]) for r in body["tables"]["sdg"]] == \
            list(zip(result.tables["sdg"]["comparability_class"], result.tables["sdg"]["HEADLINE"],
                     result.tables["sdg"]["OBS_VALUE"], strict=True))
        text = client.get("/api/v1/indicators/sdg", params={"assume_width": WIDTH, "format": "csv"}).text
        table = pd.read_csv(io.StringIO(text))
        assert list(table.columns[:len(sdg_analysis.SDG_COLUMNS)]) == sdg_analysis.SDG_COLUMNS
        assert table.groupby(["SERIES_CODE", "GEO_AREA_CODE", "TIME_PERIOD"])["HEADLINE"].sum().le(1).all()
        label = result.tables["sdg"]["comparability_class"].value_counts().index[0]  # a class with values
        chosen = client.get("/api/v1/indicators/sdg", params={"assume_width": WIDTH, "class": label}).json()
        assert {r["comparability_class"] for r in chosen["tables"]["sdg"]} == {label}

        page = client.get("/sdg", params={"pool": "1"})
        assert page.status_code == 409 and 'id="sdg-refused"' in page.text and "incomparable-classes" in page.text
        assert all(str(escape(c.label)) in page.text for c in result.classes)
        page = client.get("/sdg", params={"assume_width": WIDTH})
        assert page.status_code == 200
        assert page.text.count('class="sdg-headline"') == int(result.tables["sdg"]["HEADLINE"].sum())
        assert page.text.count('class="sdg-other-class"') == int((~result.tables["sdg"]["HEADLINE"]).sum())
        assert f'id="sdg-excluded" data-count="{n_excluded}"' in page.text
        assert result.excluded_events[0]["event_id"] in page.text
        french = client.get("/sdg", params={"assume_width": WIDTH, "lang": "fr"})
        assert french.status_code == 200 and "Classe de comparabilité" in french.text
        assert client.get("/sdg", params={"class": "no such class"}).status_code == 404


def test_ncei_concentrations_are_never_survey_counts(hub, tmp_path, shared_data):
    """NCEI publishes concentrations (pieces/m³, per kg, per 10 minutes of hand picking on a beach): stored as a
    measurement, they never become a survey's item count, even for the beach rows (pieces/10 mins)."""
    src = shared_data / "ncei-microplastics" / "NPSG_West_Marine_Microplastics_WGS84.csv"
    with src.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    unit = rows[0].index("Unit")
    for line in (2, 3, 4):
        rows[line][unit] = "pieces/10 mins"  # beach hand picking
    path = tmp_path / "ncei-beach.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = ingest_file(hub, path, "auto", "ncei-beach")
    assert result.ok
    events = hub.lake.read_table("events", "ncei-beach", result.version).to_pylist()
    beach_events = [e for e in events if e["compartment"] == "beach"]
    assert len(beach_events) == 3 and all(e["total_count"] is None and e["concentration"] > 0 for e in beach_events)
    beach = indicators.beach(hub, ["ncei-beach"])
    assert beach.tables["surveys"].empty  # before: the concentrations were summed as counts of items
    warned = [w for w in beach.warnings if w.code == "density-not-counted"]
    assert warned and warned[0].values["events"] == len(events)
