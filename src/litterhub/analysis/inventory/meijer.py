"""Meijer et al. 2021 at country level: emission to the ocean = MPW × the country's emission ratio.

The paper's grid model gives each country an MPW-weighted emission ratio r = M(E)/MPW (Table S8,
"share of mismanaged plastic waste emitted to ocean"). A country without its own GIS model
multiplies its mismanaged plastic waste (Meijer's 2015 default from Lebreton & Andrady 2019, or the
country's own figure) by r. Note P(E), the area-averaged probability, is not r and is never
multiplied by MPW. Output is emission to the ocean (riverine + coastal).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from litterhub.analysis.inventory import chain

REFERENCE_YEAR = 2015
COMPARTMENT = chain.OCEAN


@dataclass(frozen=True)
class MeijerResult:
    country: np.ndarray
    mismanaged_plastic_waste_t: np.ndarray
    emission_ratio: np.ndarray
    emission_probability: np.ndarray
    emitted_to_ocean_t: np.ndarray


def compute(
    country: np.ndarray,
    mismanaged_plastic_waste_t: np.ndarray,
    emission_ratio: np.ndarray,
    emission_probability: np.ndarray,
) -> MeijerResult:
    """E = MPW × r for every country at once."""
    mpw = np.asarray(mismanaged_plastic_waste_t, float)
    ratio = np.asarray(emission_ratio, float)
    return MeijerResult(
        country=np.asarray(country),
        mismanaged_plastic_waste_t=mpw,
        emission_ratio=ratio,
        emission_probability=np.asarray(emission_probability, float),
        emitted_to_ocean_t=chain.leakage(mpw, ratio),
    )


def share_of_total(emissions_t: np.ndarray) -> np.ndarray:
    """Each country's share of the summed emission (fraction)."""
    emissions_t = np.asarray(emissions_t, float)
    return emissions_t / emissions_t.sum()
