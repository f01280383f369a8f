"""MCS Great British Beach Clean workbook, checked against the sheet read independently with openpyxl."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pyarrow.compute as pc
import pytest

from litterhub.ingest.formats import detect
from litterhub.ingest.textio import sniff

META_END = "Total Volunteers"


@pytest.fixture(scope="module")
def path(shared_data):
    return shared_data / "mcs-beachwatch-gbbc" / "gbbc_2022_raw_data_cleaned.xlsx"


@pytest.fixture(scope="module")
def sheet(path):
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    header = list(rows[0])
    return header, [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


@pytest.fixture(scope="module")
def ingested(path, ingest):
    return ingest(path)[:3]


def test_detected_and_every_row_accounted_for(path, sheet, ingested):
    assert detect(sniff(path)).adapter.name == "mcs"
    result, events, _ = ingested
    _, rows = sheet
    r = result.report
    assert result.format == "mcs"
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected
    assert events.num_rows == len(rows)


def test_totals_are_the_count_columns_without_descriptions(sheet, ingested):
    header, rows = sheet
    items = header[header.index(META_END) + 1:]
    counts = [c for c in items if "(description)" not in c]
    assert any("Plastic/Polystyrene" in c for c in counts) and any("Plastic / Polystyrene" in c for c in counts)
    _, events, obs = ingested
    expected = sorted(sum(float(r[c] or 0) for c in counts) for r in rows)
    assert sorted(events.column("total_count").to_pylist()) == pytest.approx(expected)
    assert not any("(description)" in c for c in pc.unique(obs.column("source_code")).to_pylist())
    assert pc.sum(obs.column("count")).as_py() == pytest.approx(sum(expected))


def test_dates_length_and_density(sheet, ingested):
    _, rows = sheet
    _, events, _ = ingested
    days = [r["Date of Survey"].date() if isinstance(r["Date of Survey"], datetime) else r["Date of Survey"]
            for r in rows]
    lo, hi = pc.min_max(events.column("event_date")).values()
    assert (lo.as_py(), hi.as_py()) == (min(days), max(days))
    assert sorted(events.column("length_m").to_pylist()) == sorted(float(r["Length Surveyed (metres)"]) for r in rows)
    for ev in events.select(["length_m", "total_count", "items_per_100m"]).to_pylist():
        assert ev["items_per_100m"] == pytest.approx(ev["total_count"] * 100 / ev["length_m"])
    nations = {r["Beach Country"] for r in rows}
    stored = set(pc.unique(events.column("country")).to_pylist())
    assert "GBR" in stored and stored <= {"GBR", None}
    assert {"England", "Scotland", "Wales"} <= nations
