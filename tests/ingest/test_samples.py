"""Each adapter's own logic on a small synthetic input in its programme's real column layout (tests/ingest/samples/:
a few rows written for the test, the header copied from a real export), so it is tested without ../shared/data.
`mcs.xlsx` was written with openpyxl (the MCS sheet's 157 columns, three rows).

Every expected figure below is worked out by hand from the rows in the sample file, in the comment beside it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parent / "samples"

# file -> (format, rows in, accepted, rejected, {(code, line, column)} of the errors, warning codes)
REPORTS = {
    "mlw.csv": ("mlw", 3, 2, 1, {("type-error", 4, "EventDate")}, set()),  # 20231345: month 13
    "mdmap.csv": ("mdmap", 2, 2, 0, set(), {"litter-total-mismatch"}),  # transect 2 states 4, counts 3
    "tides.csv": ("tides", 2, 1, 1, {("type-error", 3, "Cleanup Date")}, set()),  # 11/31/2022
    "hammerdirt.csv": ("hammerdirt", 4, 3, 1, {("required-value", 5, "quantity")}, set()),
    "ospar.csv": ("ospar", 3, 2, 1, {("type-error", 4, "Survey date")}, set()),  # ISO date in dd/mm/yyyy
    "emodnet-seafloor.csv": ("emodnet", 3, 2, 1, {("constraint-error", 4, "UnitItem")}, set()),  # items/km2
    "ncei.csv": ("ncei", 3, 2, 1, {("litter-unit-unknown", 4, "Unit")}, set()),  # "handfuls"
    "olm.csv": ("olm", 2, 1, 1, {("litter-coordinates-out-of-range", 3, "lat")}, set()),  # latitude 143.77
    "eriksen.csv": ("eriksen", 3, 2, 1, {("required-value", 4, "Latitude")}, set()),  # a tow without position
    "plastock-macro.csv": ("plastock", 3, 2, 1, {("required-value", 4, "Code")}, set()),  # an item without code
    "plastic-pirates-riverbank.csv": ("plastic-pirates", 2, 1, 1, {("litter-disqualified", 3, "DatasetQualified")},
                                      {"litter-not-sampled"}),  # pt_9002 disqualified; no litter circles done
    "mcs.xlsx": ("mcs", 3, 2, 1, {("type-error", 4, "Date of Survey")}, set()),  # "next Tuesday" in a date cell
}


def _events(ingested) -> dict[str, dict]:
    return {e["source_event_id"]: e for e in ingested.events.to_pylist()}


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_sample_is_detected_and_every_row_accounted_for(name, module_hub):
    from litterhub.services.ingest import ingest_file

    fmt, rows_in, accepted, rejected, errors, warnings = REPORTS[name]
    result = ingest_file(module_hub, SAMPLES / name, "auto", dry_run=True)
    report = result.report
    assert result.format == fmt and result.ok
    assert (report.rows_in, report.rows_accepted, report.rows_rejected) == (rows_in, accepted, rejected)
    assert {(e.code, e.line, e.column) for e in report.errors} == errors
    assert {w.code for w in report.warnings} == warnings


def test_mlw_totals_and_densities(ingest):
    events = _events(ingest(SAMPLES / "mlw.csv"))
    assert len(events) == 2
    april, july = sorted(events.values(), key=lambda e: e["event_date"])
    assert april["event_date"] == date(2023, 4, 15) and july["event_date"] == date(2023, 7, 16)
    assert (april["total_count"], april["length_m"], april["items_per_100m"]) == (7, 100, 7)  # G1 3 + G3 4
    assert (july["total_count"], july["length_m"], july["items_per_100m"]) == (12, 50, 24)  # G7 10 + G95 2 on 50 m
    assert april["lat"] == pytest.approx(41.7015) and april["lon"] == pytest.approx(-8.8705)  # midpoint of the stretch


def test_mdmap_transects_with_width_and_area(ingest):
    got = ingest(SAMPLES / "mdmap.csv")
    events = _events(got)
    assert set(events) == {"77001/1", "77001/2"}
    first = events["77001/1"]
    assert (first["total_count"], first["length_m"], first["area_m2"]) == (8, 5, 200)  # 5 m transect x 40 m wide
    assert first["items_per_100m"] == pytest.approx(160) and first["items_per_m2"] == pytest.approx(0.04)
    assert events["77001/2"]["total_count"] == 3  # the items, not the stated 4
    counts = {(o["source_code"], o["count"]) for o in got.observations.to_pylist() if o["count"]}
    assert {("plastic:fragments-hard", 5), ("plastic:bags", 1), ("metal:other", 2), ("plastic:cigarettes", 3)} <= counts


def test_tides_converts_miles_and_reads_gps(ingest):
    events = _events(ingest(SAMPLES / "tides.csv"))
    assert list(events) == ["990001"]
    cleanup = events["990001"]
    assert cleanup["total_count"] == 22 and cleanup["people"] == 4  # 20 butts + 2 bags; 3 adults + 1 child
    assert cleanup["length_m"] == pytest.approx(0.5 * 1609.344)  # statute miles
    assert (cleanup["lat"], cleanup["lon"]) == (33.8, -118.0)


def test_hammerdirt_long_rows_make_one_survey(ingest):
    events = _events(ingest(SAMPLES / "hammerdirt.csv"))
    assert list(events) == ["synthetic-plage/2021-08-01"]  # the September row had no quantity: rejected
    survey = events["synthetic-plage/2021-08-01"]
    assert (survey["total_count"], survey["length_m"], survey["items_per_100m"]) == (12, 20, 60)  # 8 + 4 + 0 on 20 m


def test_ospar_native_export_is_per_100_m_and_flags_the_off_period_survey(ingest):
    events = _events(ingest(SAMPLES / "ospar.csv"))
    assert set(events) == {"XX901/2019-03-15", "XX901/2019-08-20"}
    march, august = events["XX901/2019-03-15"], events["XX901/2019-08-20"]
    assert (march["total_count"], march["length_m"], march["items_per_100m"]) == (10, 100, 10)  # bags 6 + rope 4
    assert march["qc_flags"] == [] and august["qc_flags"] == ["litter-outside-survey-period"]  # Period -1


def test_emodnet_seafloor_haul_and_swept_area(ingest):
    events = _events(ingest(SAMPLES / "emodnet-seafloor.csv"))
    assert list(events) == ["XX_Synthetic_21_2021-05-10/7"]
    haul = events["XX_Synthetic_21_2021-05-10/7"]
    assert haul["total_count"] == 5  # G10 3 + G61 2; the items/km2 row was refused
    assert haul["area_m2"] == 20_000  # Distance 1 000 m x WingSpread 20 m
    assert haul["items_per_m2"] == pytest.approx(5 / 20_000)
    assert haul["lat"] == pytest.approx(45.0045)  # midpoint of shoot and haul


def test_ncei_concentrations_are_kept_as_published_not_counted(ingest):
    got = ingest(SAMPLES / "ncei.csv")
    events = _events(got)
    assert set(events) == {"90001", "90002"}
    tow = events["90001"]
    assert (tow["concentration"], tow["concentration_unit"], tow["volume_m3"]) == (0.25, "particles/m3", 1)
    assert tow["total_count"] is None and tow["event_date"] == date(2015, 6, 15)
    assert events["90002"]["concentration"] == 0  # a zero is a measurement, not a missing value
    assert not any(o["counts_toward_total"] for o in got.observations.to_pylist())


def test_olm_photo_tags_become_items(ingest):
    got = ingest(SAMPLES / "olm.csv")
    events = _events(got)
    assert list(events) == ["80001"]  # the photo at latitude 143.77 was rejected
    photo = events["80001"]
    assert (photo["event_type"], photo["total_count"], photo["event_date"]) == ("photo", 7, date(2021, 5, 2))
    counts = {o["source_code"]: o["count"] for o in got.observations.to_pylist()}
    assert counts == {"smoking.butts": 5, "alcohol.bottleTops": 2}  # butts 5 + bottleTops 2 = total_litter 7


def test_eriksen_tows_are_areal_concentrations_over_one_km2(ingest):
    events = _events(ingest(SAMPLES / "eriksen.csv"))
    assert set(events) == {"1", "2"}
    tow = events["1"]
    assert (tow["source_total"], tow["area_m2"]) == (12_000, 1_000_000)  # pieces/km2 against 1 km2 of effort
    assert tow["items_per_m2"] == pytest.approx(12_000 / 1e6)
    assert tow["total_mass_kg"] == pytest.approx(40.5 / 1000)  # 40.5 g/km2
    assert (tow["mesh_um"], tow["event_date"]) == (333, date(2018, 8, 3))
    assert events["2"]["items_per_m2"] == 0  # a zero tow stays a measured zero


def test_plastock_macro_rows_make_one_survey_per_area(ingest):
    got = ingest(SAMPLES / "plastock-macro.csv")
    events = got.events.to_pylist()
    assert len(events) == 1
    survey = events[0]
    assert (survey["total_count"], survey["area_m2"], survey["duration_min"]) == (15, 50, 30)  # G21 6 + G27 9
    assert survey["items_per_m2"] == pytest.approx(15 / 50) and survey["event_date"] == date(2022, 6, 15)
    assert survey["total_mass_kg"] == pytest.approx(0.016)  # 0.012 + 0.004 kg
    assert {(o["source_code"], o["count"]) for o in got.observations.to_pylist()} == {("G21", 6), ("G27", 9)}


def test_plastic_pirates_item_variety_on_a_measured_bank(ingest):
    got = ingest(SAMPLES / "plastic-pirates-riverbank.csv")
    events = _events(got)
    assert list(events) == ["pt_9001/B"]  # only the qualified group-B part of the qualified dataset
    bank = events["pt_9001/B"]
    assert (bank["total_count"], bank["length_m"], bank["width_m"], bank["area_m2"]) == (12, 50, 4, 200)
    assert bank["items_per_100m"] == pytest.approx(24) and bank["items_per_m2"] == pytest.approx(0.06)
    assert (bank["country"], bank["people"]) == ("PRT", 12)
    counts = {o["source_code"]: o["count"] for o in got.observations.to_pylist()}
    assert counts == {"RiversideWasteVariety.PlasticBottles": 3, "RiversideWasteVariety.CigaretteButts": 7,
                      "RiversideWasteVariety.Paper": 2}  # 3 + 7 + 2 = the stated 12


def test_mcs_workbook_surveys_per_100_m(ingest):
    events = _events(ingest(SAMPLES / "mcs.xlsx"))
    assert set(events) == {"99901/2022-09-17", "99902/2022-09-18"}
    sands, cove = events["99901/2022-09-17"], events["99902/2022-09-18"]
    assert (sands["total_count"], sands["length_m"], sands["items_per_100m"]) == (8, 100, 8)  # 4 + 3 + 1
    assert (cove["total_count"], cove["length_m"], cove["items_per_100m"]) == (6, 50, 12)  # string 6 on 50 m
    assert (sands["people"], sands["lat"], sands["lon"]) == (6, 54.5, -1.5)
