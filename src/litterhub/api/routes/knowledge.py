"""/api/v1 knowledge views (read-only, services/knowledge.py): the industry compendium (`/compendium`, CSV with
`format=csv`), national measures (`/measures`, `/countries/{code}/measures`, `/vocab/items/{code}/measures`), a
country's chemical lens (`/countries/{code}/chemical-lens`) and the seed-content report (`/registry/stats`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from litterhub.http.deps import get_hub
from litterhub.services import knowledge as svc
from litterhub.services.hub import Hub

router = APIRouter(tags=["knowledge"])
NOT_FOUND = {404: {"description": "unknown ISO 3166-1 alpha-3 code (problem+json)"}}


@router.get("/compendium")
async def compendium(format: str | None = Query(None, pattern="^(csv|json)$", description="csv: the comparison table"),
                     hub: Hub = Depends(get_hub)) -> Any:
    """Industry initiatives (annex para 9(d)) side by side: actors, sector, scope, commitments with targets and
    baselines, yearly progress, sources and verification state. Empty means the record does not say."""
    result = await run_in_threadpool(svc.compendium, hub)
    if format == "csv":
        return Response(svc.compendium_csv(result), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="compendium.csv"'})
    return result


@router.get("/measures")
async def measures_overview(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Countries with national measures (EPR, bans, levies, deposit-return, action plans), counts by instrument."""
    return await run_in_threadpool(svc.measures_overview, hub)


@router.get("/countries/{code}/measures", responses=NOT_FOUND)
async def country_measures(code: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """A country's national measures and, per master item, the measures targeting it and since when."""
    return await run_in_threadpool(svc.measures, hub, code)  # unknown code: KnowledgeError, 404 problem+json


@router.get("/countries/{code}/chemical-lens", responses=NOT_FOUND)
async def country_lens(code: str, lang: str = Query("en", pattern="^(en|fr|es|ar|ru|zh)$"),
                       hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The items recorded most often in the country's surveys with the substances the databases associate with
    their polymers (association, not measured content)."""
    return await run_in_threadpool(svc.country_lens, hub, code, lang)


@router.get("/vocab/items/{code}/measures", responses={404: {"description": "unknown master item"}})
async def item_measures(code: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The national measures targeting a master item, per country with the first year."""
    return await run_in_threadpool(svc.item_measures, hub, code)


@router.get("/registry/stats")
async def stats(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Published records by type, name language and verification state, and how many lack a source, licence or date."""
    return await run_in_threadpool(svc.stats, hub)
