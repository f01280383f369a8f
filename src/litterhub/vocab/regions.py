"""Marine regions and assigning sites to them.

Two kinds of region live here:

* **Marine regions from polygons** (`locate`, `marine_region_names`): the site's region is the Natural Earth
  1:50m marine polygon (sea, gulf, bay, strait or ocean) that contains it; a coastal point between polygons takes
  the nearest polygon within `MAX_COAST_KM`. The FAO major fishing area is found the same way, and the EEZ gives a
  first country guess only. The polygons are copied into `data/regions/` (origin, licence and citation in its
  SOURCE.md). Shapely 2 STRtree queries make every lookup vectorised over all points at once.
* **MSFD regions/subregions and Regional Seas programmes** (`assign`): no open polygons of these exist, so each
  is a union of coarse lon/lat boxes (data/marine_region_boxes.csv, documented in SOURCES.md). Where boxes of one
  kind overlap, the smallest box wins: it is the more specific one (the Irish Sea box inside the North Sea
  envelope, the Baltic inside the North-East Atlantic envelope). The EU threshold assessment uses these.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely

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


# --- marine regions from polygons -------------------------------------------------------------------------------

MAX_COAST_KM = 50.0
"""How far (great-circle km) a point may lie outside every polygon and still take the nearest one.

Natural Earth's 1:50m marine polygons are label areas: they stop short of the coast by a few km on open shores
and by tens of km in sounds, fjords and lagoons, and beach surveys sit on land, at the shore line. Measured on the
real exports of ../shared/data: half of the beach sites lie outside every polygon (median distance 1-2 km), and
real beaches lie up to 45 km from the nearest polygon where the 1:50m data leave a sound or gulf out: the
Copenhagen beaches on the Øresund (40-42 km), Mariager Fjord and the Limfjord (39 km), Aegina in the Saronic Gulf
(45 km), Landskrona (49.5 km). Beyond about 50 km the sites are inland: Ocean Conservancy "land" clean-ups in
Los Angeles and San Bernardino counties (52-69 km), Plastic Pirates river banks, Lake Geneva (290+ km). Such
points keep the region their source recorded; a point within the distance always gets a marine region.
"""
KM_PER_DEGREE = 111.195  # mean Earth radius 6371.0 km × π / 180
SEARCH_MARGIN = 1.05
EARTH_RADIUS_KM = 6371.0
LAYERS = {"sea": "ne_50m_marine_polys.geojson.gz", "fao": "fao_major_areas.geojson.gz", "eez": "eez.geojson.gz"}
BASIS_INSIDE, BASIS_NEAREST = "inside polygon", "nearest polygon"


@dataclass(frozen=True)
class PolygonLayer:
    """One polygon file with its search tree; `owner[i]` is the feature of tree entry i (copies shifted ±360°
    for the features touching the antimeridian, so that a Fiji point at 179.9° E finds a polygon at 179.9° W)."""

    properties: tuple[dict, ...]
    geoms: np.ndarray
    areas: np.ndarray
    owner: np.ndarray
    tree: shapely.STRtree


@lru_cache(maxsize=len(LAYERS))
def polygon_layer(kind: str) -> PolygonLayer:
    """The polygons of one kind ("sea", "fao", "eez"), loaded once per process."""
    raw = json.loads(gzip.decompress(data_path("regions/" + LAYERS[kind]).read_bytes()))
    features = raw["features"]
    geoms = np.array([shapely.from_geojson(json.dumps(f["geometry"])) for f in features], dtype=object)
    bounds = shapely.bounds(geoms)
    entries, owner = list(geoms), list(range(len(geoms)))
    for shift, touches in ((360.0, bounds[:, 0] <= -180.0 + 1.0), (-360.0, bounds[:, 2] >= 180.0 - 1.0)):
        for i in np.flatnonzero(touches):
            entries.append(shapely.transform(geoms[i], lambda xy, d=shift: xy + [d, 0.0]))
            owner.append(int(i))
    tree_geoms = np.array(entries, dtype=object)
    shapely.prepare(tree_geoms)  # point-in-polygon on prepared polygons: ~10x faster for the big ocean polygons
    return PolygonLayer(tuple(f["properties"] for f in features), tree_geoms, shapely.area(tree_geoms),
                        np.asarray(owner), shapely.STRtree(tree_geoms))


def preload() -> None:
    """Load every polygon layer now. Parsing them holds the GIL for ~1 s (gzip + JSON + shapely), so a server
    loads them before it listens rather than in the middle of its first upload, where the event loop would wait."""
    regions()
    for kind in LAYERS:
        polygon_layer(kind)


@dataclass(frozen=True)
class Located:
    """Per point: index of the feature (-1 for none), distance in km (0 inside), basis (None when none)."""

    feature: np.ndarray
    distance_km: np.ndarray
    basis: np.ndarray


def _haversine_km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _first_per_point(points: np.ndarray, order_key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Over (point, candidate) pairs: the points that have a pair, and per point the pair with the smallest key."""
    order = np.lexsort((order_key, points))
    first = np.ones(len(order), bool)
    first[1:] = points[order][1:] != points[order][:-1]
    chosen = order[first]
    return points[chosen], chosen


def locate(lon: np.ndarray, lat: np.ndarray, kind: str = "sea", max_km: float = MAX_COAST_KM) -> Located:
    """The polygon of `kind` each point lies in, else the nearest one within `max_km`, vectorised.

    Where polygons overlap (the simplified FAO areas share edges), the smallest containing polygon wins, as for
    the boxes. Distances are great-circle km from the point to the nearest point of the polygon's outline.
    """
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    n = lon.shape[0]
    layer = polygon_layer(kind)
    feature = np.full(n, -1)
    distance = np.full(n, np.nan)
    basis = np.full(n, None, dtype=object)
    ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    if not len(ok):
        return Located(feature, distance, basis)
    points = shapely.points(lon[ok], lat[ok])
    pi, ti = layer.tree.query(points)  # bounding boxes; the exact test runs on the prepared polygons
    inside = shapely.intersects(layer.geoms[ti], points[pi])
    pi, ti = pi[inside], ti[inside]
    if len(pi):
        got, chosen = _first_per_point(pi, layer.areas[ti])
        feature[ok[got]] = layer.owner[ti[chosen]]
        distance[ok[got]] = 0.0
        basis[ok[got]] = BASIS_INSIDE
    rest = ok[feature[ok] < 0]
    if len(rest) and max_km > 0:
        # candidates in degrees, then measured in km: a point d km away lies within d / (111.2 km · cos(lat)) degrees
        # (a degree of longitude shrinks with cos(lat); 5 % margin for the change of cos(lat) over the distance)
        rlat = SEARCH_MARGIN * max_km / KM_PER_DEGREE
        rlon = rlat / np.maximum(np.cos(np.radians(lat[rest])), 0.05)
        boxes = shapely.box(lon[rest] - rlon, lat[rest] - rlat, lon[rest] + rlon, lat[rest] + rlat)
        pi, ti = layer.tree.query(boxes)  # bounding boxes only; dwithin then runs on the prepared polygons
        near = shapely.dwithin(layer.geoms[ti], shapely.points(lon[rest][pi], lat[rest][pi]), rlon[pi])
        pi, ti = pi[near], ti[near]
        if len(pi):
            line = shapely.shortest_line(shapely.points(lon[rest][pi], lat[rest][pi]), layer.geoms[ti])
            xy = shapely.get_coordinates(line).reshape(-1, 2, 2)
            km = _haversine_km(xy[:, 0, 0], xy[:, 0, 1], xy[:, 1, 0], xy[:, 1, 1])
            got, chosen = _first_per_point(pi, km)
            near = km[chosen] <= max_km
            idx = rest[got[near]]
            feature[idx] = layer.owner[ti[chosen[near]]]
            distance[idx] = km[chosen[near]]
            basis[idx] = BASIS_NEAREST
    return Located(feature, distance, basis)


def marine_region_names(lon: np.ndarray, lat: np.ndarray, max_km: float = MAX_COAST_KM) -> np.ndarray:
    """Natural Earth marine region name per point (None where no polygon lies within `max_km`)."""
    found = locate(lon, lat, "sea", max_km)
    names = np.array([None, *(p["name"] for p in polygon_layer("sea").properties)], dtype=object)
    return names[found.feature + 1]


def describe_location(lon: float | None, lat: float | None) -> dict[str, object]:
    """Every region of one point, for a site page or an API answer: marine region (with basis and distance), FAO
    major fishing area, MSFD (sub)region and Regional Seas programme from the boxes, and the EEZ's country as a
    first guess (the simplified EEZs are far too coarse for anything legal)."""
    out: dict[str, object] = {"marine_region": None, "marine_region_basis": None, "marine_region_distance_km": None,
                              "fao_area": None, "fao_area_name": None, "msfd_subregion": None, "msfd_region": None,
                              "regional_sea": None, "eez_guess": None, "max_coast_km": MAX_COAST_KM}
    if lon is None or lat is None:
        return out
    x, y = np.array([float(lon)]), np.array([float(lat)])
    sea = locate(x, y, "sea")
    if sea.feature[0] >= 0:
        out["marine_region"] = polygon_layer("sea").properties[sea.feature[0]]["name"]
        out["marine_region_basis"] = sea.basis[0]
        out["marine_region_distance_km"] = round(float(sea.distance_km[0]), 1)
    fao = locate(x, y, "fao")
    if fao.feature[0] >= 0:
        props = polygon_layer("fao").properties[fao.feature[0]]
        out["fao_area"], out["fao_area_name"] = props["code"], props["name"]
    eez = locate(x, y, "eez")
    if eez.feature[0] >= 0:
        out["eez_guess"] = polygon_layer("eez").properties[eez.feature[0]]["name"]
    table = regions()
    for key, kind in (("msfd_subregion", "msfd-subregion"), ("msfd_region", "msfd-region"),
                      ("regional_sea", "regional-sea")):
        code = assign(x, y, kind)[0]
        out[key] = table[code].name if code else None
    return out


def marine_region_names_list() -> list[dict[str, object]]:
    """The marine regions a site can get: name, Natural Earth feature class and number of polygon parts."""
    out: dict[str, dict[str, object]] = {}
    for props in polygon_layer("sea").properties:
        entry = out.setdefault(props["name"], {"name": props["name"], "featurecla": props["featurecla"], "parts": 0})
        entry["parts"] = int(entry["parts"]) + 1
    return sorted(out.values(), key=lambda e: str(e["name"]))


def marine_region_shape(name: str) -> dict[str, object] | None:
    """GeoJSON FeatureCollection of the polygon(s) of one marine region (None when no region has that name)."""
    layer = polygon_layer("sea")
    n = len(layer.properties)  # tree entries beyond n are the ±360° search copies, not features
    features = [{"type": "Feature", "properties": dict(props), "geometry": json.loads(shapely.to_geojson(geom))}
                for props, geom in zip(layer.properties, layer.geoms[:n], strict=True) if props["name"] == name]
    return {"type": "FeatureCollection", "features": features} if features else None
