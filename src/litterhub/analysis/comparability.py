"""Comparability of the events behind an indicator: the one definition of a comparability class, the
warnings for mixes inside a class, and the result object every indicator returns.

Counts are only comparable when they were made the same way. An event's **comparability class** is

    compartment × unit family × size-range band × event type × protocol family

(`CLASS_SQL`, a SQL expression on the `events` relation; `classify` lists the classes of a relation,
largest first). No indicator adds, ranks or takes a median of counts across classes: a default view
over several classes gives one result per class, labelled with it, and an explicit request to pool
incompatible classes raises `IncomparableClasses` (code `incomparable-classes`, HTTP 409) instead of
answering with a number. Within a class, `check_events` still names every mix it finds (two MDMAP
transect lengths, OSPAR surveys outside the standard periods, …) as a warning, and `IndicatorResult`
carries those warnings, the classes and the dataset versions the numbers came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from litterhub.errors import Conflict

MICRO_UPPER_UM = 5000.0  # particles below 5 mm are microplastics (GESAMP 2019)
VISIBLE_LOWER_UM = 4750.0  # a lower limit from 4.75 mm (the sieve that draws the 5 mm line) counts visible items only
FINE_LOWER_UM = 100.0  # below 100 µm filters and pumps catch several times more particles than 300–500 µm nets
WATER_COMPARTMENTS = ("surface-water", "water-column")  # where a length is a tow, never a stretch of shore

# --- the five dimensions of a comparability class (each a SQL expression over one `events` row) ---------

COMPARTMENT_SQL = "coalesce(compartment, 'not stated')"

# Unit family: what one count is relative to. A density per volume, per dry mass, per stretch of shore or per
# area are different quantities, and a count with no effort at all is comparable to none of them. The
# effort columns are tested in this order because a sample records the effort its unit refers to first
# (an MDMAP transect has a length and an area: its counts are per stretch of shore).
UNIT_FAMILIES: tuple[tuple[str, str], ...] = (
    ("per volume (m³)", "volume_m3 > 0"),
    ("per dry mass (kg)", "dry_mass_kg > 0"),
    ("per length of shore", f"length_m > 0 AND coalesce(compartment, '') NOT IN {WATER_COMPARTMENTS}"),
    ("per area", "area_m2 > 0"),
    ("per tow length", "length_m > 0"),
)
NO_EFFORT = "per survey (no effort recorded)"

# Size-range band, from the lower limit (else the mesh) and the upper limit (GESAMP 2019: micro < 5 mm).
# Concentrations change by orders of magnitude with the lower limit (Lindeque et al. 2020: a 100 µm net
# catches ~2.5× a 333 µm one, and far fewer than a 20 µm filter), so bands split there; within a band the
# microplastics alignment (`litterhub microplastics align`) is the way to compare different limits.
MACRO = "macro (≥ 4.75 mm or no limit stated)"
SIZE_BANDS: tuple[tuple[str, str], ...] = (
    (MACRO, f"(_lo IS NULL AND upper_size_um IS NULL) OR _lo >= {VISIBLE_LOWER_UM}"),
    ("micro (< 5 mm), lower limit not stated", f"upper_size_um <= {MICRO_UPPER_UM} AND _lo IS NULL"),
    ("micro (< 5 mm) from < 100 µm", f"upper_size_um <= {MICRO_UPPER_UM} AND _lo < {FINE_LOWER_UM}"),
    ("micro (< 5 mm) from ≥ 100 µm", f"upper_size_um <= {MICRO_UPPER_UM}"),
    ("upper limit only, lower not stated", "_lo IS NULL"),
    ("all sizes from < 100 µm", f"_lo < {FINE_LOWER_UM}"),
)
NET_BAND = "all sizes from 100 µm–4.75 mm (net mesh)"

EVENT_TYPE_SQL = "coalesce(event_type, 'not stated')"

# Protocol family: protocols whose counts are meant to be compared. Matched in this order on the protocol
# text (lower case); anything not recognised is its own family per dataset ("as stated"), so two unknown
# protocols are never pooled just because both are unknown.
PROTOCOL_FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("surface net tow (manta / neuston)", r"manta|neuston|surface trawl",
     "floating particles skimmed by a net towed at the surface, whichever programme towed it"),
    ("seafloor trawl", r"bottom trawl|seafloor", "litter caught by a fishing trawl on the seabed (IBTS/MEDITS)"),
    ("IQAASL shoreline survey (hammerdirt)", r"iqaasl|hammerdirt",
     "the MSFD method adapted to lakes and rivers: its own item list and stretch lengths"),
    ("OSPAR / MSFD 100 m beach survey",
     r"ospar|msfd|tg-ml|marine litterwatch monitoring|emodnet beach litter \(msfd",
     "OSPAR's 100 m guideline, which the MSFD TG-ML guidance, Marine LitterWatch monitoring and the "
     "EMODnet beach data follow, and which the EU threshold value pools"),
    ("Marine LitterWatch cleanup", r"marine litterwatch cleanup|emodnet beach litter \(clean",
     "cleanups recorded with the MLW item list, stretch chosen by the volunteers"),
    ("NOAA MDMAP", r"mdmap", "NOAA's shoreline transects (standing stock and accumulation)"),
    ("MCS Beachwatch", r"beachwatch|marine conservation society", "MCS's 100 m minimum stretch, own item list"),
    ("Ocean Conservancy ICC", r"ocean conservancy|\bicc\b|\btides\b|clean swell",
     "International Coastal Cleanup data card: whatever the volunteers collected"),
    ("OpenLitterMap photo", r"openlittermap", "items per photo, no effort"),
    ("Plastic Pirates", r"plastic pirates", "school-class surveys with the project booklet"),
    ("Pla'stock", r"pla.stock", "Pla'stock lake-shore quadrats and sand cores"),
)
NOT_STATED = "not stated"


def _lit(text: str) -> str:
    """A constant of this module as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _case(pairs: tuple[tuple[str, str], ...], default: str) -> str:
    whens = " ".join(f"WHEN {condition} THEN {_lit(label)}" for label, condition in pairs)
    return f"CASE {whens} ELSE {_lit(default)} END"


UNIT_FAMILY_SQL = _case(UNIT_FAMILIES, NO_EFFORT)
SIZE_BAND_SQL = _case(SIZE_BANDS, NET_BAND).replace("_lo", "coalesce(lower_size_um, mesh_um)")
_PROTOCOL_WHENS = " ".join(f"WHEN regexp_matches(lower(protocol), {_lit(pattern)}) THEN {_lit(family)}"
                           for family, pattern, _ in PROTOCOL_FAMILIES)
PROTOCOL_FAMILY_SQL = (f"CASE WHEN protocol IS NULL OR trim(protocol) = '' THEN {_lit(NOT_STATED)} {_PROTOCOL_WHENS} "
                       "ELSE 'as stated: ' || protocol || ' (' || dataset_id || ')' END")
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("compartment", COMPARTMENT_SQL),
    ("unit_family", UNIT_FAMILY_SQL),
    ("size_band", SIZE_BAND_SQL),
    ("event_type", EVENT_TYPE_SQL),
    ("protocol_family", PROTOCOL_FAMILY_SQL),
)
# An event whose number is a density or concentration the source published (trawl pieces/km²: items_per_m2;
# NCEI pieces/m³: concentration; both without a total_count) has no item count: survey totals leave it out
# rather than count it as a survey that found nothing.
COUNTED_SQL = "NOT (total_count IS NULL AND (items_per_m2 IS NOT NULL OR concentration IS NOT NULL))"
CLASS_SEPARATOR = " · "
CLASS_COLUMN = "comparability_class"
# the class label of an event row: the five dimensions joined, e.g.
# "beach · per length of shore · macro (…) · monitoring · OSPAR / MSFD 100 m beach survey"
CLASS_SQL = "concat_ws('" + CLASS_SEPARATOR + "', " + ", ".join(sql for _, sql in DIMENSIONS) + ")"


@dataclass(frozen=True)
class ComparabilityClass:
    """One class of an indicator's inputs: its label, its five dimensions, and how many events of which datasets."""

    label: str
    dimensions: dict[str, str]
    events: int
    datasets: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, **self.dimensions, "events": self.events, "datasets": list(self.datasets)}


class IncomparableClasses(Conflict, ValueError):
    """An explicit request to pool events of several comparability classes into one number: refused."""

    code = "incomparable-classes"
    status = 409

    def __init__(self, classes: list[ComparabilityClass], what: str = "pool") -> None:
        self.classes = classes
        listing = "; ".join(f"{c.label} ({c.events} events)" for c in classes)
        super().__init__(f"{self.code}: {what} would add counts across {len(classes)} comparability classes, which "
                         f"are not comparable: {listing}. Leave pooling off to get one result per class, or choose "
                         "datasets of one class")


def classify(con: duckdb.DuckDBPyConnection, events: str = "events") -> list[ComparabilityClass]:
    """The comparability classes of relation `events`, largest (most events) first; one aggregate query."""
    rows = con.sql(f"""
        SELECT {CLASS_SQL} AS label, {", ".join(f"any_value({sql})" for _, sql in DIMENSIONS)},
               count(*) AS n, list(DISTINCT dataset_id ORDER BY dataset_id) AS datasets
        FROM {events} GROUP BY label ORDER BY n DESC, label
    """).fetchall()  # noqa: S608 - fixed expressions, relation name from our own code
    names = [name for name, _ in DIMENSIONS]
    return [ComparabilityClass(row[0], dict(zip(names, row[1:6], strict=True)), int(row[6]), tuple(row[7]))
            for row in rows]


def require_one_class(classes: list[ComparabilityClass], what: str = "pool") -> None:
    """Refuse (IncomparableClasses) when `classes` are more than one: the caller asked for a single number."""
    if len(classes) > 1:
        raise IncomparableClasses(classes, what)


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
    classes: list[ComparabilityClass] = field(default_factory=list)  # largest first; tables carry CLASS_COLUMN
    excluded_events: list[dict[str, Any]] = field(default_factory=list)  # duplicate copies left out, with why

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: tables as lists of records (dates ISO, NaN as null)."""
        return {
            "indicator": self.indicator,
            "dataset_versions": [{"dataset_id": d, "version": v} for d, v in self.versions],
            "params": self.params,
            "summary": self.summary,
            "comparability_classes": [c.as_dict() for c in self.classes],
            "excluded_events": list(self.excluded_events),
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
