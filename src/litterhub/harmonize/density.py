"""Densities derived from counts and effort: the only place where items/100 m and items/m2 are made.

A density is left empty (and the event flagged) when the effort is missing, zero or implausible,
rather than dividing by junk: Marine LitterWatch has 0 m and 1.3 million m beach lengths.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MAX_SURVEY_LENGTH_M = 20_000.0  # longer "surveys" are data-entry errors (a beach survey is 100 m to a few km)
MAX_SURVEY_AREA_M2 = 5_000_000.0


@dataclass
class Densities:
    events: pa.Table
    effort_missing: np.ndarray
    effort_absurd: np.ndarray


def _np(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False).astype(float)


def _flags(missing: np.ndarray, absurd: np.ndarray) -> pa.Array:
    """qc_flags lists built in one vectorised step (one optional effort flag per event)."""
    has = missing | absurd
    offsets = np.concatenate(([0], np.cumsum(has))).astype(np.int32)
    values = np.where(missing, "litter-effort-missing", "litter-effort-absurd")[has]
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, pa.string()))


def add_densities(events: pa.Table) -> Densities:
    """Fill items_per_100m / items_per_m2 and set effort flags in qc_flags (vectorised); an event with no count
    keeps the items_per_m2 its adapter took from a published density."""
    total = _np(events.column("total_count"))
    published = _np(events.column("items_per_m2"))  # a density the source published instead of a count (trawls)
    length = _np(events.column("length_m"))
    area = _np(events.column("area_m2"))
    with np.errstate(invalid="ignore", divide="ignore"):
        no_length = np.isnan(length) | (length <= 0)
        absurd = ~no_length & (length > MAX_SURVEY_LENGTH_M)
        per_100m = np.where(no_length | absurd, np.nan, total * 100.0 / length)
        area_ok = ~np.isnan(area) & (area > 0) & (area <= MAX_SURVEY_AREA_M2)
        per_m2 = np.where(area_ok & ~np.isnan(total), total / area, published)
        # an event surveyed by area (litter circles, cores) has its density per m²: its effort is not missing
        missing = no_length & ~area_ok
    out = events
    for name, arr in (("items_per_100m", pa.array(per_100m, pa.float64(), from_pandas=True)),
                      ("items_per_m2", pa.array(per_m2, pa.float64(), from_pandas=True)),
                      ("qc_flags", _flags(missing, absurd))):
        out = out.set_column(out.column_names.index(name), name, arr)
    return Densities(out, missing, absurd)
