"""Pla'stock, Plastic Pirates and OpenLitterMap on the real files, checked against the raw CSVs."""

from __future__ import annotations

import csv
from datetime import date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from litterhub.ingest.base import site_ids
from litterhub.ingest.formats import detect
from litterhub.ingest.textio import sniff


def _rows(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _plastock_date(text: str) -> date:
    """Independent reading of the two forms the source documents: dd.mm.yyyy and m/d/yyyy."""
    return datetime.strptime(text, "%d.%m.%Y").date() if "." in text else datetime.strptime(text, "%m/%d/%Y").date()


def test_plastock_macro(shared_data, ingest):
    path = shared_data / "plastock-leman" / "macro_current.csv"
    rows = _rows(path)
    result, events, observations, _ = ingest(path, "plastock-macro")
    r = result.report
    assert detect(sniff(path)).adapter.name == "plastock"
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected
    keys = [tuple(x.values()) for x in rows]
    duplicates = len(keys) - len(set(keys))
    assert r.rows_rejected == duplicates
    assert events.num_rows == len({(x["Plage"], x["Position"], _plastock_date(x["Date"]), x["Aire"]) for x in rows})
    dates = [_plastock_date(x["Date"]) for x in rows]
    lo, hi = pc.min_max(events.column("event_date")).values()
    assert (lo.as_py(), hi.as_py()) == (min(dates), max(dates))
    # the mixed date formats are counted in a note, and ambiguous slash dates are listed
    dotted = sum("." in x["Date"] for x in rows)
    slashed = sum("/" in x["Date"] for x in rows)
    assert any(f"{dotted} dd.mm.yyyy" in n and f"{slashed} slash" in n for n in r.notes)
    ambiguous = [x for x in rows if "/" in x["Date"] and all(int(p) <= 12 for p in x["Date"].split("/")[:2])
                 and x["Date"].split("/")[0] != x["Date"].split("/")[1]]
    assert r.counts["litter-date-ambiguous"] == len(ambiguous) > 0
    # items per m2: effort is the surveyed area, counts summed per event
    assert pc.sum(observations.column("count")).as_py() == sum(int(x["Quantité"]) for x in rows) - sum(
        int(x["Quantité"]) for i, x in enumerate(rows) if keys[i] in keys[:i])
    per_m2 = events.column("items_per_m2").to_numpy(zero_copy_only=False)
    assert np.allclose(per_m2, events.column("total_count").to_numpy() / events.column("area_m2").to_numpy())
    assert pc.count(events.column("items_per_100m")).as_py() == 0
    # OSPAR codes written as floats (15.0) are kept as integers in the cross-reference flags
    flags = set(pc.list_flatten(observations.column("flags")).to_pylist())
    assert "ospar:15" in flags and not any(f.endswith(".0") for f in flags)
    # asl_beaches.csv: x is the latitude, y the longitude
    beaches = {x["Plage"]: x for x in _rows(shared_data / "plastock-leman" / "asl_beaches.csv")}
    sid = site_ids("Pla'stock (ASL, Lake Geneva)", pa.array(["Amphion"])).to_pylist()[0]
    amphion = events.filter(pc.equal(events.column("site_id"), sid)).to_pylist()
    assert amphion and amphion[0]["lat"] == pytest.approx(float(beaches["Amphion"]["x"]))
    assert amphion[0]["lon"] == pytest.approx(float(beaches["Amphion"]["y"]))


def test_plastock_micro(shared_data, ingest):
    path = shared_data / "plastock-leman" / "micro_results.csv"
    rows = _rows(path)
    result, events, observations, _ = ingest(path, "plastock-micro")
    r = result.report
    assert detect(sniff(path)).adapter.name == "plastock"
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected == events.num_rows
    assert pc.all(pc.equal(events.column("area_m2"), 0.01)).as_py()
    # the file's own per-core total `added` equals the sum of the colour counts
    assert pc.sum(events.column("total_count")).as_py() == pytest.approx(sum(float(x["added"]) for x in rows))
    fibres = pc.sum(pc.filter(observations.column("count"), pc.equal(observations.column("shape"), "fibre"))).as_py()
    assert fibres == pytest.approx(sum(float(x["fibres"]) for x in rows))
    # particles per m2 = count x 100 (derived by harmonize, not the adapter)
    per_m2 = events.column("items_per_m2").to_numpy(zero_copy_only=False)
    assert np.allclose(per_m2, events.column("total_count").to_numpy() * 100)
    assert pc.count(events.column("event_date")).as_py() == 0


def _pp_qualified(x, group):
    return x["DatasetQualified"] != "0" and x[f"{group}_Qualified"] == "1"


def _no_personal_data(*tables):
    for table in tables:
        for name in table.column_names:
            if table.schema.field(name).type == "string":
                values = [v for v in table.column(name).to_pylist() if v]
                assert not any("@" in v or "[redacted]" in v for v in values), name


def test_plastic_pirates_riverbank(shared_data, ingest):
    path = shared_data / "plastic-pirates-eu" / "riverbank" / "Riverbank_data_v2.0.0.csv"
    rows = _rows(path)
    result, events, observations, _ = ingest(path, "pp-riverbank")
    r = result.report
    assert detect(sniff(path)).adapter.name == "plastic-pirates"
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected
    a = [x for x in rows if _pp_qualified(x, "RiversideLitterCircles")]
    b = [x for x in rows if _pp_qualified(x, "RiversideWasteVariety")]
    accepted = {x["DatasetID"] for x in a} | {x["DatasetID"] for x in b}
    assert r.rows_accepted == len(accepted)
    assert events.num_rows == len(a) + len(b)
    dates = [date.fromisoformat(x["SamplingDate"]) for x in rows if x["DatasetID"] in accepted]
    lo, hi = pc.min_max(events.column("event_date")).values()
    assert (lo.as_py(), hi.as_py()) == (min(dates), max(dates))
    # group A: circles of 7 m2; the file's own average per m2 agrees for the rows whose numbers are consistent
    ev_a = events.filter(pc.match_substring(events.column("source_event_id"), "/A"))
    assert pc.all(pc.equal(pc.divide(ev_a.column("area_m2"), 7.0), pc.round(pc.divide(ev_a.column("area_m2"), 7.0)))
                  ).as_py()
    # group B: the file's own total is kept beside the sum of item counts; every disagreement is reported
    not_items = {"SingleUsePlasticTotal", "TotalNumber(incl.SUP)", "ProportionSingleUsePlastic",
                 "LengthOfRiverbankSearchedM", "WidthOfRiverbankSearchedM", "WeightPlasticWasteKG",
                 "WeightAllWasteKG", "ResultsComment"}
    head = "RiversideWasteVariety_Results_"
    item_cols = [c for c in rows[0] if c.startswith(head) and c[len(head):] not in not_items]
    total_col = head + "TotalNumber(incl.SUP)"
    mismatches = 0
    for x in b:
        if x["DatasetID"] not in accepted or x[total_col] in ("na", "NA", ""):
            continue
        items = sum(float(x[c]) for c in item_cols if x[c] not in ("na", "NA", ""))
        mismatches += abs(items - float(x[total_col])) > 1e-9
    reported = [w for w in r.warnings if w.code == "litter-total-mismatch" and w.column == total_col]
    assert len(reported) == mismatches
    ev_b = events.filter(pc.match_substring(events.column("source_event_id"), "/B"))
    assert pc.count(ev_b.column("source_total")).as_py() > 0
    disqualified = sum(x["DatasetQualified"] == "0" for x in rows)
    assert r.counts["litter-disqualified"] == disqualified
    _no_personal_data(events, observations)


def test_plastic_pirates_floating_and_particles(shared_data, ingest):
    folder = shared_data / "plastic-pirates-eu" / "floating"
    floating = _rows(folder / "Floating_data_v2.0.0.csv")
    result, events, observations, _ = ingest(folder / "Floating_data_v2.0.0.csv", "pp-floating")
    r = result.report
    assert r.rows_in == len(floating) == r.rows_accepted + r.rows_rejected
    macro = [x for x in floating if _pp_qualified(x, "FloatingMacro")]
    micro = [x for x in floating if _pp_qualified(x, "FloatingMicro")]
    assert events.num_rows == len(macro) + len(micro)

    particles_path = folder / "Particle_data_v2.0.0.csv"
    rows = _rows(particles_path)
    result, p_events, _, particles = ingest(particles_path, "pp-particles")
    r = result.report
    assert detect(sniff(particles_path)).adapter.name == "plastic-pirates"
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected
    ok_micro = {x["DatasetID"] for x in floating if x["DatasetQualified"] != "0"
                and x["FloatingMicro_Qualified"] == "1"}
    known = {x["DatasetID"] for x in floating}
    rejected = [x for x in rows if x["DatasetID"] in known and x["DatasetID"] not in ok_micro]
    assert r.rows_rejected == len(rejected)
    assert particles.num_rows <= r.rows_accepted
    sizes = {x["MicroplasticID"]: x["SizeMM"] for x in rows if x["DatasetID"] in ok_micro
             and x["MicroplasticID"] != "na"}
    sample = particles.filter(pc.is_valid(particles.column("size_um"))).slice(0, 50).to_pylist()
    for p in sample:
        if p["particle_id"] in sizes:
            assert p["size_um"] == pytest.approx(float(sizes[p["particle_id"]]) * 1000)
    assert set(particles.column("shape").to_pylist()) >= {"fragment", "film"}
    assert "FTIR" in set(particles.column("id_method").to_pylist())
    _no_personal_data(p_events, particles)


def test_openlittermap(shared_data, ingest):
    path = shared_data / "openlittermap-italy" / "olm-data.csv"
    rows = _rows(path)
    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    result, events, observations, _ = ingest(path, "olm-italy")
    r = result.report
    assert detect(sniff(path)).adapter.name == "olm"
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected == events.num_rows
    assert set(events.column("event_type").to_pylist()) == {"photo"}
    assert pc.count(events.column("items_per_100m")).as_py() == 0
    assert pc.count(events.column("items_per_m2")).as_py() == 0
    dates = [date.fromisoformat(x["date_taken"][:10]) for x in rows]
    lo, hi = pc.min_max(events.column("event_date")).values()
    assert (lo.as_py(), hi.as_py()) == (min(dates), max(dates))
    # brand columns (after BRANDS up to the next upper-case marker) and markers are not items
    start = header.index("total_litter") + 1
    section, item_idx = None, []
    for i in range(start, len(header)):
        name = header[i]
        if name.isupper():
            section = name
        elif section != "BRANDS" and not name.startswith("custom_tag"):
            item_idx.append(i)
    with path.open(encoding="utf-8", newline="") as fh:
        raw = list(csv.reader(fh))[1:]
    expected = {row[0]: sum(float(row[i]) for i in item_idx if row[i].strip()) for row in raw}
    got = dict(zip(events.column("source_event_id").to_pylist(), events.column("total_count").to_pylist(),
                   strict=True))
    assert got == pytest.approx(expected)
    codes = set(observations.column("source_code").to_pylist())
    assert "smoking.butts" in codes and not any(c.startswith("brands.") for c in codes)
    # personal metadata (street addresses, phone models) is not stored anywhere
    stored = " ".join(str(v) for t in (events, observations) for c in t.columns for v in c.to_pylist() if v)
    assert "Via dei Bardi" not in stored and "iPhone" not in stored


def test_plastock_micro_long_form(shared_data, ingest):
    path = shared_data / "plastock-leman" / "long_form_micro.csv"
    rows = _rows(path)
    result, events, observations, _ = ingest(path, "plastock-micro-long")
    r = result.report
    assert detect(sniff(path)).adapter.name == "plastock"
    assert r.rows_in == len(rows) == r.rows_accepted + r.rows_rejected == observations.num_rows
    assert events.num_rows == len({x["échantillon"] for x in rows})
    assert pc.sum(events.column("total_count")).as_py() == pytest.approx(sum(float(x["compte"]) for x in rows))
    fibres = pc.sum(pc.filter(observations.column("count"), pc.equal(observations.column("shape"), "fibre"))).as_py()
    assert fibres == pytest.approx(sum(float(x["compte"]) for x in rows if x["objet"] == "fibres"))
    assert pc.all(pc.equal(events.column("area_m2"), 0.01)).as_py()
