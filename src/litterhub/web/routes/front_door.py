"""Pages of the front door: the sites map (/map: every surveyed site, clustered, with filters and a legend —
templates/_sites_map.html, static/js/map.js; the home page shows the same map under its pillars) and programmes
side by side (/compare: services/compare.py, one column per dataset and comparability class, never pooled); the
search across every pillar (/search: services/everywhere.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from litterhub.errors import HubError
from litterhub.http.deps import get_hub
from litterhub.services import compare as svc
from litterhub.services import everywhere
from litterhub.services.datasets import list_datasets
from litterhub.services.hub import Hub
from litterhub.web.rendering import render, request_language

router = APIRouter(include_in_schema=False)


@router.get("/map", response_class=HTMLResponse)
def sites_map(request: Request) -> HTMLResponse:
    """The map reads /api/v1/sites in the browser, so this page costs the server nothing but its template."""
    return render(request, "map.html")


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, dataset: list[str] = Query(default_factory=list), hub: Hub = Depends(get_hub)
            ) -> HTMLResponse:
    """Choose datasets; with two or more chosen, their columns side by side (a plain `def`: the indicators run in
    the thread pool). A bad choice is said on the form (400/404), never a traceback."""
    result, problem, status = None, None, 200
    if dataset:
        try:
            result = svc.compare(hub, dataset)
        except HubError as exc:
            problem, status = {"code": exc.code, "message": exc.message}, exc.status
    return render(request, "compare.html", status_code=status, datasets=list_datasets(hub),
                  chosen=set(dataset), result=result, problem=problem)


@router.get("/search", response_class=HTMLResponse)
def search_everywhere(request: Request, q: str = "", hub: Hub = Depends(get_hub)) -> HTMLResponse:
    """Every pillar's best matches (a plain `def`: eight searches run in the thread pool). No words: the form
    alone; a refused query is said on the form (400), never a traceback."""
    groups, problem, status = None, None, 200
    if q.strip():
        try:
            groups = everywhere.search(hub, q, request_language(request))
        except HubError as exc:
            problem, status = {"code": exc.code, "message": exc.message}, exc.status
    return render(request, "search.html", status_code=status, q=q, groups=groups, problem=problem,
                  max_query=everywhere.MAX_QUERY)
