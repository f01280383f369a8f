"""Microplastic size alignment as a use case: one factor, or a whole dataset's concentrations."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from typing import Any

import numpy as np
import pyarrow.compute as pc

from litterhub.analysis.microplastics.alignment import (
    ALPHAS,
    DEFAULT_RANGE_UM,
    MICRO_UPPER_UM,
    align,
    correction_factor,
)
from litterhub.model.csvsafe import safe_cell
from litterhub.services.hub import Hub


def alignment_factor(alpha: float, measured: tuple[float, float], target: tuple[float, float] = DEFAULT_RANGE_UM
                     ) -> dict[str, Any]:
    cf = correction_factor(alpha, measured, target)
    return {"alpha": alpha, "measured_um": list(measured), "target_um": list(target), "correction_factor": cf}


def alphas() -> list[dict[str, Any]]:
    return [asdict(a) for a in ALPHAS.values()]


def align_dataset(hub: Hub, dataset_id: str, version: int, alpha: float,
                  target: tuple[float, float] = DEFAULT_RANGE_UM) -> dict[str, Any]:
    """Aligned concentrations for the events of a dataset version that carry a concentration and a lower size
    limit (mesh or filter); events without a size limit are counted and left out, never guessed.

    The concentration is the event's count per its effort: particles/m³ where a volume is known, else
    particles/km² where an area is known, or the density the source published (items_per_m2, e.g. trawls); the
    factor is the same for both (alignment is multiplicative).
    """
    events = hub.lake.read_table("events", dataset_id, version)

    def col(name: str) -> np.ndarray:
        return pc.cast(events[name], "double").to_numpy(zero_copy_only=False).astype(float)

    count, volume, area = col("total_count"), col("volume_m3"), col("area_m2")
    lower = np.where(np.isnan(col("lower_size_um")), col("mesh_um"), col("lower_size_um"))
    with np.errstate(invalid="ignore", divide="ignore"):
        per_m3 = np.where(volume > 0, count / volume, np.nan)
        per_km2 = np.where(area > 0, count / area * 1e6, np.nan)
        per_km2 = np.where(np.isnan(count), col("items_per_m2") * 1e6, per_km2)  # a published density, no count
    conc = np.where(np.isfinite(per_m3), per_m3, per_km2)
    unit = np.where(np.isfinite(per_m3), "particles/m3", "particles/km2")
    upper = np.where(np.isfinite(col("upper_size_um")), col("upper_size_um"), MICRO_UPPER_UM)
    # a lower limit at or above the upper one is not a size range (e.g. a mesh typed in the wrong unit)
    usable = np.isfinite(conc) & np.isfinite(lower) & (lower > 0) & (lower < upper)
    aligned = align(conc[usable], alpha, lower[usable], upper[usable], target)
    ids = np.asarray(events["event_id"].to_pylist(), dtype=object)[usable]
    return {
        "dataset_id": dataset_id, "version": version, "alpha": alpha, "target_um": list(target),
        "n_aligned": int(usable.sum()), "n_skipped": int((~usable).sum()),
        "skipped_reason": "no concentration, no lower size limit, or a lower limit not below the upper one",
        "items": [{"event_id": e, "unit": u, "lower_um": float(lo), "upper_um": float(hi), "measured": float(c),
                   "aligned": float(a)}
                  for e, u, lo, hi, c, a in zip(ids, unit[usable], lower[usable], upper[usable], conc[usable], aligned,
                                                strict=True)],
    }


def aligned_csv(result: dict[str, Any]) -> str:
    """CSV of an aligned dataset; text cells go through the formula-injection guard."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["event_id", "unit", "lower_um", "upper_um", "measured", "aligned", "alpha", "target_low_um",
                     "target_high_um", "dataset_version"])
    low, high = result["target_um"]
    version = f"{result['dataset_id']}@{result['version']}"
    for item in result["items"]:
        writer.writerow([safe_cell(item["event_id"]), item["unit"], item["lower_um"], item["upper_um"],
                         item["measured"], item["aligned"], result["alpha"], low, high, version])
    return out.getvalue()
