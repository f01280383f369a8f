"""Marine regions (MSFD regions/subregions, Regional Seas programmes) and assigning sites to them.

No real boundary data is available offline, so each region is a union of coarse lon/lat boxes
(data/marine_region_boxes.csv, documented in SOURCES.md). Where boxes of one kind overlap, the smallest box
wins: it is the more specific one (the Irish Sea box inside the North Sea envelope, the Baltic inside the
North-East Atlantic envelope). Assignment is vectorised over all points at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from litterhub.vocab.errors import VocabError
from litterhub.vocab.tables import data_path, read_rows, unique_by

KINDS = ("msfd-subregion", "msfd-region", "regional-sea")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    kind: str
    parent_code: str | None
    aliases: tuple[str, ...]
    source: str
    boxes: tuple[tuple[float, float, float, float], ...]


@lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    path = data_path("marine_regions.csv")
    rows = read_rows(path, ["code", "name", "kind", "parent_code", "aliases", "source"])
    unique_by(path, rows, "code")
    box_path = data_path("marine_region_boxes.csv")
    boxes: dict[str, list[tuple[float, float, float, float]]] = {}
    codes = {row["code"] for _, row in rows}
    for line, row in read_rows(box_path, ["region_code", "min_lon", "min_lat", "max_lon", "max_lat"]):
        if row["region_code"] not in codes:
            raise VocabError("litter-vocab-missing-target", box_path.name, line, "region_code",
                             f"box for unknown region {row['region_code']!r}")
        b = tuple(float(row[k]) for k in ("min_lon", "min_lat", "max_lon", "max_lat"))
        if not (b[0] < b[2] and b[1] < b[3]):
            raise VocabError("litter-vocab-bad-box", box_path.name, line, None, f"empty box {b}")
        boxes.setdefault(row["region_code"], []).append(b)
    out = {}
    for line, row in rows:
        if row["kind"] not in KINDS:
            raise VocabError("litter-vocab-bad-kind", path.name, line, "kind", f"unknown region kind {row['kind']!r}")
        if row["parent_code"] and row["parent_code"] not in codes:
            raise VocabError("litter-vocab-missing-parent", path.name, line, "parent_code",
                             f"unknown parent region {row['parent_code']!r}")
        out[row["code"]] = Region(row["code"], row["name"], row["kind"], row["parent_code"] or None,
                                  tuple(a.strip() for a in row["aliases"].split(";") if a.strip()),
                                  row["source"], tuple(boxes.get(row["code"], ())))
    return out


def region_by_name(name: str) -> Region | None:
    """Resolve a programme's own region label (e.g. MLW 'North-east Atlantic Ocean')."""
    key = name.strip().lower()
    for r in regions().values():
        if key in (r.code, r.name.lower(), *(a.lower() for a in r.aliases)):
            return r
    return None


def assign(lon: np.ndarray, lat: np.ndarray, kind: str) -> np.ndarray:
    """Region code of `kind` for each point (None where no box contains it); smallest box wins."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    best = np.full(lon.shape, np.inf)
    out = np.full(lon.shape, None, dtype=object)
    for r in regions().values():
        if r.kind != kind:
            continue
        for x0, y0, x1, y1 in r.boxes:
            area = (x1 - x0) * (y1 - y0)
            inside = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1) & (area < best)
            out[inside] = r.code
            best[inside] = area
    return out
