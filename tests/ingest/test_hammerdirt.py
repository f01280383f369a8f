"""hammerdirt / IQAASL adapter on the three real long-format files, checked with csv against the raw rows."""

from __future__ import annotations

import csv
from collections import defaultdict

import pyarrow.compute as pc
import pytest

from litterhub.ingest.formats import detect
from litterhub.ingest.textio import sniff
from litterhub.services.ingest import ingest_file

FILES = ["iqaasl_end_process/after_may_2021.csv", "iqaasl_end_process/alpes_ticino_to_add.csv",
         "survey_qc_2020/survey_results.csv"]
PARTS = {"Gfrags": {"G75", "G76", "G77", "G78", "G79", "G80"}, "Gfoams": {"G81", "G82", "G83"},
         "Gcaps": {"G21", "G22", "G23", "G24"}}


def _raw(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _survey(row):
    site = row.get("slug") or row.get("location")
    return f"{site}/{row['date']}"


@pytest.fixture(scope="module", params=FILES)
def ingested(request, shared_data, ingest):
    path = shared_data / "hammerdirt-swiss" / request.param
    return (path, *ingest(path)[:3])


def test_detected_rows_and_surveys(ingested):
    path, result, events, obs = ingested
    assert detect(sniff(path)).adapter.name == "hammerdirt"
    rows = _raw(path)
    r = result.report
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected
    assert obs.num_rows == len(rows)
    key = "loc_date" if "loc_date" in rows[0] else "sample_id" if "sample_id" in rows[0] else None
    surveys = {row[key] for row in rows} if key else {_survey(row) for row in rows}
    assert events.num_rows == len(surveys)
    lo, hi = pc.min_max(events.column("event_date")).values()
    assert (str(lo.as_py()), str(hi.as_py())) == (min(r["date"] for r in rows), max(r["date"] for r in rows))


def test_totals_count_aggregates_or_parts_never_both(ingested):
    """Per survey: sum of quantities, minus whichever of aggregate / parts is smaller (computed from the raw file)."""
    path, _, events, _ = ingested
    rows = _raw(path)
    key = "loc_date" if "loc_date" in rows[0] else "sample_id" if "sample_id" in rows[0] else None
    qty: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        qty[row[key] if key else _survey(row)][row["code"]] += float(row["quantity"])
    expected = {}
    for survey, codes in qty.items():
        total = sum(codes.values())
        for agg, parts in PARTS.items():
            if agg in codes and parts & set(codes):
                total -= min(codes[agg], sum(codes.get(p, 0.0) for p in parts))
        expected[survey] = total
    got = sorted(events.column("total_count").to_pylist())
    assert got == pytest.approx(sorted(expected.values()))
    assert sum(got) <= sum(float(r["quantity"]) for r in rows)


def test_length_and_density_per_100m(ingested):
    path, _, events, _ = ingested
    rows = _raw(path)
    has_length = "length" in rows[0]  # survey_qc files take theirs from dims_data.csv (test below)
    if has_length:
        key = "loc_date" if "loc_date" in rows[0] else "sample_id"
        lengths: dict[str, list[float]] = defaultdict(list)
        for row in rows:
            lengths[row[key]].append(float(row["length"]))
        short = sum(1 for v in lengths.values() if max(set(v), key=v.count) < 10)
        flags = events.column("qc_flags").to_pylist()
        assert sum("litter-short-survey" in f for f in flags) == short
    measured = 0
    for ev in events.select(["length_m", "total_count", "items_per_100m"]).to_pylist():
        assert (ev["length_m"] is not None) or not has_length
        if ev["length_m"]:
            measured += 1
            assert ev["items_per_100m"] == pytest.approx(ev["total_count"] * 100 / ev["length_m"])
    assert measured > 0


def test_survey_qc_effort_from_dims_data(shared_data, tmp_path_factory):
    from litterhub.services.hub import Hub

    folder = shared_data / "hammerdirt-swiss" / "survey_qc_2020"
    dims = {f"{r['location']}/{r['date']}": r for r in _raw(folder / "dims_data.csv")}
    hub = Hub.open(tmp_path_factory.mktemp("hd-qc") / "data")
    try:
        result = ingest_file(hub, folder / "survey_results.csv", "hammerdirt")
        events = hub.lake.read_table("events", result.dataset_id, result.version)
        with_length = events.filter(pc.is_valid(events.column("length_m")))
        assert with_length.num_rows == len(dims)
        for ev in with_length.select(["source_event_id", "length_m", "area_m2", "duration_min", "lat"]).to_pylist():
            d = dims[ev["source_event_id"]]
            assert ev["length_m"] == float(d["length"])
            assert ev["area_m2"] == float(d["area"])
            assert ev["duration_min"] == float(d["time_minutes"])
            assert ev["lat"] is not None  # from beach_data.csv beside the file
        assert result.report.counts["litter-effort-missing"] == events.num_rows - len(dims)
    finally:
        hub.close()
