"""Comparability of the events behind an indicator, and the result object every indicator returns.

No indicator may silently mix units, protocols, compartments, event types or size ranges: such mixes
change what a median or a trend means (a 5 m MDMAP transect is not a 100 m OSPAR stretch; a 333 µm
manta tow is not a beach survey). `check_events` names every mix it finds as a warning, and
`IndicatorResult` carries those warnings together with the dataset versions the numbers came from,
so every published number cites its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

MICRO_UPPER_UM = 5000.0  # particles below 5 mm are microplastics (GESAMP 2019)


@dataclass(frozen=True)
class ComparabilityWarning:
    """One mix found in an indicator's inputs: a stable code, a sentence, and the values with their event counts."""

    code: str
    message: str
    values: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "values": dict(self.values)}


@dataclass
class IndicatorResult:
    """What every indicator returns: its tables, parameters, warnings and the dataset versions used."""

    indicator: str
    versions: list[tuple[str, int]]
    params: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[ComparabilityWarning] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: tables as lists of records (dates ISO, NaN as null)."""
        return {
            "indicator": self.indicator,
            "dataset_versions": [{"dataset_id": d, "version": v} for d, v in self.versions],
            "params": self.params,
            "summary": self.summary,
            "warnings": [w.as_dict() for w in self.warnings],
            "tables": {name: records(frame) for name, frame in self.tables.items()},
        }


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a table as JSON-safe dicts: NaN/NaT -> None, dates -> ISO strings, NumPy scalars -> Python."""
    if frame is None or frame.empty:
        return []
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            out[name] = column.dt.strftime("%Y-%m-%d")
    out = out.astype(object).where(out.notna(), None)
    rows = out.to_dict(orient="records")
    return [{k: (v.item() if hasattr(v, "item") else (v.isoformat() if hasattr(v, "isoformat") else v))
             for k, v in row.items()} for row in rows]


# the sampling unit an event's counts refer to: MDMAP-style transects (grouped by survey_group) or a whole stretch
_UNIT_SQL = f"""CASE
    WHEN coalesce(upper_size_um, 1e12) <= {MICRO_UPPER_UM}
         OR compartment IN ('surface-water', 'water-column', 'sediment', 'biota')
        THEN CASE WHEN volume_m3 > 0 THEN 'particles/m3' WHEN area_m2 > 0 THEN 'particles/km2'
                  WHEN dry_mass_kg > 0 THEN 'particles/kg dw' ELSE 'particles per sample' END
    WHEN survey_group IS NOT NULL THEN 'items per transect (' || coalesce(CAST(length_m AS VARCHAR), '?') || ' m)'
    WHEN length_m > 0 THEN 'items/100 m of shore'
    ELSE 'items per survey (no length)' END"""

_SIZE_SQL = """CASE WHEN lower_size_um IS NULL AND upper_size_um IS NULL AND mesh_um IS NULL
        THEN 'not stated (macro litter)'
    ELSE coalesce(CAST(coalesce(lower_size_um, mesh_um) AS VARCHAR), '?') || '–' ||
         coalesce(CAST(upper_size_um AS VARCHAR), 'open') || ' µm' END"""

CHECKS: tuple[tuple[str, str, str], ...] = (
    ("mixed-units", _UNIT_SQL, "counts refer to different sampling units"),
    ("mixed-protocols", "coalesce(protocol, 'not stated')", "events follow different protocols"),
    ("mixed-compartments", "coalesce(compartment, 'not stated')", "events come from different compartments"),
    ("mixed-event-types", "coalesce(event_type, 'not stated')", "monitoring surveys and other events are mixed"),
    ("mixed-size-ranges", _SIZE_SQL, "events count items of different size ranges"),
)


def check_events(con: duckdb.DuckDBPyConnection, events: str = "events") -> list[ComparabilityWarning]:
    """Warnings for every property whose values differ across the events of relation `events`.

    One aggregate query per property over the event table (never a loop over events); a warning lists
    each distinct value with its number of events.
    """
    warnings: list[ComparabilityWarning] = []
    for code, expression, sentence in CHECKS:
        sql = f"SELECT {expression} AS v, count(*) AS n FROM {events} GROUP BY ALL ORDER BY n DESC, v"  # noqa: S608
        rows = con.sql(sql).fetchall()  # fixed expressions, relation name from our own code
        if len(rows) > 1:
            values = {str(v): int(n) for v, n in rows}
            listing = "; ".join(f"{v} ({n} events)" for v, n in values.items())
            warnings.append(ComparabilityWarning(code, f"{sentence}: {listing}", values))
    return warnings


def warning(code: str, message: str, **values: int) -> ComparabilityWarning:
    """A warning raised by an indicator itself (exclusions, too few surveys, …)."""
    return ComparabilityWarning(code, message, {k.replace("_", " "): int(v) for k, v in values.items()})
