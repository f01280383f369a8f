"""Meijer et al. 2021 at country level: E = MPW × r, against the spec's Philippines and world figures."""

from __future__ import annotations

import numpy as np
import pytest

from litterhub.analysis.inventory import meijer, sources
from litterhub.services import inventory as service


def test_philippines_reference_case() -> None:
    estimate = service.meijer_country("PHL")
    assert estimate.emission_ratio * 100 == pytest.approx(8.85, abs=0.05)
    # r is known to ±0.05 pp, so E is known to MPW × 0.0005
    assert estimate.emitted_to_ocean_t == pytest.approx(356_371, abs=estimate.mismanaged_plastic_waste_t * 0.0005)
    assert estimate.compartment == "ocean"
    assert estimate.year == 2015


def test_world_total_and_philippine_share() -> None:
    table = sources.meijer_table()
    result = meijer.compute(table.codes, table.mpw_t, table.emission_ratio, table.emission_probability)
    assert result.emitted_to_ocean_t.sum() == pytest.approx(979_458, rel=0.001)
    assert table.mpw_t.sum() == pytest.approx(61_773_700, rel=0.001)
    share = meijer.share_of_total(result.emitted_to_ocean_t)
    assert share.sum() == pytest.approx(1.0)
    assert share[table.codes == "PHL"][0] * 100 == pytest.approx(36.38, abs=0.1)


def test_emission_ratio_is_mpw_weighted_not_area_probability() -> None:
    table = sources.meijer_table()
    big = table.mpw_t >= 10_000
    assert np.abs(table.published_share[big] - table.emission_ratio[big]).max() * 100 <= 0.05
    i = int(np.flatnonzero(table.codes == "PHL")[0])
    assert table.emission_probability[i] == pytest.approx(0.0717)
    assert table.emission_probability[i] != pytest.approx(table.emission_ratio[i])


def test_country_own_mpw_is_multiplied_by_ratio() -> None:
    own = service.meijer_country(
        "PHL", [service.Override("mismanaged_plastic_waste_t", 1_111_441, "What a Waste 2.0 × 72 %")]
    )
    assert own.emitted_to_ocean_t == pytest.approx(1_111_441 * own.emission_ratio)
    assert own.inputs["mismanaged_plastic_waste_t"]["source"].startswith("override:")


def test_top_rivers_hotspots() -> None:
    rivers = service.meijer_top_rivers()
    assert len(rivers) == 50 and all(r["country"] for r in rivers)
    assert (rivers[0]["river"], rivers[0]["country"]) == ("Pasig", "PHL")
    assert rivers[0]["emitted_to_ocean_t"] == 63_000
    assert rivers[0]["share_of_global"] * 100 == pytest.approx(6.43, abs=0.005)
    philippine = {r["river"]: r["emitted_to_ocean_t"] for r in service.meijer_top_rivers("PHL")}
    for river, tonnes in {"Tullahan": 13_000, "Meycauayan": 12_000, "Pampanga": 9_300, "Libmanan": 7_100}.items():
        assert philippine[river] == tonnes
    assert service.meijer_top_rivers("CHE") == []
