"""NCEI microplastics and Eriksen surface trawls on the real files, checked against the raw CSVs."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pyarrow.compute as pc
import pytest

from litterhub.ingest.formats import detect
from litterhub.ingest.textio import sniff
from litterhub.model.schema import EVENT_SCHEMA, unit_of


def _rows(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("name", ["NPSG_East_Marine_Microplastics_WGS84.csv",
                                  "NPSG_West_Marine_Microplastics_WGS84.csv"])
def test_ncei(shared_data, ingest, name):
    path = shared_data / "ncei-microplastics" / name
    rows = _rows(path)
    result, events, observations, _ = ingest(path, "ncei-" + name[:9].lower().replace("_", "-"))
    r = result.report
    assert detect(sniff(path)).adapter.name == "ncei"
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected
    assert events.num_rows == len({row["OBJECTID"] for row in rows})
    dates = [datetime.strptime(row["Date"], "%m/%d/%Y %I:%M:%S %p").date() for row in rows]
    lo, hi = pc.min_max(events.column("event_date")).values()
    assert (lo.as_py(), hi.as_py()) == (min(dates), max(dates))
    # pieces/m3 stored as a measurement (concentration, per one reference m3), never as an item count, never
    # converted: each event's concentration is its row's Measurement
    units = {row["Unit"] for row in rows}
    assert units == {"pieces/m3"}
    assert pc.all(pc.equal(events.column("volume_m3"), 1.0)).as_py()
    assert pc.sum(events.column("area_m2")).as_py() is None
    measured = {row["OBJECTID"]: float(row["Measurement"]) for row in rows}
    stored = dict(zip(events.column("source_event_id").to_pylist(), events.column("concentration").to_pylist(),
                      strict=True))
    assert stored == pytest.approx({k: measured[k] for k in stored})
    assert set(events.column("concentration_unit").to_pylist()) == {"particles/m3"}
    assert pc.count(events.column("total_count")).as_py() == 0 and pc.count(observations.column("count")).as_py() == 0
    assert not pc.any(observations.column("counts_toward_total")).as_py()
    assert pc.count(events.column("items_per_m2")).as_py() == 0  # a volume concentration is no areal density
    assert unit_of(EVENT_SCHEMA, "volume_m3") == "m3"
    assert any("pieces/m3" in n for n in r.notes)
    assert set(observations.column("source_scheme").to_pylist()) == {"ncei-microplastics"}


def test_ncei_rejects_units_it_cannot_place(hub, tmp_path, shared_data):
    from litterhub.services.ingest import ingest_file

    src = (shared_data / "ncei-microplastics" / "NPSG_West_Marine_Microplastics_WGS84.csv").read_text(encoding="utf-8")
    lines = src.splitlines()
    lines[2] = lines[2].replace("pieces/m3", "pieces per bucket")
    path = tmp_path / "ncei.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_file(hub, path, "auto", dry_run=True)
    assert result.report.counts["litter-unit-unknown"] == 1
    assert result.report.rows_rejected == 1
    assert result.report.errors[0].line == 3


def test_eriksen_final_merge(shared_data, ingest):
    path = shared_data / "eriksen2023-surface-trawls" / "FinalMerge.csv"
    rows = _rows(path)
    result, events, observations, _ = ingest(path, "eriksen-finalmerge")
    r = result.report
    assert detect(sniff(path)).adapter.name == "eriksen"
    no_value = [row for row in rows if row["X..km2"] == "NA"]
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected
    assert r.rows_rejected == len(no_value)
    assert events.num_rows == len(rows) - len(no_value)
    kept = [row for row in rows if row["X..km2"] != "NA"]
    # pieces/km² is a density, stored as one (event items_per_m2, observation items_per_km2), never as a count
    per_km2 = events.column("items_per_m2").to_numpy(zero_copy_only=False) * 1e6
    assert per_km2.sum() == pytest.approx(sum(float(x["X..km2"]) for x in kept))
    assert pc.count(events.column("total_count")).as_py() == 0
    assert pc.count(observations.column("count")).as_py() == 0
    assert not pc.any(observations.column("counts_toward_total")).as_py()
    totals = observations.filter(pc.equal(observations.column("source_code"), "X..km2"))
    assert totals.num_rows == events.num_rows
    assert pc.sum(totals.column("items_per_km2")).as_py() == pytest.approx(per_km2.sum())
    years = [int(x["Year"]) for x in kept]
    lo, hi = pc.min_max(events.column("event_date")).values()
    assert (lo.as_py().year, hi.as_py().year) == (min(years), max(years))
    # the density refers to a reference km2 (10^6 m2): items_per_m2 is the file's value / 10^6; no m3 anywhere
    assert pc.all(pc.equal(events.column("area_m2"), 1e6)).as_py()
    assert pc.count(events.column("volume_m3")).as_py() == 0
    by_line = {int(line): float(v) for line, v in zip(events.column("source_line").to_pylist(),
                                                      events.column("items_per_m2").to_pylist(), strict=True)}
    for i, row in enumerate(rows, start=2):
        if i in by_line:
            assert by_line[i] == pytest.approx(float(row["X..km2"]) / 1e6, rel=1e-12)
    assert "litter-effort-missing" not in r.counts  # the reference km2 is the density's effort
    # odd mesh values (not 20-2000 um) flagged and not used as mesh
    odd = [x for x in kept if not 20 <= float(x["Mesh.Size"]) <= 2000]
    flags = pc.list_flatten(events.column("qc_flags")).to_pylist()
    flagged = flags.count("litter-mesh-suspect")
    assert flagged == len(odd) > 0
    assert r.counts["litter-mesh-suspect"] == len(odd)
    assert pc.max(events.column("mesh_um")).as_py() <= 2000
    day_missing = [x for x in kept if x["Day"] == "NA"]
    assert r.counts["litter-date-partial"] == len(day_missing)


def test_eriksen_2014_thousands_separators(shared_data, ingest):
    path = shared_data / "eriksen2023-surface-trawls" / "raw" / "Eriksen.csv"
    rows = _rows(path)
    result, events, _, _ = ingest(path, "eriksen-2014")
    r = result.report
    assert detect(sniff(path)).adapter.name == "eriksen"
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected
    quoted = [x for x in rows if "," in x["Count/km^2 .335-.999 mm"]]
    assert quoted, "the raw file has thousands separators inside quoted numbers"
    # every accepted tow's total equals the file's own value without separators
    lines = events.column("source_line").to_pylist()
    totals = dict(zip(lines, events.column("items_per_m2").to_pylist(), strict=True))
    for i, row in enumerate(rows, start=2):
        if i in totals:
            assert totals[i] * 1e6 == pytest.approx(float(row["Total pieces/km^2"].replace(",", "")))
    assert r.counts["litter-mesh-suspect"] == sum(1 for x in rows if x["Mesh Size"].startswith(">"))
    assert isinstance(events.column("event_date")[0].as_py(), date)


def test_ncei_mixed_units_are_each_placed_not_mixed(hub, tmp_path, shared_data):
    from litterhub.services.ingest import ingest_file

    src = shared_data / "ncei-microplastics" / "NPSG_West_Marine_Microplastics_WGS84.csv"
    with src.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    unit = rows[0].index("Unit")
    rows[2][unit] = "pieces kg-1 d.w."
    rows[3][unit] = "pieces/10 mins"
    path = tmp_path / "ncei-mixed.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = ingest_file(hub, path, "auto", "ncei-mixed")
    assert result.ok and result.report.rows_rejected == 0
    events = hub.lake.read_table("events", "ncei-mixed", result.version)
    by_line = {e["source_line"]: e for e in events.to_pylist()}
    assert by_line[3]["dry_mass_kg"] == 1 and by_line[3]["volume_m3"] is None
    assert by_line[3]["compartment"] == "sediment"
    assert by_line[4]["duration_min"] == 10 and by_line[4]["volume_m3"] is None
    assert by_line[5]["volume_m3"] == 1
    # each row keeps its own unit beside its concentration (the file's Measurement), never a count
    units = {3: "particles/kg dw", 4: "particles/10 min", 5: "particles/m3"}
    for line, unit in units.items():
        assert by_line[line]["concentration_unit"] == unit and by_line[line]["total_count"] is None
        assert by_line[line]["concentration"] == pytest.approx(float(rows[line - 1][rows[0].index("Measurement")]))
    note = next(n for n in result.report.notes if n.startswith("Unit column"))
    assert "'pieces kg-1 d.w.'" in note and "'pieces/10 mins'" in note


def test_sea_education_tows(shared_data, ingest):
    path = shared_data / "eriksen2023-surface-trawls" / "raw" / "SEAEd1.csv"
    rows = _rows(path)
    result, events, _, _ = ingest(path, "sea-education")
    r = result.report
    assert detect(sniff(path)).adapter.name == "eriksen"
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected
    assert events.num_rows == r.rows_accepted
    years = [int(x["Year"]) for x in rows]
    lo, hi = pc.min_max(events.column("event_date")).values()
    assert (lo.as_py().year, hi.as_py().year) == (min(years), max(years))
    assert pc.sum(events.column("items_per_m2")).as_py() * 1e6 == pytest.approx(
        sum(float(x["Debris density (#/km2)"]) for x in rows))
    assert pc.count(events.column("total_count")).as_py() == 0  # densities, not counts
    assert any("Not Adjusted" in n for n in r.notes)


def test_repeated_sample_id_rejects_only_the_later_row(hub, tmp_path, shared_data):
    from litterhub.services.ingest import ingest_file

    src = shared_data / "ncei-microplastics" / "NPSG_West_Marine_Microplastics_WGS84.csv"
    with src.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    oid = rows[0].index("OBJECTID")
    rows[6][oid] = rows[2][oid]  # line 7 reuses the id of line 3 with other contents
    path = tmp_path / "ncei-repeat.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    result = ingest_file(hub, path, "auto", "ncei-repeat")
    r = result.report
    assert result.ok and r.rows_rejected == 1 and r.rows_accepted == len(rows) - 2
    assert [(e.line, e.code) for e in r.errors] == [(7, "litter-duplicate-event-id")]
