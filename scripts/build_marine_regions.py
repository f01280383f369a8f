"""Build the marine-region polygons shipped in the package from the shared copies (run once, output committed).

    .venv/bin/python scripts/build_marine_regions.py ../shared/data/marine-regions

Reads the Natural Earth 1:50m marine polygons, the FAO major fishing areas and the simplified EEZs, keeps only
the properties the hub uses, simplifies with shapely (topology preserved) and snaps coordinates to a grid so
that the files stay small, and writes gzip-compressed GeoJSON to src/litterhub/vocab/data/regions/. Origins,
licences and citations are in that folder's SOURCE.md.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

OUT = Path(__file__).resolve().parents[1] / "src" / "litterhub" / "vocab" / "data" / "regions"
SIMPLIFY_DEG = 0.01  # ≈ 1.1 km at the equator: far below the nearest-polygon distance, a third of the file size
GRID_DEG = 0.001  # ≈ 110 m coordinate precision; set_precision keeps the polygons valid


def _tidy(name: str) -> str:
    """'Caribbean  Sea' -> 'Caribbean Sea', 'NORTH ATLANTIC OCEAN' -> 'North Atlantic Ocean'."""
    name = re.sub(r"\s+", " ", name).strip()
    return name.title() if name.isupper() else name


def _write(name: str, features: list[tuple[dict, object]]) -> None:
    valid = shapely.buffer([g for _, g in features], 0)  # 13 of the simplified EEZs self-intersect
    geoms = shapely.set_precision(shapely.simplify(valid, SIMPLIFY_DEG, preserve_topology=True), GRID_DEG)
    dropped = [props["name"] for (props, _), g in zip(features, geoms, strict=True) if g.is_empty]
    if dropped:  # Natural Earth's label slivers (Luzon Strait, Korea Strait, …): area well under 1 km²
        print(f"{name}: dropped degenerate polygons {dropped}")
    out = {"type": "FeatureCollection",
           "features": [{"type": "Feature", "properties": props, "geometry": mapping(g)}
                        for (props, _), g in zip(features, geoms, strict=True) if not g.is_empty]}
    text = json.dumps(out, separators=(",", ":"), ensure_ascii=False)
    (OUT / name).write_bytes(gzip.compress(text.encode(), mtime=0))
    print(f"{name}: {len(out['features'])} features, {shapely.get_num_coordinates(geoms).sum()} coordinates")


def main(source: Path) -> None:
    def read(rel: str) -> list[dict]:
        return json.loads((source / rel).read_text(encoding="utf-8"))["features"]

    _write("ne_50m_marine_polys.geojson.gz", [
        ({"name": _tidy(f["properties"]["name"]), "featurecla": f["properties"]["featurecla"]}, shape(f["geometry"]))
        for f in read("natural-earth/ne_50m_geography_marine_polys.geojson")])
    _write("fao_major_areas.geojson.gz", [
        ({"code": str(f["properties"]["area"]), "name": f["properties"]["name"]}, shape(f["geometry"]))
        for f in read("gfw-ocean-areas/fao_major_fishing_areas_simplified.geojson")])
    _write("eez.geojson.gz", [
        ({"mrgid": int(f["properties"]["area"]), "name": f["properties"]["name"]}, shape(f["geometry"]))
        for f in read("gfw-ocean-areas/eez_simplified.geojson")])


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/marine-regions"))
