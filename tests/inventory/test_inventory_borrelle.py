"""Borrelle et al. 2020: the exact 2016 Philippines case, and the Monte Carlo checked against an
independent numerical integration of the same distributions (spec §4)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from litterhub.analysis.inventory import borrelle, sources
from litterhub.analysis.inventory.inputs import borrelle_inputs
from litterhub.services import inventory as service

pytestmark = pytest.mark.usefixtures("shared_data")  # needs Jambeck S1 / Borrelle inputs


@pytest.mark.parametrize("scenario", ["bau", "ambitious", "target"])
def test_philippines_2016_exact(scenario: str) -> None:
    estimate = service.borrelle_country("PHL", 2016, scenario, draws=1000, seed=7)
    assert round(estimate.emissions_t_mean / 1e6, 6) == 0.488749
    assert round(estimate.emissions_t_p10 / 1e6, 6) == 0.462071
    assert round(estimate.emissions_t_p90 / 1e6, 6) == 0.515040
    assert estimate.compartment.startswith("aquatic ecosystems")


def test_philippines_2016_inputs_match_spec_table() -> None:
    inputs = borrelle_inputs(["PHL"])
    assert inputs.population[0, 0] == 103_320_222
    assert inputs.waste_kg_per_person_day[0] == pytest.approx(0.387992, abs=1e-6)
    assert inputs.plastic_share[0] == pytest.approx(0.1055)
    assert inputs.mismanaged_share[0] == pytest.approx(0.72)
    mpw = borrelle.mismanaged_plastic_waste_t(inputs)[0]
    assert round(mpw / 1e6, 4) == 1.1114
    assert inputs.emission_ratio_replicates[0].mean() == pytest.approx(0.4397, abs=5e-5)


def _uniform_mean(f, lo: float, hi: float) -> float:
    if hi == lo:
        return float(f(lo))
    return integrate.quad(f, lo, hi, limit=200)[0] / (hi - lo)


def _expected_mean_t(code: str, year: int, scenario: str) -> float:
    """E[E] = Pop·E[Wg]·E[β]·mean(ER)·E[M]·R·C, each expectation integrated over its uniform law."""
    table = sources.borrelle_table()
    i = int(np.flatnonzero(table.codes == code)[0])
    cls = str(table.income_class[i])
    lever = table.scenarios[borrelle.SCENARIOS[scenario]][cls]
    tau = year - 2016
    w0 = table.waste_kg_per_person_day[i] * 365
    a = table.waste_growth[i]
    p0, cap = table.plastic_share[i], table.plastic_share_cap[cls]
    m0 = table.mismanaged_share[i]
    wm, kmin, kmax = lever["wm"]
    waste = _uniform_mean(lambda s: max(w0, w0 * a**tau * s**tau), 1.0054, 1.0154)
    beta = _uniform_mean(lambda b: max(p0, min(cap, p0 * b**tau)), 1.0, 1.1)
    if m0 < 1 - wm:
        mism = m0
    else:
        mism = _uniform_mean(lambda k: max(1 - wm, min(m0, 1 - (1 - m0) * k**tau)), kmin, kmax)
    red = min(1, max(0, 1 + tau * (lever["rd"][0] - 1) / 14))
    rec = min(1, max(0, 1 - tau * (1 - lever["cu"][0]) / 14))
    pop = table.population[i, tau]
    ratio = table.emission_ratio_replicates[i].mean()
    return pop * waste * beta * ratio * mism * red * rec / 1000


@pytest.mark.parametrize("code", ["PHL", "USA", "IDN", "NGA"])
@pytest.mark.parametrize("scenario", ["bau", "ambitious", "target"])
def test_monte_carlo_mean_matches_integrated_expectation(code: str, scenario: str) -> None:
    estimate = service.borrelle_country(code, 2030, scenario, draws=20_000, seed=11)
    assert estimate.emissions_t_mean == pytest.approx(_expected_mean_t(code, 2030, scenario), rel=0.02)
    assert estimate.emissions_t_p10 < estimate.emissions_t_mean < estimate.emissions_t_p90


def test_scenarios_rank_as_in_the_paper_by_2030() -> None:
    result = service.borrelle_scenarios("PHL", draws=2000, seed=3)
    final = {name: rows[-1]["mean"] for name, rows in result.items()}
    assert final["bau"] > final["ambitious"] > final["target"]
    first = {name: rows[0]["mean"] for name, rows in result.items()}
    assert first["bau"] == pytest.approx(first["target"])  # levers start in 2016


def test_same_seed_same_result_other_seed_differs() -> None:
    one = service.borrelle_country("IDN", 2025, "ambitious", draws=500, seed=5)
    two = service.borrelle_country("IDN", 2025, "ambitious", draws=500, seed=5)
    three = service.borrelle_country("IDN", 2025, "ambitious", draws=500, seed=6)
    assert one == two
    assert one.emissions_t_mean != three.emissions_t_mean


def test_all_countries_at_once_is_vectorised_over_countries_and_draws() -> None:
    out = service.borrelle_all_countries([2016, 2030], scenarios=["bau"], draws=1000, seed=1)
    stats = out["bau"]
    table = sources.borrelle_table()
    assert stats["mean"].shape == (table.codes.size, 2)
    i = int(np.flatnonzero(stats["country"] == "PHL")[0])
    assert round(stats["mean"][i, 0] / 1e6, 6) == 0.488749


def test_emission_ratio_override_removes_spatial_uncertainty() -> None:
    own = service.borrelle_country(
        "PHL", 2016, "bau", overrides=[service.Override("emission_ratio", 0.3, "national GIS study")]
    )
    assert own.emissions_t_p10 == pytest.approx(own.emissions_t_mean)
    assert own.emissions_t_mean == pytest.approx(103_320_222 * 0.387992394 * 365 * 0.1055 * 0.72 * 0.3 / 1000)
    assert own.inputs["emission_ratio"] == "override: national GIS study"


def test_totals_are_sums_of_country_statistics() -> None:
    totals = service.borrelle_totals(2016, "bau", draws=1000, seed=2)
    groups = {g["group"]: g for g in totals["groups"]}
    table = sources.borrelle_table()
    exact = (
        table.population[:, 0]
        * table.waste_kg_per_person_day
        * 365
        * table.plastic_share
        * table.mismanaged_share
        * table.emission_ratio_replicates.mean(axis=1)
        / 1000
    )
    assert groups["world"]["emissions_t_mean"] == pytest.approx(np.nansum(exact), rel=1e-9)
    parts = sum(groups[c]["emissions_t_p90"] for c in ("HI", "UMI", "LMI", "LI"))
    assert groups["world"]["emissions_t_p90"] == pytest.approx(parts)
    p90 = (
        np.quantile(table.emission_ratio_replicates, 0.9, axis=1) * exact / table.emission_ratio_replicates.mean(axis=1)
    )
    assert groups["world"]["emissions_t_p90"] == pytest.approx(np.nansum(p90), rel=1e-9)
