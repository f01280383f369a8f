"""Borrelle et al. 2020: plastic emitted to aquatic ecosystems, with Monte Carlo and scenarios to 2030.

Equation SI.1 for country c, year t (τ = t − 2016) and draw j, in tonnes:
    E = Pop_t · Wg · β · ER_j · M · R_t · C_t / 1000
    Wg = max(W0, W0 · a^τ · s_j^τ)          W0 = kg/cap/day · 365, s ~ U(1.0054, 1.0154)
    β  = max(p0, min(p_max, p0 · b_j^τ))      b ~ U(1.00, 1.10)
    M  = m0 if m0 < 1 − wm else max(1 − wm, min(m0, 1 − (1 − m0) · k_j^τ)),  k ~ U(min, max)
    R_t = clamp(1 + τ (rd − 1)/14, 0, 1),   C_t = clamp(1 − τ (1 − cu)/14, 0, 1)
ER_j is the j-th of the country's 1000 spatial emission-ratio replicates (draw j uses replicate
j mod 1000, so 1000·k draws use every replicate k times, which keeps 2016 exact).
Everything is one array operation per step over (country × draw × year); no loop over draws.
The result is emission to aquatic ecosystems (rivers, lakes, ocean), not to the ocean alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from litterhub.analysis.inventory import chain

FIRST_YEAR = 2016
LAST_YEAR = 2030
RAMP_YEARS = LAST_YEAR - FIRST_YEAR  # 14: levers reach their 2030 level linearly
WASTE_SLOPE = (1.0054, 1.0154)
PLASTIC_SLOPE = (1.00, 1.10)
COMPARTMENT = chain.AQUATIC

# CLI/API scenario keys -> the names used in the paper's scenario file (07-scenarios_Manuscript.csv).
SCENARIOS: dict[str, str] = {
    "bau": "Business as usual",
    "ambitious": "Ambitious",
    "target": "Target <8 Mt",
}


@dataclass(frozen=True)
class BorrelleInputs:
    """Per-country inputs (arrays of one entry per country; population is country × year)."""

    country: np.ndarray
    income_class: np.ndarray
    years: np.ndarray
    population: np.ndarray
    waste_kg_per_person_day: np.ndarray
    waste_growth: np.ndarray
    plastic_share: np.ndarray
    plastic_share_cap: np.ndarray
    mismanaged_share: np.ndarray
    emission_ratio_replicates: np.ndarray
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScenarioLevers:
    """Scenario levers per country (taken from its income class)."""

    managed_target: np.ndarray  # wm: managed fraction aimed at (0 = no intervention)
    improvement_min: np.ndarray  # k ~ U(min, max): yearly improvement of management
    improvement_max: np.ndarray
    reduction: np.ndarray  # rd: multiplier on emissions reached by 2030
    remaining_after_recovery: np.ndarray  # cu: fraction not recovered by clean-up by 2030


def levers_for(
    table: dict[str, dict[str, dict[str, tuple[float, float, float]]]],
    scenario: str,
    income_class: np.ndarray,
) -> ScenarioLevers:
    """Expand the paper's per-income-class levers to one value per country."""
    by_class = table[SCENARIOS[scenario]]

    def lever(action: str, position: int) -> np.ndarray:
        return np.array([by_class[str(cls)][action][position] for cls in income_class], float)

    return ScenarioLevers(
        managed_target=lever("wm", 0),
        improvement_min=lever("wm", 1),
        improvement_max=lever("wm", 2),
        reduction=lever("rd", 0),
        remaining_after_recovery=lever("cu", 0),
    )


def simulate(
    inputs: BorrelleInputs,
    levers: ScenarioLevers,
    years: np.ndarray,
    draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Emissions to aquatic ecosystems in tonnes/yr, shape (country, draw, year)."""
    years = np.atleast_1d(np.asarray(years, int))
    n = inputs.country.shape[0]
    tau = (years - FIRST_YEAR).astype(float)[None, None, :]
    col = years - int(inputs.years[0])
    pop = inputs.population[:, col][:, None, :]

    def per_country(values: np.ndarray) -> np.ndarray:
        return np.asarray(values, float)[:, None, None]

    s = rng.uniform(*WASTE_SLOPE, size=(n, draws, 1))
    b = rng.uniform(*PLASTIC_SLOPE, size=(n, draws, 1))
    k = rng.uniform(
        per_country(levers.improvement_min), per_country(levers.improvement_max), size=(n, draws, 1)
    )

    w0 = per_country(inputs.waste_kg_per_person_day) * 365
    waste = np.maximum(w0, w0 * per_country(inputs.waste_growth) ** tau * s**tau)

    p0 = per_country(inputs.plastic_share)
    beta = np.maximum(p0, np.minimum(per_country(inputs.plastic_share_cap), p0 * b**tau))

    m0 = per_country(inputs.mismanaged_share)
    floor = 1 - per_country(levers.managed_target)
    improving = np.maximum(floor, np.minimum(m0, 1 - (1 - m0) * k**tau))
    mismanaged = np.where(m0 < floor, m0, improving)

    reduction = np.clip(1 + tau * (per_country(levers.reduction) - 1) / RAMP_YEARS, 0, 1)
    recovery = np.clip(1 - tau * (1 - per_country(levers.remaining_after_recovery)) / RAMP_YEARS, 0, 1)

    replicates = inputs.emission_ratio_replicates
    ratio = replicates[:, np.arange(draws) % replicates.shape[1]][:, :, None]

    return pop * waste * beta * ratio * mismanaged * reduction * recovery / 1000


def mismanaged_plastic_waste_t(inputs: BorrelleInputs, year_index: int = 0) -> np.ndarray:
    """MPW at the base year (τ = 0): Pop × W0 × p0 × m0, tonnes/yr (the Sankey's last land stock)."""
    return (
        inputs.population[:, year_index]
        * inputs.waste_kg_per_person_day
        * 365
        * inputs.plastic_share
        * inputs.mismanaged_share
        / 1000
    )
