"""OSPAR adapter on the litteR wide file and the native OSPAR export, against litteR's published statistics."""

from __future__ import annotations

import csv
import statistics
from datetime import date, datetime

import pyarrow.compute as pc
import pytest

from litterhub.ingest.formats import detect
from litterhub.ingest.textio import sniff

WIDE = "beach-litter-nl-2012-2017.csv"
NATIVE = "beach-litter-nl-2012-2017-ospar-export.csv"
LONG = "beach-litter-nl-2012-2017-long.csv"


def _raw(path):
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def lake(shared_data, ingest):
    return {name: ingest(shared_data / "ospar-nl-litteR" / name)[:3] for name in (WIDE, NATIVE, LONG)}


@pytest.mark.parametrize("name", [WIDE, NATIVE, LONG])
def test_detected_and_every_row_accounted_for(shared_data, lake, name):
    path = shared_data / "ospar-nl-litteR" / name
    assert detect(sniff(path)).adapter.name == "ospar"
    result, events, _ = lake[name]
    rows = _raw(path)
    r = result.report
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected
    if name == LONG:
        assert events.num_rows == len({(row["location_code"], row["date"]) for row in rows})
    else:
        assert events.num_rows == len(rows)
    assert set(pc.unique(events.column("length_m")).to_pylist()) == {100.0}


@pytest.mark.parametrize("name", [WIDE, LONG])
def test_total_count_medians_equal_litteR_published_tc(shared_data, lake, name):
    """litteR's published TC median per location (2012-2017) is reproduced from the stored totals."""
    with (shared_data / "ospar-nl-litteR" / "published" / "litteR-results-20210904T221809.csv").open() as fh:
        published = {r["location_code"]: float(r["median"]) for r in csv.DictReader(fh)
                     if r["type/group_name"] == "TC"}
    _, events, _ = lake[name]
    by_site: dict[str, list[float]] = {}
    for ev, total in zip(events.column("source_event_id").to_pylist(), events.column("total_count").to_pylist(),
                         strict=True):
        by_site.setdefault(ev.split("/")[0], []).append(total)
    assert published
    for site, median in published.items():
        assert statistics.median(by_site[site]) == pytest.approx(median)


def test_pellets_field_is_not_a_count_and_survey_fields_do_not_count(lake):
    for name in (WIDE, NATIVE, LONG):
        _, _, obs = lake[name]
        assert "998" not in pc.unique(obs.column("source_code")).to_pylist()
        survey = obs.filter(pc.starts_with(obs.column("source_name"), "Survey:"))
        assert survey.num_rows > 0
        assert not any(survey.column("counts_toward_total").to_pylist())


def test_native_export_dates_and_totals_agree_with_the_wide_file(shared_data, lake):
    raw = _raw(shared_data / "ospar-nl-litteR" / NATIVE)
    days = [datetime.strptime(r["Survey date"], "%d/%m/%Y").date() for r in raw]
    _, events, _ = lake[NATIVE]
    lo, hi = pc.min_max(events.column("event_date")).values()
    assert (lo.as_py(), hi.as_py()) == (min(days), max(days))
    outside = sum(1 for r in raw if r["Period"].strip() == "-1")
    protocols = events.column("protocol").to_pylist()
    assert sum("outside the standard survey periods" in p for p in protocols) == outside
    assert sum("litter-outside-survey-period" in f for f in events.column("qc_flags").to_pylist()) == outside
    wide = dict(zip(lake[WIDE][1].column("source_event_id").to_pylist(),
                    lake[WIDE][1].column("total_count").to_pylist(), strict=True))
    native = dict(zip(events.column("source_event_id").to_pylist(), events.column("total_count").to_pylist(),
                      strict=True))
    wide_days = {date.fromisoformat(k.split("/")[1]) for k in wide}
    assert wide_days == set(days)
    common = set(wide) & set(native)
    assert len(common) >= len(native) - 1
    # the export lacks Faeces [121]: totals agree up to that one column
    raw_wide = {f"{r['location_code']}/{r['date']}": float(r["Faeces: In_bags [121]"] or 0)
                for r in _raw(shared_data / "ospar-nl-litteR" / WIDE)}
    for key in common:
        assert native[key] == pytest.approx(wide[key] - raw_wide[key])
