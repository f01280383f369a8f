"""Duplicates on the real exports: the NOAA MDMAP export with its back-barrier file and the demo's copy of it (same
bytes, ingested only because a copy was asked for), the Marine LitterWatch export with the demo's sample of it, and
the Dutch OSPAR beach data in its three layouts. Facts are checked against the lake and the raw files, not against
the scan's own output alone."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from litterhub.services import indicators
from litterhub.services.duplicates import detect_duplicates, exclusion_list, stored_report
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR

MDMAP = ("noaa-mdmap", "MDMAP_Export_20230827.csv")
BACKBARRIER = ("noaa-mdmap", "MDMAP_Export_20230827_backbarrier.csv")
OSPAR = [("ospar-nl-litteR", "beach-litter-nl-2012-2017.csv"),
         ("ospar-nl-litteR", "beach-litter-nl-2012-2017-ospar-export.csv"),
         ("ospar-nl-litteR", "beach-litter-nl-2012-2017-long.csv")]
MLW = ("eea-marine-litterwatch", "mlw-data.csv")


@pytest.fixture(scope="module")
def loaded(shared_data, tmp_path_factory):
    """A hub with the real exports and the demo copies; returns (hub, data dir, {name: dataset id})."""
    from litterhub.services.hub import Hub

    data = tmp_path_factory.mktemp("dupreal") / "data"
    hub = Hub.open(data)
    ids = {}
    for name, parts in [("mdmap", MDMAP), ("backbarrier", BACKBARRIER), ("mlw", MLW)] + [
            (f"ospar{i}", p) for i, p in enumerate(OSPAR)]:
        result = ingest_file(hub, shared_data.joinpath(*parts), "auto")
        assert result.ok and result.version == 1, result.report.errors[:3]
        ids[name] = result.dataset_id
    refused = ingest_file(hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine")
    assert not refused.ok and refused.report.errors[0].code == "known-file-other-dataset"
    assert ids["mdmap"] in refused.report.errors[0].message
    copy = ingest_file(hub, DEMO_DIR / "mdmap-maine-2016-2023.csv", "mdmap", "mdmap-maine", allow_copy=True)
    assert copy.ok and copy.report.counts["known-file-other-dataset-allowed"] == 1
    ids["mdmap-copy"] = copy.dataset_id
    sample = ingest_file(hub, DEMO_DIR / "mlw-sample.csv", "mlw", "mlw-sample")
    assert sample.ok  # other bytes (a subset of the export): not a known file
    ids["mlw-sample"] = sample.dataset_id
    yield hub, data, ids
    hub.close()


@pytest.fixture(scope="module")
def scanned(loaded):
    """Indicator surveys before the scan, the stored scan, and the surveys after it."""
    hub, data, ids = loaded
    families = {"mdmap": [ids["mdmap"], ids["mdmap-copy"]], "ospar": [ids[f"ospar{i}"] for i in range(3)],
                "mlw": [ids["mlw"], ids["mlw-sample"]]}
    def surveys() -> dict[str, set[str]]:
        return {k: set(indicators.beach(hub, v, groups=["TC"]).tables["surveys"]["event_id"])
                for k, v in families.items()}

    before = surveys()
    report = detect_duplicates(hub)
    after = surveys()
    return hub, data, ids, report, before, after


def _events(hub, ids):
    from litterhub.services.duplicates import current_versions

    con = hub.lake.connect()
    hub.lake.scan("events", current_versions(hub), con).create_view("events")
    rows = con.sql("SELECT event_id, dataset_id, site_id, event_date, source_event_id, survey_group FROM events"
                   ).to_arrow_table().to_pylist()
    return {r["event_id"]: r for r in rows}


def _raw_transects(path):
    """(site, date) -> transect ids of the raw MDMAP file, read with csv (not the adapter)."""
    out = defaultdict(set)
    with path.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            out[(row["shoreline_site_id"], row["survey_date"])].add(row["transect_id"])
    return out


def test_no_pair_joins_different_transects(scanned, shared_data):
    hub, _, ids, report, _, _ = scanned
    events = _events(hub, ids)
    # the raw files do hold several transects of one site on one day, which an item-mix rule alone would pair
    raw = _raw_transects(shared_data.joinpath(*MDMAP))
    assert sum(len(t) > 1 for t in raw.values()) >= 10
    mdmap_pairs = 0
    for p in report.pairs:
        a, b = events[p["first_event_id"]], events[p["second_event_id"]]
        assert a["event_date"] == b["event_date"] and a["dataset_id"] != b["dataset_id"]
        assert a["site_id"] == b["site_id"] or p["distance_m"] <= 500
        parts = [e["source_event_id"].split("/", 1)[1] if e["survey_group"] and "/" in e["source_event_id"]
                 and e["source_event_id"].split("/", 1)[0] == e["survey_group"] else None for e in (a, b)]
        assert parts[0] == parts[1], (p, parts)
        assert (parts[0] or None) == p["first_transect"] and (parts[1] or None) == p["second_transect"]
        if a["dataset_id"].startswith("mdmap") and b["dataset_id"].startswith("mdmap"):
            mdmap_pairs += 1
    assert mdmap_pairs >= 70  # every transect of the copy pairs with its own transect, and only with it
    assert not [p for p in report.pairs if p["first_transect"] != p["second_transect"]]


def test_every_pair_carries_its_evidence_and_a_confidence(scanned):
    _, _, _, report, _, _ = scanned
    assert report.pairs
    for p in report.pairs:
        assert p["confidence"] in ("exact", "high", "medium", "low")
        assert p["evidence"] and p["event_date"] in p["evidence"]
        for key in ("distance_m", "similarity", "first_total", "second_total", "first_items", "second_items",
                    "first_site_id", "second_site_id"):
            assert key in p
        assert (p["action"] == "exclude-second") == (p["confidence"] == "exact") == p["identical_items"]
        if p["identical_items"]:
            assert p["first_total"] == p["second_total"] and p["first_items"] == p["second_items"]
    # the back-barrier zone repeats the beach zone's survey and transect ids with other counts: never a copy
    back = [p for p in report.pairs if "backbarrier" in p["first_dataset_id"] + p["second_dataset_id"]]
    assert all(p["action"] == "flag" for p in back)


def test_no_survey_disappears_from_an_indicator_without_being_listed(scanned):
    hub, _, _, report, before, after = scanned
    listed = {x["event_id"]: x for x in exclusion_list(hub)}
    assert len(listed) == report.excluded_events > 0
    for family in before:
        gone = before[family] - after[family]
        assert after[family] <= before[family]
        assert gone == set(listed) & before[family], family
        for event in gone:  # the copy counted instead is still there: a survey never loses both copies
            assert listed[event]["duplicate_of"] in after[family]
            assert listed[event]["reason"].startswith("exact copy of")


def test_exact_copies_are_excluded_once(scanned, shared_data):
    hub, _, ids, _, before, after = scanned
    events = _events(hub, ids)
    # MDMAP: the same bytes twice -> each of the 70 transects counted once (zero-item transects included)
    with shared_data.joinpath(*MDMAP).open(newline="", encoding="utf-8-sig") as fh:
        n_rows = sum(1 for _ in csv.DictReader(fh))
    assert len(before["mdmap"]) == 2 * n_rows and len(after["mdmap"]) == n_rows
    assert {events[e]["source_event_id"] for e in after["mdmap"]} == {
        events[e]["source_event_id"] for e in before["mdmap"]}
    # OSPAR: one survey per beach and date in three layouts -> one copy each
    by_survey = defaultdict(list)
    for e in after["ospar"]:
        by_survey[(events[e]["site_id"], events[e]["event_date"])].append(e)
    assert len(before["ospar"]) == 3 * len(by_survey) and all(len(v) == 1 for v in by_survey.values())


def test_cli_shows_evidence_and_confidence(scanned):
    from litterhub.cli import app

    _, data, _, report, _, _ = scanned
    out = CliRunner().invoke(app, ["duplicates", "--dry-run", "--data-dir", str(data)])
    assert out.exit_code == 0, out.output
    assert f"{len(report.pairs)} candidate pairs" in out.output and "[exact] exclude second" in out.output
    assert "dry run: nothing stored" in out.output
    payload = json.loads(CliRunner().invoke(app, ["duplicates", "--json", "--dry-run", "--data-dir", str(data)]
                                            ).output)
    assert [p["evidence"] for p in payload["pairs"]] == [p["evidence"] for p in report.pairs]
    assert payload["exclusions"] == exclusion_list(scanned[0])


def test_api_and_web_list_pairs_and_exclusions(scanned):
    from litterhub.app import create_app

    hub, _, _, report, _, _ = scanned
    stored = stored_report(hub)
    assert stored is not None and len(stored.pairs) == len(report.pairs)
    with TestClient(create_app(hub)) as client:
        body = client.get("/api/v1/duplicates", params={"confidence": "low", "limit": 5}).json()
        low = [p for p in report.pairs if p["confidence"] == "low"]
        assert body["stored"] and body["total_pairs"] == len(low) and len(body["pairs"]) == min(5, len(low))
        assert [p["second_event_id"] for p in body["pairs"]] == [p["second_event_id"] for p in low[:5]]
        assert body["excluded_events"] == report.excluded_events == len(body["exclusions"])
        ex = client.get("/api/v1/duplicates/exclusions").json()
        assert ex["count"] == report.excluded_events and ex["exclusions"] == exclusion_list(hub)
        bad = client.get("/api/v1/duplicates", params={"confidence": "certain"})
        assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
        page = client.get("/duplicates", params={"confidence": "exact"})
        assert page.status_code == 200
        exact = next(p for p in report.pairs if p["confidence"] == "exact")
        assert exact["second_event_id"] in page.text and "pair-low" not in page.text
        assert f'id="excluded-count">{report.excluded_events}<' in page.text
        assert client.get("/duplicates", params={"confidence": "certain"}).status_code == 400
        assert 'href="/duplicates"' in client.get("/datasets").text  # how people find the page


def test_sdg_value_of_a_copied_export_equals_the_single_export(scanned):
    """The issue's symptom: with the copy scanned, USA's SDG 14.1.1b is the value of one copy of the MDMAP export."""
    hub, _, ids, _, _, _ = scanned

    def values(datasets):
        table = indicators.sdg(hub, "USA", datasets).tables["sdg"]
        return {(year, klass): (value, n) for year, klass, value, n in zip(
            table["TIME_PERIOD"], table["comparability_class"], table["OBS_VALUE"], table["N_SURVEYS"], strict=True)}

    single, both = values([ids["mdmap"]]), values([ids["mdmap"], ids["mdmap-copy"]])
    # the 48 transects of 2023, each counted once (MDMAP standing-stock and accumulation surveys are two classes)
    assert sum(n for (year, _), (_, n) in single.items() if year == 2023) == 48
    assert both.keys() == single.keys()
    for cell in single:
        assert both[cell][0] == pytest.approx(single[cell][0]) and both[cell][1] == single[cell][1]
