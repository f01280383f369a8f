"""Jambeck et al. 2015 reproduced from its inputs: the spec's worked China case and global figures."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from litterhub.analysis.inventory import jambeck
from litterhub.analysis.inventory.inputs import jambeck_all, jambeck_defaults, jambeck_inputs
from litterhub.services import inventory as service

pytestmark = pytest.mark.usefixtures("shared_data")  # needs Jambeck S1 / Borrelle inputs


def test_china_2010_worked_case_kg_per_day_chain() -> None:
    result = jambeck.compute(jambeck_inputs("CHN", jambeck_defaults("CHN")))
    # spec §1 worked unit test, ±0.5 % with p derived as P/W
    assert result.msw_kg_day[0] == pytest.approx(289_181_626, rel=0.005)
    assert result.plastic_kg_day[0] == pytest.approx(31_665_388, rel=0.005)
    assert result.inadequately_managed_kg_day[0] == pytest.approx(23_530_300, rel=0.005)
    assert result.littered_kg_day[0] == pytest.approx(633_308, rel=0.005)
    assert result.mismanaged_plastic_waste_t[0] == pytest.approx(8_819_717, rel=0.005)
    per_capita = (result.inadequately_managed_kg_day + result.littered_kg_day) / result.inputs.coastal_population
    assert round(float(per_capita[0]), 3) == 0.092


def test_china_2010_debris_range_matches_table_1() -> None:
    estimate = service.jambeck_country("CHN", 2010)
    assert round(estimate.marine_debris_low_t / 1e6, 2) == 1.32
    assert round(estimate.marine_debris_mid_t / 1e6, 2) == 2.20
    assert round(estimate.marine_debris_high_t / 1e6, 2) == 3.53
    assert estimate.compartment == "ocean"


def test_high_income_branch_is_littering_only() -> None:
    inputs = jambeck.JambeckInputs(
        country=np.array(["XHI", "XLO"]),
        coastal_population=np.array([1_000_000.0, 1_000_000.0]),
        waste_kg_per_person_day=np.array([2.0, 2.0]),
        plastic_share=np.array([0.1, 0.1]),
        inadequately_managed_share=np.array([0.0, 0.5]),
        littered_share=np.array([0.02, 0.02]),
    )
    result = jambeck.compute(inputs)
    assert result.inadequately_managed_kg_day[0] == 0
    assert result.mismanaged_plastic_waste_t[0] == pytest.approx(result.littered_kg_day[0] * 365 / 1000)
    # "% mismanaged" = m_in + 2 %: the second country's MPW is 26 times the first one's
    assert result.mismanaged_plastic_waste_t[1] / result.mismanaged_plastic_waste_t[0] == pytest.approx(26)


def test_global_2010_totals_and_top20_share() -> None:
    result = jambeck.compute(jambeck_all())
    mpw = result.mismanaged_plastic_waste_t
    assert 31.8e6 <= mpw.sum() <= 31.9e6
    assert round(result.marine_debris_low_t.sum() / 1e6, 1) == 4.8
    assert round(result.marine_debris_high_t.sum() / 1e6, 1) == 12.7
    assert round(result.marine_debris_mid_t.sum() / 1e6, 1) == 8.0
    top20 = np.sort(mpw)[-20:].sum() / mpw.sum()
    assert top20 == pytest.approx(0.831, abs=0.005)
    assert np.sort(mpw)[-1] == pytest.approx(8_819_717, rel=0.005)  # China ranks first


def test_every_row_matches_its_published_mpw(shared_data: Path) -> None:
    """Validation only: the published MPW column is read here, never by the model."""
    path = shared_data / "jambeck2015" / "jambeck2015_S1_owid_original_2018.csv"
    with path.open(encoding="utf-8") as handle:
        published = {
            row["Entity"]: float(row["Total mismanaged plastic waste in 2010"])
            for row in csv.DictReader(handle)
            if row["Entity"] != "World"
        }
    inputs = jambeck_all()
    assert (inputs.country != "").all(), "every S1 country must resolve to an ISO3 code"
    assert len(set(inputs.country)) == len(published)
    computed = jambeck.compute(inputs).mismanaged_plastic_waste_t
    from litterhub.analysis.inventory.sources import jambeck_table

    names = jambeck_table().names
    reference = np.array([published[n] for n in names])
    big = reference >= 1000  # tiny islands carry integer-kg rounding (spec: up to 15 %)
    assert np.abs(computed[big] / reference[big] - 1).max() <= 0.005


def test_2025_uses_published_projection_with_same_conversion_range() -> None:
    estimate = service.jambeck_country("CHN", 2025)
    assert round(estimate.mismanaged_plastic_waste_t / 1e6, 2) == 17.81
    assert estimate.marine_debris_low_t == pytest.approx(0.15 * estimate.mismanaged_plastic_waste_t)
    assert estimate.marine_debris_high_t == pytest.approx(0.40 * estimate.mismanaged_plastic_waste_t)
    assert "published projection" in estimate.note


def test_override_replaces_default_and_records_source() -> None:
    base = service.jambeck_country("CHN")
    own = service.jambeck_country(
        "CHN", overrides=[service.Override("inadequately_managed_share", 0.5, "national survey 2010")]
    )
    assert own.inputs["inadequately_managed_share"]["source"] == "override: national survey 2010"
    assert own.inputs["coastal_population"]["source"] == base.inputs["coastal_population"]["source"]
    ratio = (0.5 + 0.02) / (base.inputs["inadequately_managed_share"]["value"] + 0.02)
    assert own.mismanaged_plastic_waste_t == pytest.approx(base.mismanaged_plastic_waste_t * ratio)


def test_debris_monte_carlo_spans_the_paper_range() -> None:
    stats = jambeck.debris_monte_carlo(np.array([1000.0]), 20_000, np.random.default_rng(3))
    assert stats["mean"][0] == pytest.approx(275, rel=0.01)  # U(0.15, 0.40) mean 0.275
    assert 150 <= stats["p10"][0] < stats["p90"][0] <= 400


def test_uniform_conversion_summary_agrees_with_monte_carlo() -> None:
    closed = jambeck.debris_uniform_summary(1000.0)
    drawn = jambeck.debris_monte_carlo(np.array([1000.0]), 200_000, np.random.default_rng(9))
    for key in ("mean", "p2_5", "p10", "p90", "p97_5"):
        assert closed[key] == pytest.approx(float(drawn[key][0]), rel=0.01)
    detail = service.jambeck_country("CHN").detail()
    assert detail["marine_debris_uniform_t"]["p10"] < detail["marine_debris_mid_t"] < detail["marine_debris_high_t"]


def test_table_1_first_row_and_top20_share() -> None:
    rows = service.jambeck_ranking(20)
    china = rows[0]
    assert (china["rank"], china["country"]) == (1, "CHN")
    assert round(china["coastal_population"] / 1e6, 1) == 262.9
    assert round(china["waste_kg_per_person_day"], 2) == 1.10
    assert round(100 * china["plastic_share"]) == 11
    assert round(100 * china["mismanaged_share"]) == 76
    assert round(china["mismanaged_plastic_waste_t"] / 1e6, 2) == 8.82
    assert round(100 * china["share_of_global_mpw"], 1) == 27.7
    assert (round(china["marine_debris_low_t"] / 1e6, 2), round(china["marine_debris_high_t"] / 1e6, 2)) == (1.32, 3.53)
    assert round(china["mismanaged_plastic_waste_2025_t"] / 1e6, 2) == 17.81
    assert sum(r["share_of_global_mpw"] for r in rows) == pytest.approx(0.831, abs=0.005)
