"""The two foundation adapters on the real exports, checked against facts computed independently from the
raw files with Python's csv module (not with the adapters' own code)."""

from __future__ import annotations

import csv
import re
from datetime import date

import pyarrow.compute as pc
import pytest

from litterhub.services.datasets import get_dataset
from litterhub.services.ingest import ingest_file


def _rows_with_lines(path):
    """(start line, row) for every data record, using csv's own line accounting."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        out = []
        start = reader.line_num + 1
        for row in reader:
            out.append((start, row))
            start = reader.line_num + 1
    return header, out


@pytest.fixture(scope="module")
def mlw_path(shared_data):
    return shared_data / "eea-marine-litterwatch" / "mlw-data.csv"


@pytest.fixture(scope="module")
def mdmap_path(shared_data):
    return shared_data / "noaa-mdmap" / "MDMAP_Export_20230827.csv"


def test_mlw_every_row_accounted_for(hub, mlw_path):
    header, rows = _rows_with_lines(mlw_path)
    result = ingest_file(hub, mlw_path, "mlw")
    r = result.report
    assert r.rows_in == len(rows) == 3607
    assert r.rows_in == r.rows_accepted + r.rows_rejected
    seen, dups = set(), 0
    for _, row in rows:
        key = tuple(row)
        dups += key in seen
        seen.add(key)
    assert r.counts["duplicate-row"] == dups > 0
    assert r.rows_rejected == dups  # the real file has no other fatal row problem


def test_mlw_totals_dates_and_densities_match_the_raw_file(hub, mlw_path):
    header, rows = _rows_with_lines(mlw_path)
    gcols = [i for i, h in enumerate(header) if re.fullmatch(r"G\d+", h)]
    ix = {h: i for i, h in enumerate(header)}
    expected = {line: sum(float(row[i]) for i in gcols if row[i].strip()) for line, row in rows}
    length = {line: float(row[ix["BeachLength_m"]]) for line, row in rows}
    result = ingest_file(hub, mlw_path, "mlw")
    events = hub.lake.read_table("events", result.dataset_id, result.version)
    lines = events.column("source_line").to_pylist()
    totals = events.column("total_count").to_pylist()
    assert 0 < len(lines) <= len(rows)
    assert all(abs(expected[ln] - tot) < 1e-9 for ln, tot in zip(lines, totals, strict=True))
    for ln, tot, d100 in zip(lines, totals, events.column("items_per_100m").to_pylist(), strict=True):
        if 0 < length[ln] <= 20_000:
            assert d100 == pytest.approx(tot * 100 / length[ln], rel=1e-12)
        else:
            assert d100 is None
    dates = sorted(date(int(r[ix["EventDate"]][:4]), int(r[ix["EventDate"]][4:6]), int(r[ix["EventDate"]][6:]))
                   for _, r in rows)
    ds = get_dataset(hub, result.dataset_id)
    assert (ds["date_min"], ds["date_max"]) == (dates[0].isoformat(), dates[-1].isoformat())
    obs = hub.lake.read_table("observations", result.dataset_id, result.version)
    assert set(pc.unique(obs.column("source_scheme")).to_pylist()) == {"tsg-ml"}
    assert pc.sum(obs.column("count")).as_py() == pytest.approx(sum(totals))


def test_mlw_zero_and_absurd_lengths_keep_the_event_but_not_the_density(hub, mlw_path):
    _, rows = _rows_with_lines(mlw_path)
    result = ingest_file(hub, mlw_path, "mlw")
    r = result.report
    header, _ = _rows_with_lines(mlw_path)
    li = header.index("BeachLength_m")
    unique_rows = {tuple(row): line for line, row in reversed(rows)}  # first occurrence of each row
    zero = sum(1 for row in unique_rows if float(row[li]) <= 0)
    absurd = sum(1 for row in unique_rows if float(row[li]) > 20_000)
    assert r.counts["litter-effort-missing"] == zero > 0
    assert r.counts["litter-effort-absurd"] == absurd > 0


def test_mdmap_totals_equal_the_files_own_total_column(hub, mdmap_path):
    header, rows = _rows_with_lines(mdmap_path)
    ix = {h: i for i, h in enumerate(header)}
    result = ingest_file(hub, mdmap_path, "auto")
    assert result.report.format == "mdmap"
    assert result.report.rows_in == len(rows) == 70 == result.report.rows_accepted
    events = hub.lake.read_table("events", result.dataset_id, result.version)
    by_line = {ln: row for ln, row in rows}
    for ln, tot, src in zip(events.column("source_line").to_pylist(), events.column("total_count").to_pylist(),
                            events.column("source_total").to_pylist(), strict=True):
        assert tot == float(by_line[ln][ix["total_debris_items"]]) == src
    assert len(set(events.column("survey_group").to_pylist())) == len({r[ix["survey_id"]] for _, r in rows}) == 22
    assert len(set(events.column("site_id").to_pylist())) == len({r[ix["shoreline_site_id"]] for _, r in rows})


def test_mdmap_physical_lines_survive_multiline_notes(hub, mdmap_path):
    """Quoted multi-line notes mean record numbers and line numbers differ; events must cite the real line."""
    header, rows = _rows_with_lines(mdmap_path)
    assert rows[-1][0] > len(rows) + 1  # the file really has multi-line records
    result = ingest_file(hub, mdmap_path, "mdmap")
    events = hub.lake.read_table("events", result.dataset_id, result.version)
    ix = header.index("transect_id")
    survey = header.index("survey_id")
    by_key = {f"{r[survey]}/{r[ix]}": ln for ln, r in rows}
    for key, line in zip(events.column("source_event_id").to_pylist(), events.column("source_line").to_pylist(),
                         strict=True):
        assert by_key[key] == line


def test_mdmap_custom_items_are_a_breakdown_not_added_to_totals(hub, mdmap_path):
    result = ingest_file(hub, mdmap_path, "mdmap")
    obs = hub.lake.read_table("observations", result.dataset_id, result.version)
    custom = pc.equal(pc.count_substring(obs.column("source_code"), ":"), 2)
    assert pc.all(pc.equal(pc.invert(custom), obs.column("counts_toward_total"))).as_py()
    events = hub.lake.read_table("events", result.dataset_id, result.version)
    toward = obs.filter(obs.column("counts_toward_total"))
    assert pc.sum(toward.column("count")).as_py() == pytest.approx(pc.sum(events.column("total_count")).as_py())


def test_mdmap_density_per_area_and_per_100m(hub, mdmap_path):
    header, rows = _rows_with_lines(mdmap_path)
    ix = {h: i for i, h in enumerate(header)}
    result = ingest_file(hub, mdmap_path, "mdmap")
    events = hub.lake.read_table("events", result.dataset_id, result.version).to_pylist()
    by_line = {ln: r for ln, r in rows}
    for e in events:
        r = by_line[e["source_line"]]
        width = float(r[ix["beach_width_at_transect"]])
        strip = float(r[ix["site_length"]]) if "Accumulation" in r[ix["survey_protocol"]] else \
            float(r[ix["transect_width"]])
        total = float(r[ix["total_debris_items"]])
        assert e["items_per_m2"] == pytest.approx(total / (width * strip))
        assert e["items_per_100m"] == pytest.approx(total * 100 / strip)
        assert e["country"] == "USA"
