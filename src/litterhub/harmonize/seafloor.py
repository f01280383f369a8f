"""Seafloor litter densities from trawl hauls: items per km² of swept area.

Trawl surveys report items per haul; hauls differ in length and net opening, so they are only comparable
per swept area: area (km²) = Distance (m) x WingSpread (m) / 10⁶ (wing spread, not door spread, is the
opening that retains litter, as in the ICES/MEDITS litter protocols). Adapters store `length_m`,
`width_m` and `area_m2` on the event; this module derives items/km² from them (and nothing is typed in).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

M2_PER_KM2 = 1_000_000.0


def swept_area_m2(distance_m: np.ndarray, wingspread_m: np.ndarray) -> np.ndarray:
    """Swept area of each haul in m²; NaN where either dimension is missing or not positive."""
    d = np.asarray(distance_m, dtype=float)
    w = np.asarray(wingspread_m, dtype=float)
    with np.errstate(invalid="ignore"):
        ok = (d > 0) & (w > 0)
    return np.where(ok, d * w, np.nan)


def items_per_km2(events: pa.Table) -> pa.Array:
    """total_count / swept area in km², from the canonical event columns; null where the area is unknown."""
    total = pc.cast(events.column("total_count"), pa.float64()).to_numpy(zero_copy_only=False).astype(float)
    area = pc.cast(events.column("area_m2"), pa.float64()).to_numpy(zero_copy_only=False).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        density = np.where(area > 0, total / (area / M2_PER_KM2), np.nan)
    return pa.array(density, pa.float64(), from_pandas=True)


def add_items_per_km2(events: pa.Table) -> pa.Table:
    """The events with an `items_per_km2` column (unit item/km2 in the field metadata)."""
    field = pa.field("items_per_km2", pa.float64(), metadata={"unit": "item/km2",
                                                              "doc": "derived: total_count / (area_m2 / 1e6)"})
    return events.append_column(field, items_per_km2(events))
