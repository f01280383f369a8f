"""The mapping draft reads a volunteer's own long-format CSV (an item column and a count column) as long,
and a file with one numeric column per item as wide; the drafted YAML ingests as it stands (CLI and service)."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pytest
from typer.testing import CliRunner

from litterhub.ingest.mapping import draft_document, parse_mapping
from litterhub.services.ingest import ingest_file
from litterhub.services.mapping import draft_for_file

VOLUNTEER = """date,beach,latitude,longitude,length_m,volunteers,item,count
2024-03-02,Praia do Norte,41.6946,-8.8456,100,6,Cigarette butts,37
2024-03-02,Praia do Norte,41.6946,-8.8456,100,6,Plastic bottles,4
2024-03-02,Praia do Norte,41.6946,-8.8456,100,6,Fishing line,2
2024-04-13,Praia do Norte,41.6946,-8.8456,100,5,Cigarette butts,12
2024-04-13,Praia do Norte,41.6946,-8.8456,100,5,Bottle caps,9
2024-04-13,Praia da Arda,41.7040,-8.8500,80,3,Plastic bags,3
"""
WIDE = """Site,Date,Length,Lat,Lon,Bottles,Bags,Caps
A,2024-01-05,100,36.5,-6.2,4,1,2
B,2024-01-06,50,36.6,-6.3,1,,5
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_volunteer_header_is_drafted_as_long(tmp_path):
    mapping = parse_mapping(draft_for_file(write(tmp_path, "volunteer.csv", VOLUNTEER)))
    assert mapping.layout == "long"
    assert mapping.long == {"code": "item", "name": "item", "count": "count"}
    assert mapping.scheme == "custom"  # names, not G-codes
    assert mapping.event == {"date": "date", "site_name": "beach", "lat": "latitude", "lon": "longitude",
                             "length": "length_m", "people": "volunteers"}
    assert mapping.date_format == "%Y-%m-%d" and mapping.units["length"] == "m"


def test_a_wide_file_stays_wide():
    header = ["Site", "Date", "Length", "Lat", "Lon", "Bottles", "Bags", "Caps"]
    samples = {"Site": ["A", "B"], "Date": ["2024-01-05", "2024-01-06"], "Length": ["100", "50"],
               "Lat": ["36.5", "36.6"], "Lon": ["-6.2", "-6.3"], "Bottles": ["4", "1"], "Bags": ["1", ""],
               "Caps": ["2", "5"]}
    doc = draft_document(header, samples)
    assert doc["layout"] == "wide" and doc["items"] == {"columns": ["Bottles", "Bags", "Caps"]}


def test_long_with_gcodes_in_the_item_column_is_tsg_ml():
    doc = draft_document(["date", "site", "code", "count"],
                         {"date": ["2024-01-05"] * 2, "site": ["A", "A"], "code": ["G27", "G7"], "count": ["3", "1"]})
    assert doc["layout"] == "long" and doc["scheme"] == "tsg-ml" and doc["long"]["code"] == "code"


def test_a_numeric_item_column_is_not_taken_for_a_long_layout():
    """'item' holding numbers is no item column: the draft must not claim a long layout it cannot read."""
    doc = draft_document(["date", "item", "count"], {"date": ["2024-01-05"], "item": ["3"], "count": ["1"]})
    assert doc["layout"] == "wide"


def test_cli_draft_of_the_volunteer_csv_ingests(tmp_path, monkeypatch):
    from litterhub.cli import app
    from litterhub.services.hub import Hub

    monkeypatch.setenv("LITTERHUB_DATA", str(tmp_path / "data"))
    data = write(tmp_path, "volunteer.csv", VOLUNTEER)
    out = tmp_path / "mapping.yaml"
    runner = CliRunner()
    res = runner.invoke(app, ["mapping", "draft", str(data), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "layout: long" in out.read_text()
    res = runner.invoke(app, ["mapping", "check", str(out), str(data)])
    assert res.exit_code == 0, res.output
    hub = Hub.open(tmp_path / "data")
    try:
        result = ingest_file(hub, data, "generic", "volunteer", mapping=out)
        assert result.ok, result.report.errors[:3]
        events = hub.lake.read_table("events", "volunteer", result.version)
        # three surveys: two dates at Praia do Norte, one at Praia da Arda; 100 m and 80 m of beach
        assert events.num_rows == 3
        per100 = sorted(pc.cast(events.column("items_per_100m"), "float64").to_pylist())
        assert per100 == pytest.approx(sorted([37 + 4 + 2, 12 + 9, 3 * 100 / 80]))
    finally:
        hub.close()


def test_wide_file_ingests_with_its_draft(tmp_path):
    from litterhub.services.hub import Hub

    data = write(tmp_path, "wide.csv", WIDE)
    out = write(tmp_path, "wide.yaml", draft_for_file(data))
    hub = Hub.open(tmp_path / "data")
    try:
        result = ingest_file(hub, data, "generic", "wide", mapping=out)
        assert result.ok and result.report.rows_accepted == 2
    finally:
        hub.close()
