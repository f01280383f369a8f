"""SDG 14.1.1b rows (M49, units, traceable surveys) and composition shares, checked against the lake itself."""

from __future__ import annotations

import csv
import io

import pyarrow.compute as pc
import pytest

from litterhub.analysis import sdg
from litterhub.services import indicators


def test_beach_litter_per_km2_from_mdmap_areas(demo_hub):
    result = indicators.sdg(demo_hub, "USA", ["mdmap-maine"])
    rows = result.tables["sdg"]
    assert set(rows["GEO_AREA_CODE"]) == {"840"} and set(rows["SERIES_CODE"]) == {sdg.BEACH_SERIES}
    events = demo_hub.lake.read_table("events", "mdmap-maine", 1)
    # independent computation from the events' stored totals and areas
    years = pc.year(events["event_date"]).to_pylist()
    dens = [c / a * 1e6 for c, a in zip(events["total_count"].to_pylist(), events["area_m2"].to_pylist(),
                                        strict=True)]
    for row in rows.itertuples():
        values = sorted(d for d, y in zip(dens, years, strict=True) if y == row.TIME_PERIOD)
        mid = len(values) // 2
        median = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
        assert row.OBS_VALUE == pytest.approx(median, rel=1e-9)
        assert row.N_SURVEYS == len(values) == len(row.EVENT_IDS.split())
        assert row.DATASET_VERSIONS == "mdmap-maine@1"


def test_sdg_csv_layout_and_not_computable_beaches(demo_hub):
    result = indicators.sdg(demo_hub)
    text = indicators.as_csv(result, "sdg")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames[:7] == ["SERIES_CODE", "SERIES_DESCRIPTION", "GEO_AREA_CODE", "GEO_AREA_NAME",
                                     "TIME_PERIOD", "OBS_VALUE", "UNIT_MEASURE"]
    assert "EVENT_IDS" in reader.fieldnames and "DATASET_VERSIONS" in reader.fieldnames
    # Marine LitterWatch records lengths only: no items/km², said per country-year, never invented
    missing = result.tables["not_computable"]
    assert len(missing) and "no surveyed area" in missing["reason"].iloc[0]
    assert any(w.code == "sdg-not-computable" for w in result.warnings)


def test_m49_codes():
    assert sdg.m49("NLD") == "528" and sdg.m49("USA") == "840" and sdg.m49("XXX") is None


def test_composition_shares_agree_with_survey_totals(demo_hub):
    comp = indicators.composition(demo_hub, ["mlw-sample"], top=5)
    beach = indicators.beach(demo_hub, ["mlw-sample"])
    surveys = beach.tables["surveys"]
    totals = surveys.groupby("group")["count"].sum()
    groups = comp.tables["groups"].set_index("group")["total"]
    for code in ("SUP", "FISH"):
        assert groups[code] == pytest.approx(totals[code], rel=1e-12)
    total = comp.tables["totals"]["total_count"].iloc[0]
    assert total == pytest.approx(totals["TC"], rel=1e-12)
    assert comp.tables["materials"]["pct_of_total"].sum() == pytest.approx(100, rel=1e-9)
    assert comp.tables["sources"]["pct_of_total"].sum() == pytest.approx(100, rel=1e-9)
    items = comp.tables["items"]
    assert len(items) == 5 and list(items["total"]) == sorted(items["total"], reverse=True)
    assert items["fail_rate"].between(0, 1).all()
