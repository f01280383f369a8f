"""Knowledge pages (services/knowledge.py): the industry compendium's comparison table (/compendium), national
measures by country (/measures) and the seed-content report (/registry/stats). Plain server-rendered tables that
read at 360 px (they scroll inside their own box)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from litterhub.http.deps import get_hub
from litterhub.registry.entities import TYPE_LABELS
from litterhub.services import knowledge as svc
from litterhub.services.countries import country_name
from litterhub.services.hub import Hub
from litterhub.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/compendium", response_class=HTMLResponse)
async def compendium_page(request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    result = await run_in_threadpool(svc.compendium, hub)
    return render(request, "knowledge/compendium.html", c=result)


@router.get("/measures", response_class=HTMLResponse)
async def measures_page(request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    result = await run_in_threadpool(svc.measures_overview, hub)
    rows = [{**r, "name": country_name(r["country"]) or r["country"]} for r in result["rows"]]
    return render(request, "knowledge/measures.html", rows=rows)


@router.get("/registry/stats", response_class=HTMLResponse)
async def stats_page(request: Request, hub: Hub = Depends(get_hub)) -> HTMLResponse:
    result = await run_in_threadpool(svc.stats, hub)
    return render(request, "knowledge/stats.html", s=result, type_labels=TYPE_LABELS)
