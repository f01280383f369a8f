"""Declarative mappings: how a new programme's CSV or XLSX columns become canonical records, with no code.

A mapping is a small YAML document (docs/formats.md, "generic"): which column holds the date,
the site, the coordinates and the effort, in which units; which columns (wide layout) or which code and
count columns (long layout) hold the items and in which code scheme; what a blank item cell means; the
date format. `load_mapping` validates it completely and every error names the key at fault, so a
person can fix the file without reading code. `draft_mapping` proposes one from a file's headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from litterhub.errors import InvalidInput

EVENT_FIELDS = {
    "id": "the survey's own id (default: the row's line, or site + date for long layouts)",
    "date": "survey date (required)",
    "site": "site key (default: site_name, else the coordinates)",
    "site_name": "site name",
    "lat": "latitude, WGS84 degrees",
    "lon": "longitude, WGS84 degrees",
    "country": "country code or name",
    "region": "regional sea / region",
    "length": "surveyed length (unit: units.length)",
    "width": "surveyed width (unit: units.length)",
    "area": "surveyed area (unit: units.area)",
    "volume": "filtered volume (unit: units.volume)",
    "duration": "search time in minutes",
    "people": "number of people",
    "total": "the file's own total count",
    "protocol": "protocol followed",
}
LONG_FIELDS = {"code": "item code (required)", "name": "item name", "count": "item count (required)",
               "mass": "item mass (unit: units.mass)"}
UNITS: dict[str, dict[str, float]] = {
    "length": {"m": 1.0, "km": 1000.0, "mi": 1609.344, "miles": 1609.344, "ft": 0.3048, "yd": 0.9144, "cm": 0.01},
    "area": {"m2": 1.0, "km2": 1_000_000.0, "ha": 10_000.0, "ft2": 0.09290304, "cm2": 0.0001},
    "volume": {"m3": 1.0, "l": 0.001, "L": 0.001},
    "mass": {"kg": 1.0, "g": 0.001, "lb": 0.45359237, "lbs": 0.45359237},
}
BLANK_MEANINGS = ("zero", "not-recorded")
LAYOUTS = ("wide", "long")
TOP_KEYS = {"format", "title", "description", "publisher", "licence", "citation", "programme", "protocol",
            "sheet", "layout", "scheme", "event", "date_format", "compartment", "event_type", "quality_tier",
            "units", "blank", "items", "long", "decimal_comma", "delimiter"}
COMPARTMENTS = ("beach", "riverbank", "lakeshore", "surface-water", "water-column", "seafloor", "sediment", "biota")


class MappingError(InvalidInput, ValueError):
    """The mapping is invalid or does not fit the file; the message names the key at fault."""


@dataclass
class Mapping:
    """A validated mapping (see the module docstring and docs/formats.md)."""

    event: dict[str, str]
    layout: str = "wide"
    scheme: str = "custom"
    date_format: str = "%Y-%m-%d"
    blank: str = "not-recorded"
    units: dict[str, str] = field(default_factory=lambda: {"length": "m", "area": "m2", "volume": "m3",
                                                           "mass": "kg"})
    item_columns: list[str] = field(default_factory=list)
    item_pattern: str | None = None
    item_codes: dict[str, str] = field(default_factory=dict)
    long: dict[str, str] = field(default_factory=dict)
    compartment: str = "beach"
    event_type: str = "monitoring"
    quality_tier: str = "citizen-science"
    sheet: str | None = None
    decimal_comma: bool = False
    meta: dict[str, str] = field(default_factory=dict)
    source_text: str = ""

    def factor(self, kind: str) -> float:
        return UNITS[kind][self.units[kind]]

    def items_for(self, header: list[str]) -> list[str]:
        """Item columns of a wide file: the listed ones, else those matching the pattern."""
        if self.item_columns:
            return list(self.item_columns)
        rx = re.compile(self.item_pattern or r"$^")
        used = set(self.event.values())
        return [h for h in header if rx.search(h) and h not in used]

    def check_against(self, header: list[str]) -> None:
        """Every column the mapping names must exist in the file (the error lists what the file has)."""
        have = set(header)
        shown = ", ".join(header[:40]) + (" ..." if len(header) > 40 else "")
        for key, col in self.event.items():
            if col not in have:
                raise MappingError(f"mapping key 'event.{key}': column {col!r} is not in the file (columns: {shown})")
        for key, col in self.long.items():
            if col not in have:
                raise MappingError(f"mapping key 'long.{key}': column {col!r} is not in the file (columns: {shown})")
        if self.layout == "wide":
            missing = [c for c in self.item_columns if c not in have]
            if missing:
                raise MappingError(f"mapping key 'items.columns': column(s) {', '.join(map(repr, missing[:10]))} "
                                   f"not in the file (columns: {shown})")
            if not self.items_for(header):
                raise MappingError("mapping key 'items': no column of the file is an item column "
                                   f"(pattern {self.item_pattern!r}; columns: {shown})")


def _str_map(value: Any, key: str, allowed: dict[str, str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MappingError(f"mapping key {key!r} must be a mapping of field: column")
    out = {}
    for k, v in value.items():
        if k not in allowed:
            raise MappingError(f"mapping key '{key}.{k}' is not known; known: {', '.join(allowed)}")
        if v is None or v == "":
            continue
        if not isinstance(v, str | int | float):
            raise MappingError(f"mapping key '{key}.{k}' must name one column")
        out[str(k)] = str(v)
    return out


def _choice(raw: dict, key: str, choices: tuple[str, ...], default: str) -> str:
    value = raw.get(key, default)
    if value not in choices:
        raise MappingError(f"mapping key {key!r}: {value!r} is not one of {', '.join(choices)}")
    return str(value)


def parse_mapping(text: str) -> Mapping:
    """Validate a mapping document; raises MappingError naming the key at fault."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(f"the mapping is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise MappingError("the mapping must be a YAML mapping (key: value lines)")
    unknown = sorted(set(map(str, raw)) - TOP_KEYS)
    if unknown:
        raise MappingError(f"mapping key {unknown[0]!r} is not known; known keys: {', '.join(sorted(TOP_KEYS))}")
    layout = _choice(raw, "layout", LAYOUTS, "wide")
    event = _str_map(raw.get("event"), "event", EVENT_FIELDS)
    if "date" not in event:
        raise MappingError("mapping key 'event.date' is required: the column holding the survey date")
    units = {"length": "m", "area": "m2", "volume": "m3", "mass": "kg"}
    given_units = raw.get("units") or {}
    if not isinstance(given_units, dict):
        raise MappingError("mapping key 'units' must be a mapping such as {length: m, area: m2, mass: kg}")
    for kind, unit in given_units.items():
        if kind not in UNITS:
            raise MappingError(f"mapping key 'units.{kind}' is not known; known: {', '.join(UNITS)}")
        if unit not in UNITS[kind]:
            raise MappingError(f"mapping key 'units.{kind}': {unit!r} is not one of {', '.join(UNITS[kind])}")
        units[kind] = unit
    items = raw.get("items") or {}
    if not isinstance(items, dict):
        raise MappingError("mapping key 'items' must be a mapping with 'columns' (a list) or 'pattern' (a regex)")
    for k in items:
        if k not in ("columns", "pattern", "codes"):
            raise MappingError(f"mapping key 'items.{k}' is not known; known: columns, pattern, codes")
    columns = items.get("columns") or []
    if not isinstance(columns, list) or not all(isinstance(c, str | int) for c in columns):
        raise MappingError("mapping key 'items.columns' must be a list of column names")
    pattern = items.get("pattern")
    if pattern is not None:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            raise MappingError(f"mapping key 'items.pattern': not a valid regular expression ({exc})") from None
    codes = items.get("codes") or {}
    if not isinstance(codes, dict):
        raise MappingError("mapping key 'items.codes' must map column names to item codes")
    long = _str_map(raw.get("long"), "long", LONG_FIELDS)
    if layout == "wide" and not columns and pattern is None:
        raise MappingError("mapping key 'items' is required for the wide layout: give 'columns' or 'pattern'")
    if layout == "long":
        for need in ("code", "count"):
            if need not in long:
                raise MappingError(f"mapping key 'long.{need}' is required for the long layout")
    date_format = str(raw.get("date_format", "%Y-%m-%d"))
    if "%" not in date_format:
        raise MappingError(f"mapping key 'date_format': {date_format!r} has no strftime directive (e.g. %d/%m/%Y)")
    compartment = _choice(raw, "compartment", COMPARTMENTS, "beach")
    meta = {k: str(raw[k]) for k in ("title", "description", "publisher", "licence", "citation", "programme",
                                      "protocol") if raw.get(k)}
    return Mapping(
        event=event, layout=layout, scheme=str(raw.get("scheme") or "custom"), date_format=date_format,
        blank=_choice(raw, "blank", BLANK_MEANINGS, "not-recorded"), units=units,
        item_columns=[str(c) for c in columns], item_pattern=str(pattern) if pattern is not None else None,
        item_codes={str(k): str(v) for k, v in codes.items()}, long=long, compartment=compartment,
        event_type=str(raw.get("event_type") or "monitoring"),
        quality_tier=str(raw.get("quality_tier") or "citizen-science"),
        sheet=str(raw["sheet"]) if raw.get("sheet") is not None else None,
        decimal_comma=bool(raw.get("decimal_comma", False)), meta=meta, source_text=text,
    )


def load_mapping(source: Mapping | Path | str) -> Mapping:
    """A Mapping from itself, a YAML file path, or YAML text."""
    if isinstance(source, Mapping):
        return source
    if isinstance(source, Path):
        if not source.is_file():
            raise MappingError(f"mapping file {source} does not exist")
        if source.stat().st_size > 1 << 20:
            raise MappingError(f"mapping file {source} is larger than 1 MiB")
        return parse_mapping(source.read_text(encoding="utf-8", errors="replace"))
    return parse_mapping(source)


# -- drafting -------------------------------------------------------------------------------------------------
GUESSES: dict[str, tuple[str, ...]] = {
    "date": ("date", "datum", "fecha", "eventdate", "survey_date", "sampling_date", "samplingdate", "day"),
    "site_name": ("site", "beach", "beachname", "plage", "location", "site_name", "sitename", "place", "strand"),
    "lat": ("lat", "latitude", "lat_y1", "y"),
    "lon": ("lon", "long", "lng", "longitude", "lon_x1", "x"),
    "country": ("country", "pays", "land", "countrycode", "country_code"),
    "length": ("length", "length_m", "beachlength_m", "surveylength", "longueur", "distance", "miles"),
    "width": ("width", "width_m", "largeur"),
    "area": ("area", "area_m2", "aire", "surface"),
    "people": ("people", "volunteers", "participants", "adults", "num_people"),
    "total": ("total", "total_items", "totalitems", "total_count", "total_litter"),
    "id": ("id", "survey_id", "event_id", "eventid", "surveyid", "sample_id"),
}
LONG_GUESSES = {"code": ("code", "item_code", "itemcode", "g_code", "gcode"),
                "name": ("item", "item_name", "objet", "name", "category"),
                "count": ("count", "quantity", "quantité", "quantite", "number", "n", "pcs", "value"),
                "mass": ("weight", "mass", "poids", "weight_kg")}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d", "%d-%m-%Y", "%Y/%m/%d")


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9éèàäöüç]+", "_", name.lower()).strip("_")


def _guess(header: list[str], names: tuple[str, ...], taken: set[str]) -> str | None:
    normalised = {_norm(h): h for h in header if h not in taken}
    for want in names:
        if want in normalised:
            return normalised[want]
    for want in names:
        for n, h in normalised.items():
            if len(want) > 3 and n.startswith(want):
                return h
    return None


def guess_date_format(values: list[str]) -> str:
    """The first format that reads every sample value (ISO when nothing fits)."""
    from datetime import datetime

    sample = [v.strip()[:10] for v in values if v and v.strip()][:200]
    for fmt in DATE_FORMATS:
        try:
            for v in sample:
                datetime.strptime(v, fmt)
        except ValueError:
            continue
        return fmt
    return "%Y-%m-%d"


def _numeric(values: list[str]) -> bool:
    """Sample values that are all numbers (blank cells allowed, but not only blanks)."""
    filled = [v for v in values if v.strip()]
    return bool(filled) and all(re.fullmatch(r"\s*-?\d+([.,]\d+)?\s*", v) for v in filled)


# A long file names its items in a column: codes such as G27, OSPAR 64 or "Cigarette butts"; a wide file has
# one numeric column per item. More than MAX_WIDE_CODES G-code columns means wide whatever else is there.
MAX_WIDE_CODES = 3
ITEM_CODE = re.compile(r"[A-Za-z]{1,4}[-_ ]?\d{1,4}[a-z]?")


def _textual(values: list[str]) -> bool:
    """Sample values that name things (some filled, not all numbers): an item column of a long file."""
    filled = [v for v in values if v.strip()]
    return bool(filled) and not _numeric(filled)


def _long_columns(header: list[str], samples: dict[str, list[str]], taken: set[str]) -> dict[str, str]:
    """The long layout's columns when the file has one: a numeric count column and an item column
    (code or name) holding text. An item column with names only serves as both code and name (scheme custom)."""
    long = {key: col for key, names in LONG_GUESSES.items() if (col := _guess(header, names, taken))}
    if "count" not in long or not _numeric(samples.get(long["count"], [])):
        return {}
    items = [c for c in (long.get("code"), long.get("name")) if c and _textual(samples.get(c, []))]
    if not items:
        return {}
    long.setdefault("code", items[0])
    return long


def _item_scheme(values: list[str]) -> str:
    filled = [v.strip() for v in values if v.strip()]
    if filled and all(re.fullmatch(r"G\d+[a-z]?", v) for v in filled):
        return "tsg-ml"
    return "custom"


def draft_document(header: list[str], samples: dict[str, list[str]], sheet: str | None = None) -> dict[str, Any]:
    """A proposed mapping as a dict (the wizard's column picker starts from it; draft_mapping writes it out)."""
    taken: set[str] = set()
    event: dict[str, str] = {}
    for key, names in GUESSES.items():
        col = _guess(header, names, taken)
        if col:
            event[key] = col
            taken.add(col)
    gcodes = [h for h in header if re.fullmatch(r"G\d+[a-z]?", h)]
    long = _long_columns(header, samples, taken) if len(gcodes) < MAX_WIDE_CODES else {}
    layout = "long" if long else "wide"
    doc: dict[str, Any] = {"title": "", "publisher": "", "licence": "", "layout": layout}
    if sheet:
        doc["sheet"] = sheet
    doc["scheme"] = "tsg-ml" if gcodes else (_item_scheme(samples.get(long["code"], [])) if long else "custom")
    doc["event"] = event
    doc["date_format"] = guess_date_format(samples.get(event.get("date", ""), []))
    doc["units"] = {"length": "mi" if _norm(event.get("length", "")) == "miles" else "m", "area": "m2", "mass": "kg"}
    doc["blank"] = "not-recorded"
    doc["compartment"] = "beach"
    if layout == "long":
        doc["long"] = long
    elif gcodes:
        doc["items"] = {"pattern": r"^G\d+[a-z]?$"}
    else:
        doc["items"] = {"columns": [h for h in header if h not in taken and _numeric(samples.get(h, []))]}
    return doc


def render_mapping(doc: dict[str, Any]) -> str:
    """A mapping document as the YAML the generic reader takes, with a short header comment."""
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    return ("# litterhub mapping draft: check every line, then run\n"
            "#   litterhub ingest FILE --format generic --mapping THIS.yaml\n"
            "# keys: docs/formats.md (generic). blank: zero | not-recorded; units.length: m|km|mi|ft|yd\n"
            + body)


def draft_mapping(header: list[str], samples: dict[str, list[str]], sheet: str | None = None) -> str:
    """A proposed mapping (YAML text with comments) from a file's header and a few sample values per column."""
    return render_mapping(draft_document(header, samples, sheet))
