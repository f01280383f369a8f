"""Reference vocabularies: units convert with their factors, size classes partition sizes, regions assign
real beach coordinates to the regional sea the programme itself recorded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from litterhub.vocab.countries import to_alpha3
from litterhub.vocab.reference import alias_lookup, convert, size_class_of, table, use_group_members
from litterhub.vocab.regions import assign, region_by_name, regions


def test_every_reference_table_loads_with_unique_codes():
    for name in ("materials", "use_groups", "size_classes", "compartments", "units", "polymers", "shapes",
                 "colours"):
        assert table(name), name
    assert {g for g, _ in use_group_members()} >= {"SUP", "FISH"}


def test_unit_conversions_use_the_table_factors():
    units = table("units")
    assert convert(1.0, "mile", "m") == pytest.approx(float(units["mile"]["factor_to_base"]))
    assert convert(2.0, "lb", "kg") == pytest.approx(2 * float(units["lb"]["factor_to_base"]))
    assert convert(convert(3.5, "km2", "m2"), "m2", "km2") == pytest.approx(3.5)
    with pytest.raises(ValueError, match="cannot convert"):
        convert(1.0, "kg", "m")


def test_size_classes_partition_the_gesamp_range():
    rows = [r for r in table("size_classes").values() if r["scheme"] == "gesamp-2019"
            and r["code"] not in ("micro-small", "micro-large")]
    for r in rows:
        lo = float(r["lower_um"])
        assert size_class_of(lo) == r["code"]
        if r["upper_um"]:
            assert size_class_of(float(r["upper_um"]) - 1e-6) == r["code"]


def test_polymer_density_ranges_are_ordered():
    for code, r in table("polymers").items():
        assert float(r["density_min_g_cm3"]) <= float(r["density_max_g_cm3"]), code


def test_shape_and_colour_aliases_resolve():
    shapes, colours = alias_lookup("shapes"), alias_lookup("colours")
    assert shapes["fibres"] == "fibre" and shapes["nurdle"] == "pellet"
    assert colours["clear"] == "transparent" and colours["grey"] == "gray"


def test_countries_from_codes_and_names():
    assert to_alpha3("IT") == "ITA" and to_alpha3("ITA") == "ITA" and to_alpha3("Italy") == "ITA"
    assert to_alpha3("") is None and to_alpha3("Atlantis") is None


def test_region_parents_exist_and_names_resolve():
    rs = regions()
    for r in rs.values():
        assert r.boxes, f"{r.code} has no box"
        assert r.parent_code is None or r.parent_code in rs
    assert region_by_name("North-east Atlantic Ocean").code == "msfd-nea"


def test_regions_agree_with_marine_litterwatch_labels(shared_data):
    """MLW records each beach's regional sea; our coarse boxes must put the beach coordinates there."""
    df = pd.read_csv(shared_data / "eea-marine-litterwatch/mlw-data.csv", dtype=str)
    lon = pd.to_numeric(df["lon_x1"], errors="coerce").to_numpy()
    lat = pd.to_numeric(df["lat_y1"], errors="coerce").to_numpy()
    label = df["BeachRegionalSea"].fillna("")
    expected = np.array([getattr(region_by_name(v), "code", None) if v else None for v in label], dtype=object)
    usable = (expected != None) & ~np.isnan(lon) & ~np.isnan(lat) & ((np.abs(lon) > 0.01) | (np.abs(lat) > 0.01))  # noqa: E711
    assert usable.sum() > 1000
    got = assign(lon[usable], lat[usable], "msfd-region")
    agreement = float(np.mean(got == expected[usable]))
    assert agreement >= 0.95, f"only {agreement:.1%} of MLW beaches fall in their recorded MSFD region"


def test_subregions_lie_inside_their_region():
    rs = regions()
    for r in rs.values():
        if r.kind != "msfd-subregion":
            continue
        for x0, y0, x1, y1 in r.boxes:
            cx, cy = np.array([(x0 + x1) / 2]), np.array([(y0 + y1) / 2])
            assert assign(cx, cy, "msfd-region")[0] == r.parent_code, f"{r.code} box centre outside {r.parent_code}"
