"""No indicator silently mixes units, protocols, compartments or size ranges: warnings name what is mixed."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from litterhub.analysis.comparability import check_events
from litterhub.services import indicators


def _codes(result) -> dict[str, dict[str, int]]:
    return {w.code: w.values for w in result.warnings}


def test_mlw_with_mdmap_warns_about_units_and_protocols(demo_hub):
    result = indicators.beach(demo_hub, ["mlw-sample", "mdmap-maine"], per_100m=True)
    codes = _codes(result)
    units = codes["mixed-units"]
    assert "items/100 m of shore" in units and any(u.startswith("items per transect") for u in units)
    protocols = codes["mixed-protocols"]
    assert any("Marine LitterWatch" in p for p in protocols) and any("MDMAP" in p for p in protocols)
    assert {d for d, _ in result.versions} == {"mlw-sample", "mdmap-maine"}
    # the counts behind each warning add up to the events analysed
    assert sum(units.values()) == sum(protocols.values())


def test_one_programme_alone_has_no_unit_warning(demo_hub):
    result = indicators.beach(demo_hub, ["mdmap-maine"], per_100m=True)
    assert "mixed-compartments" not in _codes(result)
    assert "mixed-units" in _codes(result)  # MDMAP's 5 m standing-stock transects vs 244 m accumulation stretch


def test_microplastics_mixed_with_beach_litter():
    events = pd.DataFrame({
        "event_id": ["a", "b", "c"],
        "compartment": ["beach", "surface-water", "surface-water"],
        "protocol": ["OSPAR 100 m", "manta trawl", "manta trawl"],
        "event_type": ["monitoring"] * 3,
        "survey_group": [None, None, None],
        "length_m": [100.0, 2000.0, 2000.0],
        "area_m2": [None, 1200.0, 1200.0],
        "volume_m3": [None, None, None],
        "dry_mass_kg": [None, None, None],
        "lower_size_um": [None, 333.0, 333.0],
        "upper_size_um": [None, 5000.0, 5000.0],
        "mesh_um": [None, 333.0, 333.0],
    })
    con = duckdb.connect()
    con.register("ev", events)
    codes = {w.code: w for w in check_events(con, "ev")}
    assert set(codes) >= {"mixed-units", "mixed-compartments", "mixed-size-ranges", "mixed-protocols"}
    assert codes["mixed-compartments"].values == {"surface-water": 2, "beach": 1}
    assert "particles/km2" in codes["mixed-units"].values
    assert any("333" in v for v in codes["mixed-size-ranges"].values)
    assert "surface-water" in codes["mixed-compartments"].message


def test_result_cites_versions_and_warnings_in_json(demo_hub):
    doc = indicators.beach(demo_hub, ["mlw-sample"]).as_dict()
    assert doc["dataset_versions"] == [{"dataset_id": "mlw-sample", "version": 1}]
    assert {w["code"] for w in doc["warnings"]} >= {"mixed-event-types"}  # cleanups beside monitoring surveys
    assert doc["tables"]["sites"] and doc["params"]["unit"] == "items per survey"


@pytest.mark.parametrize("fn", [indicators.threshold, indicators.composition, indicators.ospar])
def test_every_indicator_carries_warnings_and_versions(demo_hub, fn):
    result = fn(demo_hub, ["mlw-sample", "mdmap-maine"])
    assert result.versions and any(w.code == "mixed-protocols" for w in result.warnings)


def test_second_copies_of_a_survey_are_not_counted_twice(hub, shared_data):
    """Events the duplicate scan marked as the copy indicators skip are left out, with a warning."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from litterhub.services.duplicates import result_path
    from litterhub.services.ingest import ingest_file

    res = ingest_file(hub, shared_data / "litter-reference" / "input" / "beach-litter-nl-2012-2017.csv", "ospar")
    events = hub.lake.read_table("events", res.dataset_id, res.version)
    before = indicators.beach(hub, [res.dataset_id], groups=["TC"])
    dropped = events["event_id"][0].as_py()
    path = result_path(hub)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"event_id": [dropped], "dataset_id": [res.dataset_id],
                             "flag": ["litter-duplicate-source"], "use_for_indicators": [False]}), path)
    after = indicators.beach(hub, [res.dataset_id], groups=["TC"])
    assert after.summary["surveys"] == before.summary["surveys"] - 1
    assert dropped not in set(after.tables["surveys"]["event_id"])
    assert any(w.code == "duplicate-copies-skipped" for w in after.warnings)
    tv_after = indicators.threshold(hub, [res.dataset_id])
    assert tv_after.tables["assessment"]["n"].iloc[0] == before.summary["surveys"] - 1


def test_beach_litter_with_real_surface_trawls_names_the_mix(hub, shared_data):
    from litterhub.services.ingest import ingest_file

    beach = ingest_file(hub, shared_data / "litter-reference" / "input" / "beach-litter-nl-2012-2017.csv", "ospar")
    trawl = ingest_file(hub, shared_data / "eriksen2023-surface-trawls" / "FinalMerge.csv", "auto")
    result = indicators.composition(hub, [beach.dataset_id, trawl.dataset_id])
    codes = _codes(result)
    assert set(codes["mixed-compartments"]) == {"beach", "surface-water"}
    assert "particles/km2" in codes["mixed-units"] and "items/100 m of shore" in codes["mixed-units"]
    assert "not stated (macro litter)" in codes["mixed-size-ranges"] and len(codes["mixed-size-ranges"]) > 1
    per_100m = indicators.beach(hub, [beach.dataset_id, trawl.dataset_id], per_100m=True, groups=["TC"])
    assert any(w.code == "no-survey-length" for w in per_100m.warnings)  # tows have no shore length
    assert set(per_100m.tables["surveys"]["dataset_id"]) == {beach.dataset_id}
