"""Broken versions of the real files: every problem is a located report entry or a clean refusal, never a traceback."""

from __future__ import annotations

import csv
import io

import pytest

from litterhub.services.ingest import ingest_file


def _rows(path, delimiter=","):
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def _write(path, rows, delimiter=","):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _issues(result):
    return {(i.code, i.line) for i in result.report.errors + result.report.warnings}


def test_tides_bad_cells_are_located_and_rows_balance(shared_data, tmp_path, hub):
    rows = _rows(shared_data / "ocean-conservancy-tides" / "cleanswell_nov22.csv")[:8]
    h = rows[0]
    rows[1][h.index("Cleanup Date")] = "2022-13-45"       # not a date in either format
    rows[2][h.index("GPS")] = "somewhere on the beach"    # kept, location empty
    rows[3][h.index("Cigarette butts")] = "-4"            # negative count
    rows[4] = rows[4][:10]                                 # truncated record
    path = tmp_path / "tides-broken.csv"
    _write(path, rows)
    result = ingest_file(hub, path, "auto")
    r = result.report
    assert result.format == "tides" and result.ok
    assert r.rows_in == 7 == r.rows_accepted + r.rows_rejected
    assert r.rows_rejected == 3
    issues = _issues(result)
    assert {("type-error", 2), ("litter-negative-count", 4), ("missing-cell", 5), ("type-error", 3)} <= issues


def test_ospar_native_date_in_the_wrong_format_is_rejected(shared_data, tmp_path, hub):
    rows = _rows(shared_data / "ospar-nl-litteR" / "beach-litter-nl-2012-2017-ospar-export.csv")[:6]
    h = rows[0]
    rows[1][h.index("Survey date")] = "2012-01-27"   # ISO in a dd/mm/yyyy column: not guessed
    rows[2][h.index("Plastic: Bags [2]")] = "many"
    path = tmp_path / "ospar-broken.csv"
    _write(path, rows)
    result = ingest_file(hub, path, "auto")
    assert result.format == "ospar"
    assert result.report.rows_in == 5 and result.report.rows_rejected == 2
    assert {("type-error", 2), ("type-error", 3)} <= _issues(result)


def test_hammerdirt_header_only_and_bad_quantity(shared_data, tmp_path, hub):
    rows = _rows(shared_data / "hammerdirt-swiss" / "iqaasl_end_process" / "after_may_2021.csv")
    only = tmp_path / "hd-empty.csv"
    _write(only, rows[:1])
    empty = ingest_file(hub, only, "hammerdirt")
    assert not empty.ok and empty.report.counts["litter-no-data-rows"] == 1
    broken = rows[:50]
    broken[5][broken[0].index("quantity")] = "a few"
    path = tmp_path / "hd-broken.csv"
    _write(path, broken)
    result = ingest_file(hub, path, "auto")
    assert result.ok and result.report.rows_rejected == 1
    assert ("type-error", 6) in _issues(result)


def test_seafloor_unit_other_than_items_per_haul_is_refused(shared_data, tmp_path, hub):
    rows = _rows(shared_data / "emodnet-litter-format" / "seafloor" / "Output_multiple_sheet_def.csv", "\t")[:10]
    rows[3][rows[0].index("UnitItem")] = "items/km2"
    path = tmp_path / "seafloor.csv"
    _write(path, rows, "\t")
    result = ingest_file(hub, path, "auto")
    assert result.format == "emodnet" and result.report.rows_rejected == 1
    assert ("constraint-error", 4) in _issues(result)


@pytest.mark.parametrize("name,magic", [("gbbc-truncated.xlsx", None), ("emodnet-garbage.xlsx", "ole2")])
def test_broken_workbooks_are_refused_cleanly(shared_data, tmp_path, hub, name, magic):
    if magic == "ole2":
        data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00garbage" * 200
    else:
        data = (shared_data / "mcs-beachwatch-gbbc" / "gbbc_2022_raw_data_cleaned.xlsx").read_bytes()[:20_000]
    path = tmp_path / name
    path.write_bytes(data)
    for fmt in ("auto", "mcs", "emodnet"):
        result = ingest_file(hub, path, fmt)
        assert not result.ok
        assert result.report.fatal
        assert result.version is None
