"""Comparability classes with the real exports loaded together: no default view adds or ranks counts across
classes, pooling several classes is refused on the CLI, the API and the web, and trawl densities are never counts."""

from __future__ import annotations

import json
import re

import duckdb
import pandas as pd
import pyarrow.compute as pc
import pytest

from litterhub.analysis import comparability
from litterhub.analysis.composition import composition as composition_tables
from litterhub.services import indicators

CLASS = comparability.CLASS_COLUMN
REAL_FILES = [  # (path under ../shared/data, format, dataset id)
    ("noaa-mdmap/MDMAP_Export_20230827_backbarrier.csv", "mdmap", "mdmap-backbarrier"),
    ("eriksen2023-surface-trawls/FinalMerge.csv", "eriksen", "trawls"),
    ("ospar-nl-litteR/beach-litter-nl-2012-2017.csv", "ospar", "ospar-nl"),
    ("hammerdirt-swiss/iqaasl_end_process/after_may_2021.csv", "hammerdirt", "iqaasl"),
]


@pytest.fixture(scope="module")
def real_hub(tmp_path_factory, shared_data):
    """The demo (Marine LitterWatch sample, NOAA MDMAP export) plus MDMAP back-barrier, Eriksen, OSPAR, hammerdirt."""
    from litterhub.services.hub import Hub
    from litterhub.services.ingest import ingest_file
    from litterhub.services.setup import initialise, load_demo

    hub = Hub.open(tmp_path_factory.mktemp("comparability") / "data")
    initialise(hub)
    load_demo(hub)
    for path, fmt, dataset in REAL_FILES:
        result = ingest_file(hub, shared_data / path, fmt, dataset)
        assert result.ok, result.report.errors[:3]
    yield hub
    hub.close()


@pytest.fixture(scope="module")
def real_client(real_hub):
    from fastapi.testclient import TestClient

    from litterhub.app import create_app

    with TestClient(create_app(real_hub)) as c:
        yield c


def _lake(hub, table: str) -> pd.DataFrame:
    versions = indicators.resolve_versions(hub, None)
    return pd.concat([hub.lake.read_table(table, d, v).to_pandas() for d, v in versions], ignore_index=True)


@pytest.fixture(scope="module")
def lake_events(real_hub) -> pd.DataFrame:
    return _lake(real_hub, "events")


def test_classes_separate_what_is_not_comparable(real_hub, lake_events):
    """Every class holds one compartment, one event type and one protocol family; classes come largest first."""
    result = indicators.composition(real_hub)
    classes = result.classes
    assert [c.events for c in classes] == sorted((c.events for c in classes), reverse=True)
    assert sum(c.events for c in classes) == len(lake_events)  # every event has exactly one class
    labels = {c.label for c in classes}
    trawl_classes = {c.label for c in classes if "trawls" in c.datasets}
    beach_classes = {c.label for c in classes if c.dimensions["compartment"] == "beach"}
    assert trawl_classes and beach_classes and not trawl_classes & beach_classes
    assert all(c.datasets == ("trawls",) for c in classes if c.label in trawl_classes)
    # MLW monitoring and OSPAR (the full Dutch file and the demo's sample of it) follow the same 100 m guideline:
    # one class; MLW cleanups are another
    ospar = next(c for c in classes if "ospar-nl" in c.datasets)
    assert set(ospar.datasets) == {"mlw-sample", "ospar-nl", "ospar-nl-sample"}
    assert ospar.dimensions["event_type"] == "monitoring"
    assert any("mlw-sample" in c.datasets and c.dimensions["event_type"] == "cleanup" for c in classes)
    # the class of each event, computed in SQL on the lake, is one of those labels, and within a class the
    # events share compartment and event type
    con = duckdb.connect()
    con.register("ev", lake_events)
    per_event = con.sql(f"SELECT {comparability.CLASS_SQL} AS label, compartment, event_type FROM ev").df()  # noqa: S608
    assert set(per_event["label"]) == labels
    assert (per_event.groupby("label")[["compartment", "event_type"]].nunique(dropna=False) == 1).all().all()
    assert len(labels) == len(per_event.drop_duplicates(["label"]))


def test_composition_never_ranks_across_classes(real_hub):
    """Each class's items are its own (no trawl code among beach items), and its totals are its own sums."""
    result = indicators.composition(real_hub, top=20)
    tables = result.tables
    observations = _lake(real_hub, "observations")
    beach_totals = indicators.beach(real_hub).tables["surveys"]
    event_class = beach_totals.drop_duplicates("event_id").set_index("event_id")[CLASS]
    counted = observations[observations["counts_toward_total"] & (observations["count"] > 0)]
    expected = counted.groupby(counted["event_id"].map(event_class))["count"].sum()
    totals = tables["totals"].set_index(CLASS)
    assert list(totals.index) == [c.label for c in result.classes]
    for label, row in totals.iterrows():
        assert row["total_count"] == pytest.approx(expected.get(label, 0.0), rel=1e-12)
        items = tables["items"][tables["items"][CLASS] == label]
        assert list(items["total"]) == sorted(items["total"], reverse=True)
        assert items["pct_of_total"].sum() <= 100 + 1e-9
        if row["total_count"]:
            assert items["total"].sum() <= row["total_count"]
    beach_labels = [c.label for c in result.classes if c.dimensions["compartment"] == "beach"]
    beach_items = tables["items"][tables["items"][CLASS].isin(beach_labels)]
    assert len(beach_items) and not beach_items["item"].str.startswith("eriksen-trawl:").any()
    assert not tables["items"]["item"].str.contains("km2").any()  # a density is never an item
    trawl = [c.label for c in result.classes if "trawls" in c.datasets]
    assert (totals.loc[trawl, "total_count"] == 0).all()  # the tows carry densities, not counts


def test_trawl_densities_are_measurements_not_counts(real_hub, lake_events, shared_data):
    observations = real_hub.lake.read_table("observations", "trawls", 1)
    assert pc.count(observations["count"]).as_py() == 0
    assert not pc.any(observations["counts_toward_total"]).as_py()
    trawls = lake_events[lake_events["dataset_id"] == "trawls"]
    assert trawls["total_count"].isna().all()
    raw = pd.read_csv(shared_data / "eriksen2023-surface-trawls" / "FinalMerge.csv", usecols=["X..km2"])
    assert trawls["items_per_m2"].sum() * 1e6 == pytest.approx(raw["X..km2"].dropna().sum(), rel=1e-9)
    # no survey total of 0 for a tow that found plastic: tows have no totals, and the result says why
    beach = indicators.beach(real_hub, ["trawls", "ospar-nl"])
    assert set(beach.tables["surveys"]["dataset_id"]) == {"ospar-nl"}
    warned = {w.code: w.values for w in beach.warnings}["density-not-counted"]
    assert warned == {"events": len(trawls)}
    totals = indicators.composition(real_hub, ["trawls"]).tables["totals"]
    assert totals["surveys_with_density_only"].sum() == totals["surveys"].sum() == len(trawls)


def test_unmapped_codes_are_listed_apart_with_their_share():
    events = pd.DataFrame({"event_id": ["a", "b"], "dataset_id": "d", "event_date": pd.to_datetime(["2020-01-01"] * 2),
                           "compartment": "beach", "event_type": "monitoring", "protocol": "OSPAR 100 m",
                           "length_m": 100.0, "area_m2": None, "volume_m3": None, "dry_mass_kg": None,
                           "total_count": [96.0, 4.0], "items_per_m2": None, "concentration": None,
                           "lower_size_um": None, "upper_size_um": None, "mesh_um": None})
    obs = pd.DataFrame({"event_id": ["a", "a", "b"], "count": [90.0, 6.0, 4.0], "material": ["plastic", None, None],
                        "relation": ["exactMatch", None, None], "rollup_code": ["G27", None, None],
                        "source_scheme": ["ospar", "ospar", "ospar"], "source_code": ["64", "999", "999"],
                        "source_name": ["Cigarette butts", "mystery", "mystery"], "counts_toward_total": True})
    con = duckdb.connect()
    con.register("ev", events)
    con.register("ob", obs)
    tables = composition_tables(con, "ev", "ob")
    assert list(tables["items"]["item"]) == ["G27"]
    assert tables["items"]["pct_of_total"].iloc[0] == pytest.approx(90.0)
    unmapped = tables["unmapped"]
    assert list(unmapped["item"]) == ["ospar:999"] and unmapped["total"].iloc[0] == 10.0
    assert unmapped["pct_of_total"].iloc[0] == pytest.approx(10.0) and unmapped["fail_rate"].iloc[0] == 1.0
    assert tables["totals"]["unmapped_pct"].iloc[0] == pytest.approx(10.0)


def test_beach_by_country_groups_the_sites_of_one_class_only(real_hub):
    result = indicators.beach(real_hub, group_by="country", per_100m=True, groups=["TC"])
    regional, sites = result.tables["country"], result.tables["sites"]
    assert regional[CLASS].nunique() == len(result.classes) > 1
    usa = regional[regional["country"] == "USA"]
    assert len(usa) and set(usa[CLASS]) <= {c.label for c in result.classes if "NOAA MDMAP" in c.label}
    surveys = result.tables["surveys"]
    for row in regional.itertuples():
        of_class = surveys[(surveys[CLASS] == getattr(row, CLASS))
                           & (surveys["country"].fillna("(none)") == row.country)]  # litteR's label for no country
        assert row.n == of_class["event_id"].nunique()  # the country's surveys of this class, none of another
    assert set(sites[CLASS]) == set(regional[CLASS])


def test_threshold_and_ospar_per_class(real_hub):
    tv = indicators.threshold(real_hub)
    assessment = tv.tables["assessment"]
    assert set(assessment[CLASS]) <= {c.label for c in tv.classes}
    surveys = tv.tables["surveys"]
    for label, units in assessment.groupby(CLASS):  # every survey in one unit of its own class, none of another
        assert 0 < units["n"].sum() <= (surveys[CLASS] == label).sum()
    for row in assessment.itertuples():
        unit = surveys[(surveys[CLASS] == getattr(row, CLASS)) & (surveys["country"] == row.country)]
        assert row.n <= len(unit)
    assert not surveys["dataset_id"].eq("trawls").any()
    ospar = indicators.ospar(real_hub, group_by="country")
    assert {CLASS, "country", "group"} <= set(ospar.tables["trend_regions"].columns)
    assert ospar.tables["trend_regions"][CLASS].isin([c.label for c in ospar.classes]).all()


def test_pooling_one_class_is_allowed_and_several_is_refused(real_hub):
    one = indicators.threshold(real_hub, ["mlw-sample", "ospar-nl"], pool=True)
    assert len(one.classes) == 1 and len(one.tables["assessment"])
    # the EU TV uses monitoring surveys with a length only: trawls beside OSPAR leave one class, so pooling is allowed
    assert len(indicators.threshold(real_hub, ["trawls", "ospar-nl"], pool=True).classes) == 1
    for fn in (indicators.composition, indicators.beach, indicators.ospar, indicators.threshold):
        with pytest.raises(comparability.IncomparableClasses) as refused:
            fn(real_hub, ["mdmap-maine", "ospar-nl"], pool=True)
        assert refused.value.code == "incomparable-classes" and len(refused.value.classes) > 1
    chosen = indicators.composition(real_hub, klass=one.classes[0].label)
    assert set(chosen.tables["items"][CLASS]) == {one.classes[0].label}


def test_cli_prints_one_block_per_class_and_refuses_pooling(real_hub):
    from typer.testing import CliRunner

    from litterhub.cli import app

    data = str(real_hub.settings.data_dir)
    run = CliRunner().invoke
    out = run(app, ["analyse", "composition", "--top", "3", "--data-dir", data])
    assert out.exit_code == 0, out.output
    blocks = re.findall(r"^== class (\d+)/(\d+): (.+) \((\d+) events", out.output, re.MULTILINE)
    assert len(blocks) == int(blocks[0][1]) > 1
    assert [int(b[3]) for b in blocks] == sorted((int(b[3]) for b in blocks), reverse=True)
    trawl_block = out.output.split("surface net tow")[1].split("== class")[0]
    assert "G27" not in trawl_block  # no beach item under a trawl class
    refused = run(app, ["analyse", "composition", "--pool", "--data-dir", data])
    assert refused.exit_code == 2
    lines = refused.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: incomparable-classes")
    assert "%" not in lines[0] and "items:" not in refused.output
    doc = json.loads(run(app, ["analyse", "threshold", "-d", "mlw-sample", "-d", "ospar-nl", "--pool", "--json",
                               "--data-dir", data]).stdout)
    assert len(doc["comparability_classes"]) == 1 and doc["excluded_events"] == []
    label = next(b[2] for b in blocks if b[2].startswith("beach ·"))
    only = json.loads(run(app, ["analyse", "composition", "--class", label, "--json", "--data-dir", data]).stdout)
    assert [c["label"] for c in only["comparability_classes"]] == [label]
    assert {r[CLASS] for r in only["tables"]["items"]} == {label}
    unknown = run(app, ["analyse", "beach", "--class", "no such class", "--data-dir", data])
    assert unknown.exit_code == 2 and "no such class" in unknown.output


def test_api_labels_classes_and_refuses_pooling(real_client):
    doc = real_client.get("/api/v1/indicators/composition", params={"top": 2}).json()
    labels = [c["label"] for c in doc["comparability_classes"]]
    assert len(labels) > 1 and "excluded_events" in doc
    assert {r[CLASS] for r in doc["tables"]["items"]} <= set(labels)
    for path in ("beach", "composition", "threshold", "ospar"):
        r = real_client.get(f"/api/v1/indicators/{path}", params={"pool": "true",
                                                                 "dataset": ["mdmap-maine", "ospar-nl"]})
        assert r.status_code == 409, path
        assert r.headers["content-type"].startswith("application/problem+json")
        body = r.json()
        assert body["errors"][0]["code"] == "incomparable-classes" and "tables" not in body
    csv = real_client.get("/api/v1/indicators/composition", params={"format": "csv", "table": "totals"})
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith(f"{CLASS},")
    missing = real_client.get("/api/v1/indicators/composition", params={"class": "no such class"})
    assert missing.status_code == 404


def test_web_page_has_one_section_per_class(real_client, real_hub):
    page = real_client.get("/indicators")
    assert page.status_code == 200
    sections = re.findall(r'<section class="comparability-class" id="class-(\d+)" data-class="([^"]+)" '
                          r'data-events="(\d+)"', page.text)
    expected = indicators.composition(real_hub).classes
    assert [(int(n), int(e)) for n, _, e in sections] == [(i, c.events) for i, c in enumerate(expected, start=1)]
    refused = real_client.get("/indicators", params={"pool": "1"})
    assert refused.status_code == 409 and 'id="indicator-refused"' in refused.text
    assert "incomparable-classes" in refused.text and 'id="indicator-composition"' not in refused.text


@pytest.mark.browser
@pytest.mark.integration
def test_browser_shows_class_labels(browser, live_server, demo_hub):
    expected = [c.label for c in indicators.composition(demo_hub).classes]
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server + "/indicators")
    page.wait_for_selector("#indicator-timeseries[data-rendered]", timeout=20_000)
    headings = page.locator(".comparability-class h3").all_inner_texts()
    assert [h.split(". ", 1)[1] for h in headings] == expected and len(expected) > 1
    assert page.locator("#indicator-chart-class strong").inner_text() == expected[0]
    assert not errors, errors
    page.close()


def test_every_result_lists_the_duplicate_copies_it_left_out(hub, shared_data):
    """A deliberate copy of the OSPAR file: after the duplicate scan, each indicator leaves the copy's surveys out
    and lists every one of them (event, dataset, the copy counted instead, why) in its provenance."""
    from litterhub.services.duplicates import detect_duplicates
    from litterhub.services.ingest import ingest_file

    path = shared_data / "ospar-nl-litteR" / "beach-litter-nl-2012-2017.csv"
    assert ingest_file(hub, path, "ospar", "ospar-a").ok
    assert ingest_file(hub, path, "ospar", "ospar-b", allow_copy=True).ok
    detect_duplicates(hub)
    for fn in (indicators.beach, indicators.composition, indicators.threshold, indicators.ospar):
        result = fn(hub)
        listed = result.as_dict()["excluded_events"]
        assert len(listed) == 95, fn.__name__  # one copy of each of the 95 surveys
        assert {r["dataset_id"] for r in listed} in ({"ospar-a"}, {"ospar-b"})
        assert all(r["duplicate_of"] and r["reason"] for r in listed)
    surveys = indicators.beach(hub).tables["surveys"]
    assert surveys["event_id"].nunique() == 95
    assert not set(surveys["event_id"]) & {r["event_id"] for r in listed}
