"""TIDES / Clean Swell adapter on the two real exports, checked against facts read from the raw files with csv."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pyarrow.compute as pc
import pytest

from litterhub.ingest.formats import detect
from litterhub.ingest.textio import sniff
from litterhub.services.ingest import ingest_file

FILES = ["cleanswell_jan23_raw.csv", "cleanswell_nov22.csv"]
META = {"Cleanup ID", "Zone", "State", "Country", "GPS", "Cleanup Type", "Environment", "Cleanup Date",
        "Group Name", "Adults", "Children", "People", "Pounds", "Miles", "# of bags", "Total Items Collected"}


def _raw(path):
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    cleanups = [r for r in rows if not r["Cleanup ID"].lower().startswith("total")]
    return rows, cleanups


def _day(text: str) -> date:
    fmt = "%Y-%m-%d" if "-" in text else "%m/%d/%Y"
    return datetime.strptime(text, fmt).date()


@pytest.fixture(scope="module", params=FILES)
def ingested(request, shared_data, ingest):
    path = shared_data / "ocean-conservancy-tides" / request.param
    return (path, *ingest(path)[:3])


def test_auto_detection_picks_tides(shared_data):
    for name in FILES:
        found = detect(sniff(shared_data / "ocean-conservancy-tides" / name))
        assert found.adapter.name == "tides"
        assert "Cleanup ID" in found.reason


def test_every_row_accounted_for_and_one_event_per_cleanup(ingested):
    path, result, events, _ = ingested
    rows, cleanups = _raw(path)
    r = result.report
    assert result.format == "tides"
    assert r.rows_in == len(rows)
    assert r.rows_in == r.rows_accepted + r.rows_rejected
    assert events.num_rows == len({c["Cleanup ID"] for c in cleanups}) == r.rows_accepted
    assert r.rows_rejected == len(rows) - len(cleanups)  # only the Totals footer, if any


def test_item_sums_match_the_file_total_column(ingested):
    path, _, events, obs = ingested
    _, cleanups = _raw(path)
    own_total = {c["Cleanup ID"]: float(c["Total Items Collected"] or 0) for c in cleanups}
    sums = obs.group_by("event_id").aggregate([("count", "sum")]).to_pydict()
    by_event = dict(zip(sums["event_id"], sums["count_sum"], strict=True))
    for ev, total in zip(events.column("source_event_id").to_pylist(), events.column("total_count").to_pylist(),
                         strict=True):
        assert by_event.get(f"{events.column('dataset_id')[0]}:{ev}", 0.0) == pytest.approx(total)
        assert total == pytest.approx(own_total[ev])


def test_dates_both_formats_and_range(ingested):
    path, result, events, _ = ingested
    _, cleanups = _raw(path)
    days = [_day(c["Cleanup Date"]) for c in cleanups]
    lo, hi = pc.min_max(events.column("event_date")).values()
    assert (lo.as_py(), hi.as_py()) == (min(days), max(days))
    assert any("Cleanup Date formats found" in n for n in result.report.notes)


def test_pounds_miles_and_gps_converted(ingested):
    path, _, events, _ = ingested
    _, cleanups = _raw(path)
    raw = {c["Cleanup ID"]: c for c in cleanups}
    for row in events.select(["source_event_id", "length_m", "total_mass_kg", "lat", "lon",
                              "items_per_100m", "total_count"]).to_pylist():
        c = raw[row["source_event_id"]]
        miles, pounds = float(c["Miles"] or 0), float(c["Pounds"] or 0)
        assert row["length_m"] == pytest.approx(miles * 1609.344)
        assert row["total_mass_kg"] == pytest.approx(pounds * 0.45359237)
        lat, lon = (float(x) for x in c["GPS"].split(","))
        assert (row["lat"], row["lon"]) == (pytest.approx(lat), pytest.approx(lon))
        if miles == 0:
            assert row["items_per_100m"] is None
        else:
            assert row["items_per_100m"] == pytest.approx(row["total_count"] * 100 / (miles * 1609.344))


def test_line_and_rope_flagged_per_length(ingested):
    path, _, _, obs = ingested
    _, cleanups = _raw(path)
    per_length = [k for k in cleanups[0] if "1 yard/meter" in k]
    assert per_length
    recorded = sum(1 for c in cleanups for k in per_length if c[k].strip())
    flagged = obs.filter(pc.match_substring(obs.column("source_code"), "1 yard/meter"))
    assert flagged.num_rows == recorded
    assert recorded > 0 or path.name == "cleanswell_jan23_raw.csv"  # the January export records none per length
    assert all(f == ["litter-count-per-length"] for f in flagged.column("flags").to_pylist())


def test_totals_footer_equals_the_column_sums(shared_data, tmp_path_factory):
    """jan23 ends with a 'Totals:' row: it is rejected as a summary row and equals the stored column sums."""
    from litterhub.services.hub import Hub

    path = shared_data / "ocean-conservancy-tides" / "cleanswell_jan23_raw.csv"
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    footer = [r for r in rows if r[0].lower().startswith("total")]
    assert len(footer) == 1
    items = [h for h in header if h not in META]
    values = [float(v or 0) for v in footer[0][-len(items):]]  # the footer lacks meta columns: right-aligned
    hub = Hub.open(tmp_path_factory.mktemp("tides-footer") / "data")
    try:
        result = ingest_file(hub, path, "tides")
        assert result.report.counts["litter-summary-row"] == 1
        obs = hub.lake.read_table("observations", result.dataset_id, result.version)
        sums = obs.group_by("source_code").aggregate([("count", "sum")]).to_pydict()
        stored = dict(zip(sums["source_code"], sums["count_sum"], strict=True))
        assert [stored.get(i, 0.0) for i in items] == pytest.approx(values)
    finally:
        hub.close()
