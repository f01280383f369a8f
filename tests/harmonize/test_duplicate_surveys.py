"""The same surveys arriving through Marine LitterWatch (the real export) and an EMODnet beach workbook.

The workbook is written by the test from real MLW rows (read with csv), in the EMODnet exchange layout: exact
copies, two decoys (the same beach and date with a different item profile; the same profile 5 km away) and a near
copy (one count changed), which is flagged with its evidence but never left out of indicators.
"""

from __future__ import annotations

import csv
import json
import re

import openpyxl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from litterhub.services.datasets import list_events
from litterhub.services.duplicates import EXCLUDED_FLAG, detect_duplicates, exclusion_list, result_path
from litterhub.services.ingest import ingest_file

N_COPIES = 3
OTHER_ITEMS, FAR_AWAY, NEAR_COPY = N_COPIES, N_COPIES + 1, N_COPIES + 2


def _mlw_rows(path):
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    gcols = [c for c in rows[0] if re.fullmatch(r"G\d+", c)]
    picked, seen = [], set()
    for r in rows:
        key = (r["BeachCountrycode"], r["BeachName"])
        counts = {g: float(r[g]) for g in gcols if r[g].strip() and float(r[g]) > 0}
        coords = [r[c].strip() for c in ("lat_y1", "lon_x1", "lat_y2", "lon_x2")]
        if (r["EventType"] == "Monitoring" and key not in seen and len(counts) >= 5 and all(coords)
                and min(abs(float(c)) for c in coords) > 1):
            seen.add(key)
            picked.append((r, counts))
        if len(picked) == N_COPIES + 3:
            break
    return picked


def _workbook(path, picked):
    book = openpyxl.Workbook()
    beaches = book.active
    beaches.title = "Beaches"
    beaches.append(["BeachCode", "BeachName", "Country", "BeachLength", "BeachLatitude", "BeachLongitude"])
    surveys = book.create_sheet("Surveys")
    surveys.append(["BeachCode", "SurveyCode", "SurveyType", "SurveyDate", "SurveyStartLatitude",
                    "SurveyStartLongitude", "SurveyLength"])
    litter = book.create_sheet("Litter")
    litter.append(["SurveyCode", "LitterReferenceList", "ItemCode", "ItemName", "NoItems"])
    for i, (r, counts) in enumerate(picked):
        lat = (float(r["lat_y1"]) + float(r["lat_y2"])) / 2 + 0.001  # about 110 m north of the MLW centre
        lon = (float(r["lon_x1"]) + float(r["lon_x2"])) / 2
        if i == FAR_AWAY:
            lat += 0.045  # decoy: same profile about 5 km away
        day = f"{r['EventDate'][:4]}-{r['EventDate'][4:6]}-{r['EventDate'][6:]}"
        code = f"B{i}"
        beaches.append([code, r["BeachName"], r["BeachCountrycode"], float(r["BeachLength_m"] or 100), lat, lon])
        surveys.append([code, f"{code}_{day}", "Monitoring", day, lat, lon, float(r["BeachLength_m"] or 100)])
        items = {"G999": 50.0} if i == OTHER_ITEMS else dict(counts)  # decoy: same place and day, other items
        if i == NEAR_COPY:
            first = sorted(items)[0]
            items[first] += 1  # one item counted once more: the same survey, but not an exact copy
        for g, n in items.items():
            litter.append([f"{code}_{day}", "TSG-ML", g, "", n])
    book.save(path)


@pytest.fixture(scope="module")
def scanned(shared_data, tmp_path_factory):
    from litterhub.services.hub import Hub

    mlw = shared_data / "eea-marine-litterwatch" / "mlw-data.csv"
    picked = _mlw_rows(mlw)
    assert len(picked) == N_COPIES + 3
    folder = tmp_path_factory.mktemp("dup")
    workbook = folder / "emodnet-copy.xlsx"
    _workbook(workbook, picked)
    hub = Hub.open(folder / "data")
    a = ingest_file(hub, mlw, "mlw")
    b = ingest_file(hub, workbook, "auto")
    assert a.ok and b.ok and b.format == "emodnet"
    report = detect_duplicates(hub)
    yield hub, report, a.dataset_id, b.dataset_id, folder / "data"
    hub.close()


def test_each_copied_survey_is_one_pair_and_decoys_are_not(scanned):
    _, report, mlw_id, emodnet_id, _ = scanned
    exact = [p for p in report.pairs if p["confidence"] == "exact"]
    near = [p for p in report.pairs if p["confidence"] != "exact"]
    assert len(exact) == N_COPIES and len(near) == 1
    for p in report.pairs:
        assert {p["first_dataset_id"], p["second_dataset_id"]} == {mlw_id, emodnet_id}
        assert p["distance_m"] < 500 and p["first_transect"] is None and p["second_transect"] is None
        # EMODnet monitoring (accredited) is preferred over MLW volunteers
        assert p["first_dataset_id"] == emodnet_id
    for p in exact:
        assert p["similarity"] == pytest.approx(1.0) and p["identical_items"] and p["action"] == "exclude-second"
        assert p["first_total"] == p["second_total"] > 0 and p["first_items"] == p["second_items"] >= 5
    (p,) = near
    assert p["action"] == "flag" and not p["identical_items"] and p["second_total"] == p["first_total"] - 1
    assert 0.9 <= p["similarity"] < 1 and p["confidence"] == "high"
    assert "similarity" in p["evidence"] and str(p["event_date"]) in p["evidence"]
    assert report.flagged_events == 2 * (N_COPIES + 1)
    assert report.excluded_events == N_COPIES


def test_exclusions_name_the_copy_counted_instead(scanned):
    hub, report, mlw_id, emodnet_id, _ = scanned
    listed = exclusion_list(hub)
    exact = {p["second_event_id"]: p["first_event_id"] for p in report.pairs if p["action"] == "exclude-second"}
    assert {x["event_id"]: x["duplicate_of"] for x in listed} == exact
    for x in listed:
        assert x["dataset_id"] == mlw_id and x["reason"].startswith(f"exact copy of {x['duplicate_of']}")
    assert listed == report.exclusions


def _served_flags(hub) -> dict[str, list[str]]:
    """qc_flags of every event as /api/v1/events serves them (all pages)."""
    out, cursor = {}, None
    while True:
        page = list_events(hub, limit=1000, cursor=cursor)
        out.update({e["event_id"]: e["qc_flags"] for e in page.items})
        if not (cursor := page.next_cursor):
            return out


def test_flags_stored_beside_the_lake_and_served_with_the_events(scanned):
    hub, report, mlw_id, _, _ = scanned
    flags = pq.read_table(result_path(hub)).to_pylist()
    assert len(flags) == report.flagged_events
    dropped = {p["second_event_id"] for p in report.pairs if p["action"] == "exclude-second"}
    rows = _served_flags(hub)
    for f in flags:
        assert "litter-duplicate-source" in rows[f["event_id"]]
        assert (EXCLUDED_FLAG in rows[f["event_id"]]) == (f["event_id"] in dropped) == (not f["use_for_indicators"])
    # running again does not stack flags
    detect_duplicates(hub)
    again = _served_flags(hub)
    assert again == rows


def test_cli_json(scanned):
    from litterhub.cli import app

    _, report, _, _, data_dir = scanned
    out = CliRunner().invoke(app, ["duplicates", "--json", "--dry-run", "--data-dir", str(data_dir)])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert len(payload["pairs"]) == len(report.pairs)
    assert payload["path"] is None


def test_a_new_version_suspends_the_old_scans_exclusions(hub, tmp_path):
    """An exclusion holds only while both datasets are at the versions scanned: a new version of either never
    makes a survey vanish on the strength of an old scan."""
    from litterhub.services.duplicates import stored_report
    from litterhub.services.setup import DEMO_DIR

    source = DEMO_DIR / "mdmap-maine-2016-2023.csv"
    assert ingest_file(hub, source, "mdmap", "maine-a").ok
    assert ingest_file(hub, source, "mdmap", "maine-b", allow_copy=True).ok
    report = detect_duplicates(hub)
    with source.open(newline="", encoding="utf-8-sig") as fh:
        totals = [float(r["total_debris_items"] or 0) for r in csv.DictReader(fh)]
    n_transects, n_empty = len(totals), sum(t == 0 for t in totals)
    assert report.excluded_events == len(exclusion_list(hub)) == n_transects
    assert {x["dataset_id"] for x in exclusion_list(hub)} == {"maine-b"}  # "a" before "b": the stable order
    changed = tmp_path / "maine-b.csv"
    changed.write_bytes(source.read_bytes().replace(b"Kinney Shores Beach", b"Kinney Shores"))
    assert ingest_file(hub, changed, "mdmap", "maine-b").version == 2
    assert exclusion_list(hub) == []
    stale = stored_report(hub)
    assert stale.stale_datasets == ["maine-b"] and stale.excluded_events == 0
    rescanned = detect_duplicates(hub)
    # other bytes now: transects that found nothing have nothing that proves them copies, so they stay (flagged)
    assert n_empty > 0 and rescanned.excluded_events == n_transects - n_empty
    assert stored_report(hub).stale_datasets == []
    empty = [p for p in rescanned.pairs if p["first_total"] == p["second_total"] == 0]
    assert len(empty) == n_empty and all(p["action"] == "flag" and p["confidence"] == "low" for p in empty)
