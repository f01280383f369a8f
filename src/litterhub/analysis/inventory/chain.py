"""The one national equation chain every method shares: waste -> plastic -> mismanaged -> leakage.

Each step is a plain array function so a method (Jambeck, Meijer, Borrelle, UNEP/PLP) only
chooses its inputs and its last step; results keep the compartment the plastic ends up in,
because the methods measure different things and must never be added together.
"""

from __future__ import annotations

import numpy as np

KG_PER_DAY_TO_T_PER_YEAR = 365 / 1000
DEFAULT_LITTERED_SHARE = 0.02  # Jambeck et al. 2015, from a U.S. national litter study

# Where the estimated plastic ends up: labels shown beside every leakage number.
OCEAN = "ocean"
AQUATIC = "aquatic ecosystems (rivers, lakes and ocean)"
COMPARTMENT_LABELS = {
    OCEAN: "ocean (coastal and riverine input)",
    AQUATIC: "waterways and ocean (all aquatic ecosystems)",
}


def waste_generated(population: np.ndarray, kg_per_person_day: np.ndarray) -> np.ndarray:
    """Municipal solid waste, kg/day."""
    return np.asarray(population, float) * np.asarray(kg_per_person_day, float)


def plastic_waste(waste: np.ndarray, plastic_share: np.ndarray) -> np.ndarray:
    """Plastic in the municipal waste stream, same unit as `waste`."""
    return np.asarray(waste, float) * np.asarray(plastic_share, float)


def mismanaged_parts(
    plastic: np.ndarray, inadequately_managed_share: np.ndarray, littered_share: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Inadequately managed and littered plastic; their sum is the mismanaged plastic waste."""
    plastic = np.asarray(plastic, float)
    return plastic * np.asarray(inadequately_managed_share, float), plastic * np.asarray(
        littered_share, float
    )


def leakage(mismanaged: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    """Last step of every method: the share of mismanaged plastic that reaches water."""
    return np.asarray(mismanaged, float) * np.asarray(ratio, float)


def mismanaged_share_from_treatment(
    open_dump: np.ndarray,
    other: np.ndarray,
    unaccounted: np.ndarray,
    waterways_marine: np.ndarray,
    landfill_unspecified: np.ndarray,
    unspecified_mismanaged_share: float | np.ndarray,
) -> np.ndarray:
    """Inadequately managed share of MSW from What a Waste treatment shares (blank = 0), the
    rule of Borrelle et al.'s compilation: dump + other + unaccounted + waterways + part of
    the landfill of unknown type."""
    parts = [np.nan_to_num(np.asarray(x, float)) for x in (open_dump, other, unaccounted, waterways_marine)]
    unspecified = np.nan_to_num(np.asarray(landfill_unspecified, float)) * unspecified_mismanaged_share
    return np.clip(sum(parts) + unspecified, 0.0, 1.0)
