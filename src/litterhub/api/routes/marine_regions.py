"""/api/v1/marine-regions: the marine regions sites are assigned to (docs/regions.md) and their polygons."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from litterhub.api.problems import Problem
from litterhub.vocab.regions import MAX_COAST_KM, marine_region_names_list, marine_region_shape

router = APIRouter(prefix="/marine-regions", tags=["vocabulary"])


@router.get("")
def marine_regions() -> dict[str, Any]:
    """Names of the Natural Earth 1:50m marine regions and the nearest-polygon distance of the assignment rule."""
    names = marine_region_names_list()
    return {"count": len(names), "max_coast_km": MAX_COAST_KM, "source": "Natural Earth 1:50m marine polygons",
            "regions": names}


@router.get("/shape", responses={404: {"description": "no marine region of that name (problem+json)"}})
def marine_region(name: str = Query(..., max_length=200, description="region name, e.g. North Sea")) -> dict[str, Any]:
    """The polygon(s) of one marine region as a GeoJSON FeatureCollection (WGS84, simplified to about 1 km)."""
    shape = marine_region_shape(name)
    if shape is None:
        message = f"no marine region named {name!r}; GET /api/v1/marine-regions lists them"
        raise Problem(404, message, [{"code": "litter-region-not-found", "field": "name", "message": message}])
    return shape
