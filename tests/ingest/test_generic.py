"""The generic adapter: declarative mappings (validation naming the key), units, blank meaning, layouts, XLSX."""

from __future__ import annotations

import json

import pyarrow.compute as pc
import pytest
from typer.testing import CliRunner

from litterhub.ingest.formats import UnknownFormat, detect
from litterhub.ingest.mapping import MappingError, parse_mapping
from litterhub.ingest.textio import sniff
from litterhub.services.ingest import ingest_file

WIDE = """Site;Datum;Miles;Lat;Lon;Bottles;Bags;Total
Playa A;03/02/2023;0.5;36.5;-6.2;4;;4
Playa A;17/03/2023;0,25;36.5;-6.2;1;2;3
Playa B;31/02/2023;1;36.6;-6.3;1;1;2
Playa B;01/04/2023;1;36.6;-6.3;x;1;1
"""
WIDE_MAPPING = """
title: Test cleanups
layout: wide
scheme: oc-icc
event:
  site_name: Site
  date: Datum
  length: Miles
  lat: Lat
  lon: Lon
  total: Total
date_format: "%d/%m/%Y"
units: {length: mi}
blank: zero
decimal_comma: true
items:
  columns: [Bottles, Bags]
"""
LONG = """survey,beach,date,code,item,n,kg
s1,Amphion,2022-02-01,G27,butts,12,0.01
s1,Amphion,2022-02-01,G21,caps,3,
s2,Anthy,2022-02-02,G27,butts,-1,
s2,Anthy,2022-02-02,G21,caps,2,0.002
"""
LONG_MAPPING = """
layout: long
scheme: tsg-ml
event: {id: survey, site_name: beach, date: date}
long: {code: code, name: item, count: n, mass: kg}
units: {mass: kg}
"""


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_wide_mapping_units_blank_and_rejections(hub, tmp_path):
    data = write(tmp_path, "cleanups.csv", WIDE)
    result = ingest_file(hub, data, "generic", "cleanups", mapping=WIDE_MAPPING)
    r = result.report
    assert result.ok, result.as_dict()
    assert r.format == "generic"
    assert r.rows_in == 4 and r.rows_accepted == 2 and r.rows_rejected == 2
    assert {e.line for e in r.errors} == {4, 5}  # 31 Feb is not a date; 'x' is not a count
    events = hub.lake.read_table("events", "cleanups", result.version).sort_by("source_line")
    assert events.column("length_m").to_pylist() == pytest.approx([0.5 * 1609.344, 0.25 * 1609.344])
    assert events.column("total_count").to_pylist() == [4, 3]
    obs = hub.lake.read_table("observations", "cleanups", result.version)
    # blank means zero in this mapping: the blank 'Bags' cell is an explicit 0
    assert sorted(obs.column("count").to_pylist()) == [0, 1, 2, 4]
    assert set(obs.column("source_scheme").to_pylist()) == {"oc-icc"}
    assert events.column("items_per_100m").to_pylist()[0] == pytest.approx(4 * 100 / (0.5 * 1609.344))


def test_long_mapping_groups_events(hub, tmp_path):
    data = write(tmp_path, "long.csv", LONG)
    result = ingest_file(hub, data, "auto", "long", mapping=LONG_MAPPING)
    r = result.report
    assert r.rows_in == 4 == r.rows_accepted + r.rows_rejected
    assert r.counts["litter-negative-count"] == 1
    events = hub.lake.read_table("events", "long", result.version).sort_by("source_event_id")
    assert events.column("source_event_id").to_pylist() == ["s1", "s2"]
    assert events.column("total_count").to_pylist() == [15, 2]
    assert events.column("total_mass_kg").to_pylist()[0] == pytest.approx(0.01)


def test_xlsx_with_mapping(hub, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from datetime import datetime

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Surveys"
    ws.append(["Beach", "Date", "Length (m)", "G27", "G21"])
    ws.append(["North", datetime(2023, 5, 1), 100, 7, 1])
    ws.append(["South", datetime(2023, 5, 2), 100, 3, None])
    path = tmp_path / "surveys.xlsx"
    book.save(path)
    mapping = "event: {site_name: Beach, date: Date, length: Length (m)}\nsheet: Surveys\nitems: {pattern: '^G\\d+$'}\n"
    result = ingest_file(hub, path, "generic", "xlsx-surveys", mapping=mapping)
    assert result.ok, result.as_dict()
    events = hub.lake.read_table("events", "xlsx-surveys", result.version).sort_by("source_line")
    assert events.column("total_count").to_pylist() == [8, 3]
    assert events.column("source_line").to_pylist() == [2, 3]
    assert [str(d) for d in events.column("event_date").to_pylist()] == ["2023-05-01", "2023-05-02"]


@pytest.mark.parametrize(("text", "key"), [
    ("event: {site_name: Site}\nitems: {columns: [A]}\n", "event.date"),
    ("event: {date: D}\nitems: {columns: [A]}\nunits: {length: furlong}\n", "units.length"),
    ("event: {date: D}\nitems: {columns: [A]}\nblank: maybe\n", "blank"),
    ("event: {date: D, colour: C}\nitems: {columns: [A]}\n", "event.colour"),
    ("event: {date: D}\nlayout: long\nlong: {code: C}\n", "long.count"),
    ("event: {date: D}\nitems: {pattern: '(['}\n", "items.pattern"),
    ("event: {date: D}\n", "items"),
    ("event: {date: D}\nitems: {columns: [A]}\ndate_format: dd/mm/yyyy\n", "date_format"),
    ("nonsense: 1\n", "nonsense"),
    ("- just\n- a list\n", "YAML mapping"),
])
def test_mapping_errors_name_the_key(text, key):
    with pytest.raises(MappingError) as err:
        parse_mapping(text)
    assert key in str(err.value)


def test_mapping_that_does_not_fit_the_file_is_a_clean_refusal(hub, tmp_path):
    data = write(tmp_path, "cleanups.csv", WIDE)
    bad = WIDE_MAPPING.replace("date: Datum", "date: Fecha")
    result = ingest_file(hub, data, "generic", mapping=bad)
    assert not result.ok and result.version is None
    assert result.report.errors[0].code == "litter-mapping-error"
    assert "event.date" in result.report.errors[0].message and "Datum" in result.report.errors[0].message
    # the generic format without a mapping says how to make one
    result = ingest_file(hub, data, "generic")
    assert not result.ok and "mapping draft" in result.report.errors[0].message


def test_auto_never_picks_generic_and_points_to_the_mapping(tmp_path):
    data = write(tmp_path, "unknown.csv", WIDE)
    with pytest.raises(UnknownFormat) as err:
        detect(sniff(data))
    assert "mapping" in str(err.value)


def test_cli_mapping_draft_then_ingest(tmp_path, monkeypatch):
    from litterhub.cli import app

    monkeypatch.setenv("LITTERHUB_DATA", str(tmp_path / "data"))
    runner = CliRunner()
    data = write(tmp_path, "gcodes.csv", "BeachName,EventDate,BeachLength_m,G1,G27\nX,2021-06-01,100,2,5\n"
                 "Y,2021-06-02,50,,1\n")
    out = tmp_path / "mapping.yaml"
    res = runner.invoke(app, ["mapping", "draft", str(data), "--out", str(out)])
    assert res.exit_code == 0, res.output
    drafted = parse_mapping(out.read_text())
    assert drafted.event["date"] == "EventDate" and drafted.event["length"] == "BeachLength_m"
    assert drafted.scheme == "tsg-ml" and drafted.items_for(["G1", "G27", "EventDate"]) == ["G1", "G27"]
    res = runner.invoke(app, ["mapping", "check", str(out), str(data)])
    assert res.exit_code == 0, res.output
    from pathlib import Path

    from litterhub.services.hub import Hub

    hub = Hub.open(Path(tmp_path / "data"))
    result = ingest_file(hub, data, "generic", "drafted", mapping=out)
    assert result.ok and result.report.rows_accepted == 2
    ev = hub.lake.read_table("events", "drafted", result.version)
    assert sorted(pc.cast(ev.column("items_per_100m"), "float64").to_pylist()) == pytest.approx([2.0, 7.0])
    res = runner.invoke(app, ["mapping", "check", str(out), str(write(tmp_path, "other.csv", "a,b\n1,2\n"))])
    assert res.exit_code == 2 and "event.date" in res.output


def test_validate_json_report_for_generic(hub, tmp_path):
    data = write(tmp_path, "cleanups.csv", WIDE)
    result = ingest_file(hub, data, "generic", mapping=WIDE_MAPPING, dry_run=True)
    d = json.loads(json.dumps(result.as_dict(), default=str))
    assert d["rows_in"] == 4 and d["format"] == "generic" and result.version is None


def test_xlsx_quarantine_rows_come_from_the_sheet(hub, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    import csv
    import io

    from litterhub.services import quarantine

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data"
    ws.append(["Beach", "Date", "G27"])
    ws.append(["North", "2023-05-01", 7])
    ws.append(["South", "2023-02-30", 3])
    ws.append(["East", "2023-05-03", "@SUM(A1)"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    mapping = "event: {site_name: Beach, date: Date}\nsheet: Data\nitems: {columns: [G27]}\n"
    result = ingest_file(hub, path, "generic", "xlsx-bad", mapping=mapping)
    assert result.ok and result.report.rows_rejected == 2
    rows = list(csv.reader(io.StringIO("".join(quarantine.rejected_csv(hub, "xlsx-bad")))))
    assert rows[0] == ["litterhub_line", "litterhub_codes", "litterhub_reasons", "Beach", "Date", "G27"]
    assert [r[0] for r in rows[1:]] == ["3", "4"]
    assert rows[1][3:] == ["South", "2023-02-30", "3"] and rows[2][5] == "'@SUM(A1)"
