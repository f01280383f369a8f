"""/api/v1/countries and /api/v1/regions: country profiles and country-group (Regional Seas, MEA, …) pages as JSON.

The same plain data as the web pages (services/countries.py), computed in the shared compute pool (the
indicators over the lake and the monitoring-design simulation are cached per published catalogue).
`/api/v1/regions` are country groups (who takes part); `/api/v1/marine-regions` are the seas sites lie in.
Unknown codes and ids answer 404 problem+json.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder

from litterhub.http.callers import caller_of
from litterhub.http.compute import offload
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.security import current_user
from litterhub.services import countries as svc
from litterhub.services.hub import Hub

router = APIRouter(tags=["countries"])
NOT_FOUND = {404: {"description": "unknown country code or region id (problem+json)"}}


def _caller(request: Request):
    try:
        return caller_of(current_user(request))
    except Problem:
        return None


async def _computed(request: Request, fn, *args) -> Any:
    """`fn(*args)` in the compute pool, as JSON-ready data (an unknown country is the handler's 404)."""
    return jsonable_encoder(await offload(request, fn, *args))


@router.get("/countries")
def countries(q: str = Query("", max_length=100, description="code or name contains"),
              hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Every country with surveys, published registry records or a submitted inventory (a light catalogue read,
    in the server's thread pool and not charged to the compute quota)."""
    rows = svc.country_index(hub, q)
    return {"count": len(rows), "countries": rows}


@router.get("/countries/{code}", responses=NOT_FOUND)
async def country(request: Request, code: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """One country: monitoring, indicators per comparability class, inventories, registry records, memberships and
    monitoring-design advice."""
    return await _computed(request, svc.profile, hub, code, _caller(request))


@router.get("/regions")
def regions(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Regional Seas programmes, fisheries bodies and river basin commissions with records, MEAs and other groups
    (a light read, not charged to the compute quota)."""
    rows = svc.region_index(hub)
    return {"count": len(rows), "regions": rows}


@router.get("/regions/{group_id}", responses=NOT_FOUND)
async def region(request: Request, group_id: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """One country group: members with headline indicators, coverage, regional Kendall trends, registry content."""
    return await _computed(request, svc.region, hub, group_id, _caller(request))
