"""/api/v1/marine-regions: the marine regions sites are assigned to (docs/regions.md) and their polygons."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.security import Principal, require_role
from litterhub.services.hub import Hub
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


@router.post("/reassign", responses={401: {"description": "sign in"}, 403: {"description": "reviewers only"},
                                     404: {"description": "unknown dataset (problem+json)"},
                                     409: {"description": "a dataset is being written: dataset-busy (problem+json)"}})
def reassign(dataset: list[str] | None = Query(None, description="only these datasets (default: all)"),
             dry_run: bool = Query(False, description="report what would change; store nothing"),
             hub: Hub = Depends(get_hub),
             principal: Principal = Depends(require_role("reviewer", scope="curate"))) -> dict[str, Any]:
    """Give stored sites and events today's marine regions (a hub upgraded in place): sites are updated, a dataset
    whose events change is published as its next version. The same as `litterhub sites reassign-regions`."""
    from litterhub.services.datasets import NotFound
    from litterhub.services.regions import reassign_regions
    from litterhub.store.locks import DatasetBusy

    try:
        return reassign_regions(hub, dataset or None, actor=f"user:{principal.id}", write=not dry_run).as_dict()
    except NotFound as exc:
        raise Problem(404, str(exc), [{"code": "litter-dataset-not-found", "field": "dataset",
                                       "message": str(exc)}]) from None
    except DatasetBusy as exc:
        raise Problem(409, str(exc), [{"code": exc.code, "field": None, "message": str(exc)}]) from None
