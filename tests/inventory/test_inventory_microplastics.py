"""Primary microplastics (Boucher & Friot 2017 structure) with user-supplied parameters."""

from __future__ import annotations

import pytest

from litterhub.analysis.inventory import microplastics
from litterhub.services import inventory as service

HEADER = "source,pathway,activity,loss_rate,pathway_share,retention\n"


def test_reference_global_release_and_source_shares() -> None:
    """Parameters set to the report's global release per source reproduce 1.5 Mt and its shares."""
    rows = [
        f"{name},direct,{share * microplastics.GLOBAL_RELEASE_T},1,1,0"
        for name, share in microplastics.GLOBAL_SOURCE_SHARES.items()
    ]
    result = service.microplastics_from_csv(HEADER + "\n".join(rows))
    assert result.total_release_t == pytest.approx(1.5e6, rel=0.001)
    shares = dict(zip(result.sources, result.release_share, strict=True))
    assert sum(shares.values()) * 100 == pytest.approx(100, abs=0.1)
    for name, expected in {
        "synthetic_textiles": 35,
        "tyres": 28,
        "city_dust": 24,
        "road_markings": 7,
    }.items():
        assert shares[name] * 100 == pytest.approx(expected, abs=0.1)
    assert shares["marine_coatings"] * 100 == pytest.approx(3.7, abs=0.1)
    assert shares["personal_care_products"] * 100 == pytest.approx(2, abs=0.1)
    assert shares["plastic_pellets"] * 100 == pytest.approx(0.3, abs=0.05)


def test_pathway_split_and_retention() -> None:
    text = HEADER + "tyres,road_runoff,1000,0.1,0.6,0.5\ntyres,air,1000,0.1,0.4,0.9\n"
    result = service.microplastics_from_csv(text)
    loss = 1000 * 0.1
    assert result.loss_t[0] == pytest.approx(loss)
    assert result.total_release_t == pytest.approx(loss * (0.6 * 0.5 + 0.4 * 0.1))
    assert result.by_pathway["road_runoff"] == pytest.approx(loss * 0.6 * 0.5)


def test_pathway_shares_must_sum_to_one() -> None:
    with pytest.raises(service.InventoryInputError) as caught:
        service.microplastics_from_csv(HEADER + "tyres,road_runoff,1000,0.1,0.6,0.5\n")
    assert caught.value.code == "litter-invalid-parameter"
    assert "tyres" in str(caught.value)


def test_retention_outside_unit_interval_is_refused() -> None:
    with pytest.raises(service.InventoryInputError) as caught:
        service.microplastics_from_csv(HEADER + "tyres,wastewater,1000,0.1,1,1.5\n")
    issue = caught.value.issues[0]
    assert (issue.code, issue.line, issue.field) == ("litter-share-out-of-range", 2, "retention")
