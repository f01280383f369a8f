"""EMODnet beach workbook (an OLE2 .xls named .xlsx) and seafloor TSV, checked with xlrd / csv on the raw files."""

from __future__ import annotations

import csv
from collections import defaultdict

import pyarrow.compute as pc
import pytest
import xlrd

from litterhub.harmonize.seafloor import add_items_per_km2
from litterhub.ingest.formats import detect
from litterhub.ingest.textio import sniff


@pytest.fixture(scope="module")
def beach_path(shared_data):
    return shared_data / "emodnet-litter-format" / "beach" / "Output_params_another_sheet_def.xlsx"


@pytest.fixture(scope="module")
def seafloor_path(shared_data):
    return shared_data / "emodnet-litter-format" / "seafloor" / "Output_multiple_sheet_def.csv"


def _sheet(path, name):
    book = xlrd.open_workbook(str(path))
    sheet = book.sheet_by_name(name)
    header = sheet.row_values(0)
    return [dict(zip(header, sheet.row_values(i), strict=True)) for i in range(1, sheet.nrows)
            if any(v != "" for v in sheet.row_values(i))]


@pytest.fixture(scope="module")
def lake(beach_path, seafloor_path, ingest):
    return {key: ingest(path)[:3] for key, path in (("beach", beach_path), ("seafloor", seafloor_path))}


def test_both_files_detected_despite_their_names(beach_path, seafloor_path):
    beach, seafloor = sniff(beach_path), sniff(seafloor_path)
    assert beach.kind == "xls" and seafloor.delimiter == "\t"
    assert detect(beach).adapter.name == detect(seafloor).adapter.name == "emodnet"


def test_beach_rows_events_totals_and_effort(beach_path, lake):
    litter = _sheet(beach_path, "Litter")
    surveys = _sheet(beach_path, "Surveys")
    beaches = {b["BeachCode"]: b for b in _sheet(beach_path, "Beaches")}
    result, events, obs = lake["beach"]
    r = result.report
    assert r.rows_in == len(litter) == r.rows_accepted + r.rows_rejected
    assert events.num_rows == len({s["SurveyCode"] for s in surveys})
    per_survey = defaultdict(float)
    for row in litter:
        per_survey[row["SurveyCode"]] += float(row["NoItems"])
    for ev in events.select(["source_event_id", "total_count", "length_m", "event_date", "event_type"]).to_pylist():
        assert ev["total_count"] == pytest.approx(per_survey[ev["source_event_id"]])
        survey = next(s for s in surveys if s["SurveyCode"] == ev["source_event_id"])
        expected_length = survey["SurveyLength"] or beaches[survey["BeachCode"]]["BeachLength"]
        assert ev["length_m"] == pytest.approx(float(expected_length))
        assert str(ev["event_date"]) == survey["SurveyDate"][:10]
        assert ev["event_type"] == ("cleanup" if survey["SurveyType"] == "Cleaning" else "monitoring")
    assert obs.num_rows == len(litter)
    assert set(pc.unique(obs.column("source_scheme")).to_pylist()) == {"tsg-ml"}


def test_seafloor_hauls_counts_and_swept_area(seafloor_path, lake):
    with seafloor_path.open(newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    result, events, obs = lake["seafloor"]
    r = result.report
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected
    hauls = defaultdict(float)
    effort = {}
    for row in rows:
        key = f"{row['StNo']}/{row['HaulNo']}"
        hauls[key] += float(row["LT_Items"])
        effort[key] = float(row["Distance"]) * float(row["WingSpread"])
    assert events.num_rows == len(hauls)
    dens = add_items_per_km2(events)
    for ev in dens.select(["source_event_id", "total_count", "area_m2", "items_per_km2", "compartment"]).to_pylist():
        assert ev["compartment"] == "seafloor"
        assert ev["total_count"] == pytest.approx(hauls[ev["source_event_id"]])
        assert ev["area_m2"] == pytest.approx(effort[ev["source_event_id"]])
        assert ev["items_per_km2"] == pytest.approx(ev["total_count"] / (effort[ev["source_event_id"]] / 1e6))
    assert obs.num_rows == len(rows)
    # Distance 35 m in a 35 min haul is not a plausible trawl: said, not silently trusted
    assert r.counts["litter-effort-suspect"] == len(hauls) == events.num_rows > 0
    assert all("litter-effort-suspect" in f for f in events.column("qc_flags").to_pylist())
