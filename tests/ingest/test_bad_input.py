"""Bad input never produces a traceback or a partial dataset: each case gets a report naming line, column,
a stable code and a plain message; an unusable file exits non-zero and writes nothing. The first part breaks
the bundled MLW and MDMAP samples, the second broken versions of the other programmes' real files."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from litterhub.cli import app
from litterhub.services.datasets import list_datasets
from litterhub.services.ingest import ingest_file
from litterhub.services.setup import DEMO_DIR

MLW = DEMO_DIR / "mlw-sample.csv"
MDMAP = DEMO_DIR / "mdmap-maine-2016-2023.csv"
runner = CliRunner()


def _lines():
    return MLW.read_bytes().split(b"\r\n")


def _write(tmp_path, name: str, lines: list[bytes]) -> object:
    path = tmp_path / name
    path.write_bytes(b"\r\n".join(lines))
    return path


def _cell(line: bytes, header: bytes, column: str, value: bytes) -> bytes:
    """Replace one cell of a simple (unquoted-cell) MLW row."""
    cols = next(csv.reader(io.StringIO(header.decode())))
    row = next(csv.reader(io.StringIO(line.decode())))
    row[cols.index(column)] = value.decode()
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    return out.getvalue().encode()


def _nothing_stored(hub) -> bool:
    versions = list(hub.lake.root.glob("dataset=*/version=*"))
    temps = list(hub.lake.root.glob(".tmp-*"))
    return not list_datasets(hub) and not versions and not temps and not any(hub.raw.root.iterdir())


def _ingest_cli(hub, path, fmt="mlw"):
    res = runner.invoke(app, ["ingest", str(path), "--format", fmt, "--json", "--data-dir",
                              str(hub.settings.data_dir)])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, json.loads(res.stdout)


def test_wrong_format_is_refused_with_missing_columns_named(hub):
    code, out = _ingest_cli(hub, MDMAP, "mlw")
    assert code != 0
    assert out["errors"][0]["code"] == "missing-label"
    assert "BeachName" in out["errors"][0]["message"]
    assert _nothing_stored(hub)


def test_unknown_format_points_to_the_generic_mapping(hub, tmp_path):
    path = _write(tmp_path, "other.csv", [b"foo,bar", b"1,2"])
    code, out = _ingest_cli(hub, path, "auto")
    assert code != 0 and out["errors"][0]["code"] == "format-error"
    assert "mapping" in out["errors"][0]["message"]
    assert _nothing_stored(hub)


def test_empty_file(hub, tmp_path):
    path = _write(tmp_path, "empty.csv", [])
    code, out = _ingest_cli(hub, path)
    assert code != 0 and out["errors"][0]["code"] == "litter-empty-file"
    assert _nothing_stored(hub)


def test_header_only(hub, tmp_path):
    path = _write(tmp_path, "header.csv", [_lines()[0], b""])
    code, out = _ingest_cli(hub, path)
    assert code != 0 and out["rows_in"] == 0
    assert [e["code"] for e in out["errors"]] == ["litter-no-data-rows"]
    assert _nothing_stored(hub)


def test_truncated_file_rejects_only_the_cut_row(hub, tmp_path):
    lines = [ln for ln in _lines() if ln]
    cut = lines[:11]
    cut[-1] = cut[-1][: len(cut[-1]) // 3]
    path = _write(tmp_path, "truncated.csv", cut)
    code, out = _ingest_cli(hub, path)
    assert code == 0
    assert out["rows_in"] == 10 == out["rows_accepted"] + out["rows_rejected"]
    assert out["rows_rejected"] == 1
    err = out["errors"][0]
    assert (err["line"], err["code"]) == (11, "missing-cell")


def test_cp1252_text_is_read_not_mangled(hub, tmp_path):
    lines = [ln for ln in _lines() if ln][:4]
    header = lines[0]
    lines[2] = _cell(lines[2], header, "BeachName", "Plage de l'Évêque".encode())
    path = tmp_path / "cp1252.csv"
    path.write_bytes(b"\r\n".join(lines).decode("utf-8").encode("cp1252"))
    result = ingest_file(hub, path, "mlw")
    assert result.ok and result.report.rows_accepted == 3
    assert any("cp1252" in n for n in result.report.notes)
    site = hub.lake.read_table("events", result.dataset_id, result.version)
    from litterhub.services.datasets import get_site

    names = {get_site(hub, s)["name"] for s in set(site.column("site_id").to_pylist())}
    assert "Plage de l'Évêque" in names


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("G3", b"-4", "litter-negative-count"),
        ("G3", b"01-Oct", "type-error"),
        ("EventDate", (date.today() + timedelta(days=400)).strftime("%Y%m%d").encode(), "litter-future-date"),
        ("EventDate", b"2019-13-45", "type-error"),
        ("lat_y1", b"123.5", "litter-coordinates-out-of-range"),
    ],
)
def test_bad_cell_rejects_its_row_with_line_column_and_code(hub, tmp_path, column, value, code):
    lines = [ln for ln in _lines() if ln][:6]
    lines[3] = _cell(lines[3], lines[0], column, value)
    path = _write(tmp_path, "bad.csv", lines)
    code_, out = _ingest_cli(hub, path)
    assert code_ == 0  # the rest of the file is usable
    assert out["rows_in"] == 5 and out["rows_rejected"] == 1 and out["rows_accepted"] == 4
    err = [e for e in out["errors"] if e["code"] == code]
    assert err and err[0]["line"] == 4 and err[0]["column"] == column and err[0]["message"]


def test_duplicated_survey_is_rejected_once(hub, tmp_path):
    lines = [ln for ln in _lines() if ln][:4]
    lines.append(lines[2])
    path = _write(tmp_path, "dup.csv", lines)
    _, out = _ingest_cli(hub, path)
    assert out["rows_in"] == 4 and out["rows_rejected"] == 1
    assert [(e["line"], e["code"]) for e in out["errors"]] == [(5, "duplicate-row")]


def test_all_rows_bad_means_unusable_and_nothing_stored(hub, tmp_path):
    lines = [ln for ln in _lines() if ln][:3]
    lines[1] = _cell(lines[1], lines[0], "G3", b"-1")
    lines[2] = _cell(lines[2], lines[0], "G3", b"-2")
    path = _write(tmp_path, "allbad.csv", lines)
    code, out = _ingest_cli(hub, path)
    assert code != 0 and out["rows_accepted"] == 0 and out["rows_rejected"] == 2
    assert _nothing_stored(hub)


def test_binary_and_spreadsheet_files_are_refused_cleanly(hub, tmp_path):
    path = tmp_path / "fake.csv"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    code, out = _ingest_cli(hub, path)
    assert code != 0 and out["errors"][0]["code"] == "format-error"
    assert _nothing_stored(hub)


def test_repeated_transect_ids_are_kept_apart_not_merged(hub, tmp_path):
    """Two MDMAP rows with the same survey and transect ids but different counts stay two transects."""
    with MDMAP.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    twin = list(rows[1])
    twin[header.index("transect_notes")] = "recount by a second team"
    path = tmp_path / "twin.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, rows[1], twin])
    result = ingest_file(hub, path, "mdmap", "twin")
    assert result.ok and result.report.rows_accepted == 2
    assert result.report.counts["litter-duplicate-event"] == 1
    events = hub.lake.read_table("events", "twin", 1)
    assert len(set(events.column("event_id").to_pylist())) == 2


def test_an_adapter_yielding_one_id_twice_is_refused_cleanly(hub, monkeypatch):
    """If an adapter ever yields the same event id twice, the service refuses the file (no IntegrityError)."""
    import pyarrow as pa

    from litterhub.ingest import mdmap
    from litterhub.ingest.base import AdapterBatch

    original = mdmap.MDMAP.read

    def same_ids(self, info, report):
        for batch in original(self, info, report):
            n = batch.events.num_rows
            events = batch.events.set_column(batch.events.column_names.index("source_event_id"), "source_event_id",
                                             pa.array(["same"] * n, pa.string()))
            yield AdapterBatch(events, batch.observations, batch.sites, batch.particles)

    monkeypatch.setattr(mdmap.MDMAP, "read", same_ids)
    result = ingest_file(hub, MDMAP, "mdmap", "broken")
    assert not result.ok
    assert result.report.counts["litter-duplicate-event-id"] == 69
    assert _nothing_stored(hub)


def test_impossible_dates_are_rejected_not_rolled_over(hub, tmp_path):
    """Arrow's strptime reads 20190231 as 3 March; the hub rejects it as a type error."""
    lines = [ln for ln in _lines() if ln][:4]
    lines[2] = _cell(lines[2], lines[0], "EventDate", b"20190231")
    path = _write(tmp_path, "feb31.csv", lines)
    _, out = _ingest_cli(hub, path)
    assert out["rows_rejected"] == 1
    assert [(e["line"], e["code"], e["column"]) for e in out["errors"]] == [(3, "type-error", "EventDate")]


def test_effort_by_area_is_not_flagged_missing():
    """An event surveyed by area (no length) gets a density per m² and no effort flag."""
    import pyarrow as pa

    from litterhub.harmonize.density import add_densities
    from litterhub.model.schema import EVENT_SCHEMA, conform

    events = conform(pa.table({"event_id": ["a", "b"], "dataset_id": ["d", "d"], "version": [1, 1],
                               "total_count": [7.0, 3.0], "length_m": [None, None], "area_m2": [7.0, None]}),
                     EVENT_SCHEMA)
    dens = add_densities(events)
    assert dens.events.column("items_per_m2").to_pylist() == [1.0, None]
    assert dens.events.column("qc_flags").to_pylist() == [[], ["litter-effort-missing"]]


# --- broken versions of the other programmes' real files ----------------------------------------------------

def _read_rows(path, delimiter=","):
    with path.open(newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def _write_rows(path, rows, delimiter=","):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _issues(result):
    return {(i.code, i.line) for i in result.report.errors + result.report.warnings}


def test_tides_bad_cells_are_located_and_rows_balance(shared_data, tmp_path, hub):
    rows = _read_rows(shared_data / "ocean-conservancy-tides" / "cleanswell_nov22.csv")[:8]
    h = rows[0]
    rows[1][h.index("Cleanup Date")] = "2022-13-45"       # not a date in either format
    rows[2][h.index("GPS")] = "somewhere on the beach"    # kept, location empty
    rows[3][h.index("Cigarette butts")] = "-4"            # negative count
    rows[4] = rows[4][:10]                                 # truncated record
    path = tmp_path / "tides-broken.csv"
    _write_rows(path, rows)
    result = ingest_file(hub, path, "auto")
    r = result.report
    assert result.format == "tides" and result.ok
    assert r.rows_in == 7 == r.rows_accepted + r.rows_rejected
    assert r.rows_rejected == 3
    issues = _issues(result)
    assert {("type-error", 2), ("litter-negative-count", 4), ("missing-cell", 5), ("type-error", 3)} <= issues


def test_ospar_native_date_in_the_wrong_format_is_rejected(shared_data, tmp_path, hub):
    rows = _read_rows(shared_data / "ospar-nl-litteR" / "beach-litter-nl-2012-2017-ospar-export.csv")[:6]
    h = rows[0]
    rows[1][h.index("Survey date")] = "2012-01-27"   # ISO in a dd/mm/yyyy column: not guessed
    rows[2][h.index("Plastic: Bags [2]")] = "many"
    path = tmp_path / "ospar-broken.csv"
    _write_rows(path, rows)
    result = ingest_file(hub, path, "auto")
    assert result.format == "ospar"
    assert result.report.rows_in == 5 and result.report.rows_rejected == 2
    assert {("type-error", 2), ("type-error", 3)} <= _issues(result)


def test_hammerdirt_header_only_and_bad_quantity(shared_data, tmp_path, hub):
    rows = _read_rows(shared_data / "hammerdirt-swiss" / "iqaasl_end_process" / "after_may_2021.csv")
    only = tmp_path / "hd-empty.csv"
    _write_rows(only, rows[:1])
    empty = ingest_file(hub, only, "hammerdirt")
    assert not empty.ok and empty.report.counts["litter-no-data-rows"] == 1
    broken = rows[:50]
    broken[5][broken[0].index("quantity")] = "a few"
    path = tmp_path / "hd-broken.csv"
    _write_rows(path, broken)
    result = ingest_file(hub, path, "auto")
    assert result.ok and result.report.rows_rejected == 1
    assert ("type-error", 6) in _issues(result)


def test_seafloor_unit_other_than_items_per_haul_is_refused(shared_data, tmp_path, hub):
    rows = _read_rows(shared_data / "emodnet-litter-format" / "seafloor" / "Output_multiple_sheet_def.csv", "\t")[:10]
    rows[3][rows[0].index("UnitItem")] = "items/km2"
    path = tmp_path / "seafloor.csv"
    _write_rows(path, rows, "\t")
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
