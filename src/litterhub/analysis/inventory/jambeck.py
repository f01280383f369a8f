"""Jambeck et al. 2015: mismanaged plastic waste of the coastal population and its ocean input.

Chain (per country, kg/day): W = Pc·g, P = W·p, I = P·m_in, L = P·l, MPW = (I + L)·365/1000 t/yr;
marine debris (input to the ocean) = c·MPW with c = 15 % (low), 25 % (mid), 40 % (high).
The paper gives no distribution for c; the Monte Carlo uses U(0.15, 0.40) (an assumption).
Vectorised over countries: every argument is an array with one entry per country.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from litterhub.analysis.inventory import chain
from litterhub.analysis.inventory.uncertainty import summarise

CONVERSION_LOW = 0.15
CONVERSION_MID = 0.25
CONVERSION_HIGH = 0.40
COMPARTMENT = chain.OCEAN
YEARS = (2010, 2025)


@dataclass(frozen=True)
class JambeckInputs:
    """Inputs for a set of countries; `sources` says where each field's values came from."""

    country: np.ndarray
    coastal_population: np.ndarray
    waste_kg_per_person_day: np.ndarray
    plastic_share: np.ndarray
    inadequately_managed_share: np.ndarray
    littered_share: np.ndarray
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class JambeckResult:
    inputs: JambeckInputs
    msw_kg_day: np.ndarray
    plastic_kg_day: np.ndarray
    inadequately_managed_kg_day: np.ndarray
    littered_kg_day: np.ndarray
    mismanaged_plastic_waste_t: np.ndarray
    marine_debris_low_t: np.ndarray
    marine_debris_mid_t: np.ndarray
    marine_debris_high_t: np.ndarray


def compute(inputs: JambeckInputs) -> JambeckResult:
    """Run the Jambeck chain for every country in `inputs` at once."""
    msw = chain.waste_generated(inputs.coastal_population, inputs.waste_kg_per_person_day)
    plastic = chain.plastic_waste(msw, inputs.plastic_share)
    inadequate, littered = chain.mismanaged_parts(
        plastic, inputs.inadequately_managed_share, inputs.littered_share
    )
    mpw_t = (inadequate + littered) * chain.KG_PER_DAY_TO_T_PER_YEAR
    return JambeckResult(
        inputs=inputs,
        msw_kg_day=msw,
        plastic_kg_day=plastic,
        inadequately_managed_kg_day=inadequate,
        littered_kg_day=littered,
        mismanaged_plastic_waste_t=mpw_t,
        marine_debris_low_t=chain.leakage(mpw_t, CONVERSION_LOW),
        marine_debris_mid_t=chain.leakage(mpw_t, CONVERSION_MID),
        marine_debris_high_t=chain.leakage(mpw_t, CONVERSION_HIGH),
    )


def debris_range(mpw_t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Low/mid/high ocean input for any MPW (e.g. the published 2025 projection)."""
    mpw_t = np.asarray(mpw_t, float)
    return tuple(chain.leakage(mpw_t, c) for c in (CONVERSION_LOW, CONVERSION_MID, CONVERSION_HIGH))


def debris_uniform_summary(mpw_t: float) -> dict[str, float]:
    """Mean and quantiles of c·MPW for c ~ U(0.15, 0.40), in closed form (the limit of the Monte Carlo)."""
    span = CONVERSION_HIGH - CONVERSION_LOW
    stats = {"mean": 0.5, "p2_5": 0.025, "p10": 0.10, "p90": 0.90, "p97_5": 0.975}
    return {k: float(mpw_t) * (CONVERSION_LOW + q * span) for k, q in stats.items()}


def debris_monte_carlo(mpw_t: np.ndarray, draws: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Ocean input with c ~ U(0.15, 0.40): one (country × draw) array, summarised per country."""
    mpw_t = np.atleast_1d(np.asarray(mpw_t, float))
    c = rng.uniform(CONVERSION_LOW, CONVERSION_HIGH, size=(mpw_t.size, draws))
    return summarise(mpw_t[:, None] * c, axis=1)
