"""Rescale microplastic concentrations measured over one size range to a default range (Koelmans et al. 2020).

Particle length is taken to follow a power law p(L) ~ L^-alpha, so the number of particles between a and b
is proportional to (b^(1-alpha) - a^(1-alpha)) / (1-alpha). The correction factor from a measured range
[x1M, x2M] to a default range [x1D, x2D] is the ratio of those integrals (Koelmans et al. 2020, eq. 2;
ToMEx `CFfnx`). At alpha = 1 the limit is the logarithmic ratio. All lengths in micrometres.

Sources: Koelmans, Redondo-Hasselerharm, Mohamed Nor & Kooi (2020) Environ. Sci. Technol. 54:12307,
doi:10.1021/acs.est.0c02982; Kooi, Primpke, Mintenig, Lorenz, Gerdts & Koelmans (2021) Water Research
202:117429 (Table S4), as used by ToMEx and Coffin et al. (2022).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from litterhub.errors import InvalidInput

DEFAULT_RANGE_UM = (1.0, 5000.0)
MICRO_UPPER_UM = 5000.0


@dataclass(frozen=True)
class Alpha:
    """A power-law exponent for particle length in one compartment, with its source."""

    compartment: str
    alpha: float
    sd: float | None
    source: str


ALPHAS: dict[str, Alpha] = {a.compartment: a for a in (
    Alpha("marine-surface-water", 2.07, 0.03, "Kooi et al. 2021, Water Research 202:117429, Table S4"),
    Alpha("freshwater-surface-water", 2.64, None, "Kooi et al. 2021, Water Research 202:117429, Table S4"),
    Alpha("marine-sediment", 2.57, 0.20, "Kooi et al. 2021, Water Research 202:117429, Table S4"),
    Alpha("freshwater-sediment", 3.25, None, "Kooi et al. 2021, Water Research 202:117429, Table S4"),
    Alpha("marine-surface-water-koelmans-2020", 1.6, None,
          "Koelmans et al. 2020 default, from Kooi & Koelmans 2019, ES&T Letters 6:551"),
)}


class AlignmentError(InvalidInput, ValueError):
    """An invalid size range or exponent (the message names the parameter)."""


def _check(alpha: np.ndarray, low: np.ndarray, high: np.ndarray, what: str) -> None:
    if np.any(~np.isfinite(alpha)):
        raise AlignmentError("alpha must be a finite number")
    if np.any(~np.isfinite(low) | ~np.isfinite(high) | (low <= 0)):
        raise AlignmentError(f"{what} size range must be positive numbers in micrometres")
    if np.any(high <= low):
        raise AlignmentError(f"{what} size range: the upper limit must be larger than the lower limit")


def _integral(alpha: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Integral of L^-alpha from low to high (up to the constant), vectorised; log form at alpha == 1."""
    one = np.isclose(alpha, 1.0)
    safe = np.where(one, 2.0, alpha)
    power = (high ** (1 - safe) - low ** (1 - safe)) / (1 - safe)
    return np.where(one, np.log(high / low), power)


def correction_factor(alpha: float | np.ndarray, measured: tuple, target: tuple = DEFAULT_RANGE_UM
                      ) -> float | np.ndarray:
    """CF that multiplies a concentration measured over `measured` (µm) to express it over `target` (µm).

    Arrays broadcast, so a whole dataset (one lower limit per sample: the mesh size) is one call.
    """
    a = np.asarray(alpha, dtype=float)
    x1m, x2m = (np.asarray(v, dtype=float) for v in measured)
    x1d, x2d = (np.asarray(v, dtype=float) for v in target)
    _check(a, x1m, x2m, "measured")
    _check(a, x1d, x2d, "target")
    cf = _integral(a, x1d, x2d) / _integral(a, x1m, x2m)
    return float(cf) if np.ndim(cf) == 0 else cf


def align(concentration: np.ndarray, alpha: float, lower_um: np.ndarray, upper_um: np.ndarray | None = None,
          target: tuple = DEFAULT_RANGE_UM) -> np.ndarray:
    """Aligned concentrations: CF x C for each sample; a missing upper limit is taken as 5 mm (the spec's rule)."""
    lower = np.asarray(lower_um, dtype=float)
    upper = np.full_like(lower, MICRO_UPPER_UM) if upper_um is None else np.where(
        np.isfinite(np.asarray(upper_um, dtype=float)), upper_um, MICRO_UPPER_UM)
    return np.asarray(concentration, dtype=float) * correction_factor(alpha, (lower, upper), target)


def mean_length_polydisperse(alpha: float, low: float, high: float) -> float:
    """Mean of a power-law distributed quantity between LL and UL (Koelmans 2020 / Kooi 2021 eq. 4)."""
    a = float(alpha)
    _check(np.asarray(a), np.asarray(low), np.asarray(high), "quantity")
    if np.isclose(a, 2.0):
        return float(np.log(high / low) / (1 / low - 1 / high))
    return float(((1 - a) / (2 - a)) * (high ** (2 - a) - low ** (2 - a)) / (high ** (1 - a) - low ** (1 - a)))


def mle_alpha(lengths_um: np.ndarray, x_min: float) -> float:
    """Continuous power-law MLE of alpha (Clauset et al. 2009) for particles at or above x_min."""
    x = np.asarray(lengths_um, dtype=float)
    x = x[np.isfinite(x) & (x >= x_min)]
    if len(x) < 2:
        raise AlignmentError("need at least two particle lengths at or above x_min to estimate alpha")
    return float(1 + len(x) / np.sum(np.log(x / x_min)))
