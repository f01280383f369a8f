"""Microplastic concentrations as programmes publish them (pieces/m³, pieces/km², g/km², pieces/kg d.w.).

A concentration is a count already divided by the programme's own effort. The hub stores it as
"this many items per one reference unit of effort": the count goes to `total_count` / `count`, and
the event's effort column holds one reference unit (1 m³ of filtered water, 1 km² = 10⁶ m² of sea
surface, 1 kg dry sediment). Densities derived from that (items_per_m2 = pieces/km² ÷ 10⁶) are then
exact, and nothing pretends to know the tow's real length.

Areal and volumetric units are never converted into each other unless the sampled depth is known:
`areal_to_volumetric` returns NaN wherever the depth is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KM2_IN_M2 = 1_000_000.0


@dataclass(frozen=True)
class ReferenceEffort:
    """The effort column and value that turn a published concentration back into 'items per effort'."""

    unit: str  # the unit as the hub names it
    effort_column: str  # events column holding one reference unit
    effort_value: float
    compartment_hint: str


REFERENCE_EFFORTS: dict[str, ReferenceEffort] = {
    "pieces/m3": ReferenceEffort("particles/m3", "volume_m3", 1.0, "surface-water"),
    "pieces/km2": ReferenceEffort("particles/km2", "area_m2", KM2_IN_M2, "surface-water"),
    "pieces kg-1 d.w.": ReferenceEffort("particles/kg dw", "dry_mass_kg", 1.0, "sediment"),
    "pieces/10 mins": ReferenceEffort("particles/10 min", "duration_min", 10.0, "beach"),
}


def reference_effort(unit: str) -> ReferenceEffort | None:
    """The reference effort of a source unit (spelling as in the file), or None when the hub cannot place it."""
    key = " ".join(unit.strip().lower().replace("³", "3").replace("²", "2").replace("^", "").split())
    aliases = {"pieces/m^3": "pieces/m3", "particles/m3": "pieces/m3", "pieces/km^2": "pieces/km2",
               "#/km2": "pieces/km2", "particles/km2": "pieces/km2", "pieces/kg d.w.": "pieces kg-1 d.w.",
               "pieces/10 min": "pieces/10 mins"}
    return REFERENCE_EFFORTS.get(aliases.get(key, key))


def grams_per_km2_to_kg(values: np.ndarray) -> np.ndarray:
    """g/km² -> kg per reference km² (the mass that goes beside a pieces/km² count)."""
    return np.asarray(values, dtype=float) / 1000.0


def areal_to_volumetric(per_km2: np.ndarray, depth_m: np.ndarray) -> np.ndarray:
    """pieces/km² -> pieces/m³ through the sampled depth (net mouth immersion); NaN where depth is unknown.

    A manta net skims the top 0.15-0.25 m; assuming a depth silently would change results by a
    factor of two, so there is no default.
    """
    per_km2 = np.asarray(per_km2, dtype=float)
    depth = np.asarray(depth_m, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((depth > 0) & np.isfinite(depth), per_km2 / KM2_IN_M2 / depth, np.nan)
