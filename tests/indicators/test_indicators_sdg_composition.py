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
    widthless = missing[missing["code"] == "no-width"]
    assert len(widthless) and widthless["reason"].str.contains("no surveyed area").all()
    assert set(widthless["country"]) <= set(result.tables["missing_widths"]["country"])
    assert any(w.code == "sdg-not-computable" for w in result.warnings)


def test_m49_codes():
    assert sdg.m49("NLD") == "528" and sdg.m49("USA") == "840" and sdg.m49("XXX") is None


def test_composition_shares_agree_with_survey_totals(demo_hub):
    """Per comparability class (MLW monitoring surveys and MLW cleanups are two), the composition's group and total
    counts equal the class's survey totals, and its shares add up to 100 % of that class alone."""
    comp = indicators.composition(demo_hub, ["mlw-sample"], top=5)
    beach = indicators.beach(demo_hub, ["mlw-sample"])
    labels = [c.label for c in comp.classes]
    assert len(labels) == 2 and labels == [c.label for c in beach.classes]
    surveys = beach.tables["surveys"]
    for label in labels:
        totals = surveys[surveys["comparability_class"] == label].groupby("group")["count"].sum()
        of = {name: frame[frame["comparability_class"] == label] for name, frame in comp.tables.items()}
        groups = of["groups"].set_index("group")["total"]
        for code in ("SUP", "FISH"):
            assert groups[code] == pytest.approx(totals[code], rel=1e-12)
        assert of["totals"]["total_count"].iloc[0] == pytest.approx(totals["TC"], rel=1e-12)
        assert of["materials"]["pct_of_total"].sum() == pytest.approx(100, rel=1e-9)
        assert of["sources"]["pct_of_total"].sum() == pytest.approx(100, rel=1e-9)
        items = of["items"]
        assert len(items) == 5 and list(items["total"]) == sorted(items["total"], reverse=True)
        assert items["fail_rate"].between(0, 1).all()


def as_lake(frame, schema):
    """`frame` with every other column of the lake's schema empty, typed as the lake types it."""
    import pyarrow as pa

    full = frame.copy()
    for name in schema.names:
        if name not in full.columns:
            full[name] = None
    return pa.Table.from_pandas(full[schema.names], schema=schema, preserve_index=False)


def test_floating_plastic_density_per_country_year():
    """Surface-water tows with a towed area give EN_MAR_PLASDD; non-plastic items are not counted."""
    import duckdb
    import pandas as pd

    from litterhub.model.schema import EVENT_SCHEMA, OBSERVATION_SCHEMA

    events = pd.DataFrame({
        "event_id": ["t1", "t2", "t3", "b1"], "dataset_id": "d", "version": 1, "site_id": ["s1", "s1", "s2", "b"],
        "country": ["FRA", "FRA", "FRA", "FRA"],
        "event_date": pd.to_datetime(["2020-05-01", "2020-06-01", "2021-05-01", "2020-05-01"]),
        "compartment": ["surface-water", "surface-water", "surface-water", "beach"],
        "area_m2": [2000.0, 4000.0, 1000.0, None], "length_m": [None, None, None, 100.0],
        "width_m": [None, None, None, None], "event_type": ["sampling"] * 3 + ["monitoring"],
        "protocol": ["surface trawl (manta / neuston net)"] * 3 + ["OSPAR 100 m"],
    })
    obs = pd.DataFrame({
        "event_id": ["t1", "t1", "t2", "t3", "b1"], "count": [10.0, 5.0, 8.0, 3.0, 50.0],
        "material": [None, "wood", "plastic", None, "plastic"], "counts_toward_total": True,
        "dataset_id": "d", "version": 1,
    })
    con = duckdb.connect()
    con.register("ev", as_lake(events, EVENT_SCHEMA))
    con.register("ob", as_lake(obs, OBSERVATION_SCHEMA))
    rows, reasons = sdg.country_year(sdg.densities(con, "ev", "ob"))
    floating = rows[rows["SERIES_CODE"] == sdg.FLOATING_SERIES].set_index("TIME_PERIOD")
    # 2020: median of 10/2000e-6 = 5000 and 8/4000e-6 = 2000 per km² (the wood item is not plastic)
    assert floating.loc[2020, "OBS_VALUE"] == pytest.approx((10 / 2000 * 1e6 + 8 / 4000 * 1e6) / 2, rel=1e-12)
    assert floating.loc[2021, "OBS_VALUE"] == pytest.approx(3 / 1000 * 1e6, rel=1e-12)
    assert floating.loc[2020, "EVENT_IDS"] == "t1 t2" and floating.loc[2020, "GEO_AREA_CODE"] == "250"
    assert list(reasons["series"]) == [sdg.BEACH_SERIES]  # the beach survey has a length only


def test_open_ocean_tows_are_reported_not_computable(hub, shared_data):
    from litterhub.services.ingest import ingest_file

    ingest_file(hub, shared_data / "eriksen2023-surface-trawls" / "FinalMerge.csv", "auto")
    result = indicators.sdg(hub)
    assert result.tables["sdg"].empty
    reasons = result.tables["not_computable"]
    assert set(reasons["series"]) == {sdg.FLOATING_SERIES}
    assert reasons["reason"].str.contains("no country").all()
    assert any(w.code == "sdg-not-computable" for w in result.warnings)
