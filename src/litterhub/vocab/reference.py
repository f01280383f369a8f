"""The small reference vocabularies: materials, use groups, size classes, compartments, units, polymers,
particle shapes and colours. Each is a packaged CSV with its source cited in data/SOURCES.md."""

from __future__ import annotations

import math
from functools import cache, lru_cache

from litterhub.vocab.errors import VocabError
from litterhub.vocab.items import master_list
from litterhub.vocab.tables import data_path, load_table, read_rows, unique_by

TABLES = {
    "materials": ("materials.csv", "code", ["name", "tsg_class"]),
    "use_groups": ("use_groups.csv", "code", ["name", "definition", "source"]),
    "size_classes": ("size_classes.csv", "code", ["name", "lower_um", "upper_um", "source"]),
    "compartments": ("compartments.csv", "code", ["name", "description"]),
    "units": ("units.csv", "code", ["name", "quantity", "base_unit", "factor_to_base"]),
    "polymers": ("polymers.csv", "code", ["name", "density_min_g_cm3", "density_max_g_cm3", "source"]),
    "shapes": ("shapes.csv", "code", ["name", "aliases"]),
    "colours": ("colours.csv", "code", ["name", "aliases"]),
}


@cache
def table(name: str) -> dict[str, dict[str, str]]:
    """One reference table by name (see TABLES), keyed by code."""
    file, key, required = TABLES[name]
    return load_table(file, key, required)


def materials() -> dict[str, dict[str, str]]:
    return table("materials")


def use_groups() -> dict[str, dict[str, str]]:
    return table("use_groups")


@lru_cache(maxsize=1)
def use_group_members() -> tuple[tuple[str, str], ...]:
    """(group, master_code) pairs; both ends must exist."""
    path = data_path("use_group_members.csv")
    rows = read_rows(path, ["group_code", "master_code", "evidence"])
    unique_by(path, rows, "group_code", "master_code")
    groups, master = use_groups(), master_list()
    for line, row in rows:
        if row["group_code"] not in groups:
            raise VocabError("litter-vocab-missing-target", path.name, line, "group_code",
                             f"unknown use group {row['group_code']!r}")
        if row["master_code"] not in master:
            raise VocabError("litter-vocab-missing-target", path.name, line, "master_code",
                             f"{row['master_code']!r} is not in the master list")
    return tuple((row["group_code"], row["master_code"]) for _, row in rows)


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert between two units of the same quantity (e.g. mile -> m, lb -> kg)."""
    units = table("units")
    for u in (from_unit, to_unit):
        if u not in units:
            raise KeyError(f"unknown unit {u!r}")
    a, b = units[from_unit], units[to_unit]
    if a["base_unit"] != b["base_unit"]:
        raise ValueError(f"cannot convert {from_unit} ({a['quantity']}) to {to_unit} ({b['quantity']})")
    return value * float(a["factor_to_base"]) / float(b["factor_to_base"])


def size_class_of(size_um: float, scheme: str = "gesamp-2019") -> str | None:
    """The size class (of one scheme) a particle/item size falls in; lower bound inclusive."""
    for code, row in table("size_classes").items():
        if row["scheme"] != scheme:
            continue
        lo = float(row["lower_um"])
        hi = float(row["upper_um"]) if row["upper_um"] else math.inf
        if code in ("micro-small", "micro-large"):
            continue
        if lo <= size_um < hi:
            return code
    return None


def alias_lookup(name: str) -> dict[str, str]:
    """alias -> code for the shapes or colours table (lower-case aliases, ';'-separated in the CSV)."""
    out: dict[str, str] = {}
    for code, row in table(name).items():
        for alias in [code, row["name"], *row["aliases"].split(";")]:
            if alias.strip():
                out[alias.strip().lower()] = code
    return out
