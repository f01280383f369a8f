"""Stored national inventories on both catalog databases (SQLite and PostgreSQL): versions per country
and method, the inputs with their sources, and comparison across countries."""

from __future__ import annotations

import pytest

from litterhub.services import inventory as svc

pytestmark = pytest.mark.usefixtures("shared_data")  # needs Jambeck S1 / Borrelle inputs


def test_versions_and_latest_listing(any_hub) -> None:
    own = [svc.Override("mismanaged_plastic_waste_t", 900_000, "NSWMC 2019")]
    first = svc.submit_inventory(any_hub, "PHL", "meijer", "DENR", overrides=own)
    second = svc.submit_inventory(any_hub, "phl", "meijer", "DENR")
    svc.submit_inventory(any_hub, "IDN", "borrelle", "KLHK", year=2030, scenario="ambitious", draws=500)
    assert (first["version"], second["version"]) == (1, 2)
    history = svc.versions(any_hub, "PHL", "meijer")
    assert [r["version"] for r in history] == [2, 1]
    assert history[1]["inputs"] == [{"field": "mismanaged_plastic_waste_t", "value": 900_000, "source": "NSWMC 2019"}]
    assert history[1]["central_t"] == pytest.approx(900_000 * history[1]["results"]["emission_ratio"])
    latest = svc.list_inventories(any_hub)
    assert {(r["country"], r["method"], r["version"]) for r in latest} == {("PHL", "meijer", 2), ("IDN", "borrelle", 1)}
    idn = next(r for r in latest if r["country"] == "IDN")
    assert idn["compartment"].startswith("aquatic") and idn["low_t"] < idn["central_t"] < idn["high_t"]


def test_refused_submission_stores_nothing(any_hub) -> None:
    with pytest.raises(svc.InventoryInputError) as caught:
        svc.submit_inventory(any_hub, "PHL", "meijer", "DENR", overrides=[svc.Override("emission_ratio", 1.5, "x")])
    assert caught.value.code == "litter-share-out-of-range"
    with pytest.raises(svc.InventoryInputError):
        svc.submit_inventory(any_hub, "PHL", "meijer", "  ")
    assert svc.list_inventories(any_hub) == []
