"""The declarative adapter base: a format declared in a few attributes gets every shared step, and every
bad cell reaches the report it was given; every adapter declares what callers use; codes live in one table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from litterhub.ingest.base import DatasetDefaults
from litterhub.ingest.formats import ADAPTERS
from litterhub.ingest.report import ValidationReport
from litterhub.ingest.tabular import DateColumn, EventKey, Survey, TabularAdapter
from litterhub.ingest.textio import Sniff, sniff
from litterhub.ingest.wide import ItemColumn


class TinyBeach(TabularAdapter):
    """A made-up wide format: site, date, position, length and two item columns."""

    name = "tiny"
    title = "tiny test format"
    programme = "Tiny"
    about = DatasetDefaults(title="Tiny ({file})", description="", publisher="", licence="CC0-1.0", citation="",
                            source_programme="Tiny", protocol="tiny")
    required = ("site", "day")
    required_what = "tiny"
    date = DateColumn("day", "%Y-%m-%d", "YYYY-MM-DD")
    lat, lon = "lat", "lon"
    numbers = ("length",)
    event_key = EventKey("day", "same site and day again")
    site_name = "site"

    def detect(self, info: Sniff) -> str | None:
        return "tiny" if "site" in info.header else None

    def items(self, names: list[str], report: ValidationReport) -> list[ItemColumn]:
        return [ItemColumn(c, "tiny", c) for c in names if c.startswith("G")]

    def site_key(self, s: Survey) -> pa.Array:
        return s.text("site")

    def columns(self, s: Survey) -> dict:
        return {"length_m": pa.array(s.numbers["length"], pa.float64(), from_pandas=True)}


def _read(tmp_path: Path, text: str) -> tuple[pa.Table, pa.Table, pa.Table, ValidationReport]:
    path = tmp_path / "tiny.csv"
    path.write_text(text, encoding="utf-8")
    report = ValidationReport()
    batches = list(TinyBeach().read(sniff(path), report))
    events = pa.concat_tables([b.events for b in batches])
    observations = pa.concat_tables([b.observations for b in batches])
    sites = pa.concat_tables([b.sites for b in batches])
    return events, observations, sites, report


def test_declared_format_gets_every_shared_step(tmp_path):
    events, observations, sites, report = _read(tmp_path, (
        "site,day,lat,lon,length,G1,G2\n"
        "A,2020-01-02,50.1,3.2,100,4,\n"      # line 2: kept; blank G2 is not an observation
        "A,2020-01-02,50.1,3.2,100,4,\n"      # line 3: exact repeat of line 2
        "A,2020-01-02,50.1,3.2,90,1,2\n"      # line 4: same site and day, other counts: suffixed -1
        "B,02/01/2020,50.2,3.3,100,1,1\n"     # line 5: date not in the declared format
        "C,2020-01-03,95,3.3,100,1,1\n"       # line 6: latitude out of range
        "D,2020-01-03,50.3,3.4,long,1,-1\n"   # line 7: negative count (length 'long' reported, kept missing)
        "E,2999-01-01,50.3,3.4,100,1,1\n"     # line 8: future date
    ))
    assert report.rows_in == 7 and report.rows_accepted == 2 and report.rows_rejected == 5 and report.balanced
    assert report.counts["duplicate-row"] == 1
    assert report.counts["litter-future-date"] == 1
    assert report.counts["litter-coordinates-out-of-range"] == 1
    assert report.counts["litter-negative-count"] == 1
    assert report.counts["litter-duplicate-event"] == 1
    located = {(i.code, i.line, i.column) for i in report.errors + report.warnings}
    assert ("type-error", 5, "day") in located
    assert ("type-error", 7, "length") in located  # every bad cell is reported, even on a rejected row
    keys = events.column("source_event_id").to_pylist()
    assert keys[1] == keys[0] + "-1" and keys[0].endswith("/2020-01-02")
    assert events.column("length_m").to_pylist() == [100.0, 90.0]
    assert events.column("total_count").to_pylist() == [4.0, 3.0]
    assert sorted(pc.unique(observations.column("source_line")).to_pylist()) == [2, 4]
    assert observations.num_rows == 3  # G1 and G2 of line 4, G1 of line 2 (blank G2 not stored)
    assert sites.column("name").to_pylist() == ["A", "A"]
    assert TinyBeach().defaults("x/y.csv").title == "Tiny (y.csv)"


def test_missing_required_column_fails_the_file(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("site,lat\nA,1\n", encoding="utf-8")
    report = ValidationReport()
    assert list(TinyBeach().read(sniff(path), report)) == []
    assert report.fatal and report.errors[0].code == "missing-label" and "day" in report.errors[0].message


def test_every_adapter_declares_what_callers_use():
    for adapter in ADAPTERS.values():
        assert isinstance(adapter.priority, int), adapter.name
        assert adapter.kinds and all(isinstance(k, str) for k in adapter.kinds), adapter.name
        assert isinstance(adapter.effort_expected, bool), adapter.name
        assert isinstance(adapter.personal_columns, tuple), adapter.name
        assert callable(adapter.bind) and callable(adapter.detect) and callable(adapter.read), adapter.name
        assert adapter.defaults("dir/file.csv").title, adapter.name
    assert ADAPTERS["olm"].effort_expected is False and ADAPTERS["mcs"].kinds == ("xlsx", "xls")
    assert list(ADAPTERS)[-1] == "generic"  # asked last by --format auto


def test_importing_the_adapters_adds_no_error_code():
    """Codes live in one table (ingest/report.py): importing every adapter leaves it unchanged."""
    code = ("from litterhub.ingest.report import CODES; before = dict(CODES); "
            "import litterhub.ingest.formats; print(before == CODES, len(CODES))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "True" and int(out[1]) > 30


def test_no_adapter_parses_into_a_report_of_its_own():
    src = Path(__file__).resolve().parents[2] / "src" / "litterhub" / "ingest"
    offenders = [p.name for p in src.glob("*.py") if "ValidationReport()" in p.read_text(encoding="utf-8")]
    assert offenders == []
