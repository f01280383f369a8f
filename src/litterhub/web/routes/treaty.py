"""Treaty readiness pages (issue 19 item 5): /treaty (instruments, their negotiation sessions and documents, how
many countries have which status) and /countries/{ISO3}/treaty-readiness (the country's inventory, policies in
force, monitoring coverage, capacity needs and instrument statuses; computed in the compute pool: it reads the
lake). Read-only: instruments and sessions are registry records; party statuses are written by reviewers through
the API or the CLI."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from litterhub.http.compute import offload
from litterhub.http.deps import get_hub
from litterhub.services import treaty as svc
from litterhub.services.datasets import NotFound
from litterhub.services.hub import Hub
from litterhub.web.routes.accounts import page

router = APIRouter(include_in_schema=False)


@router.get("/treaty", response_class=HTMLResponse)
async def treaty_page(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    instruments = await run_in_threadpool(svc.instruments, hub)
    return page(request, "treaty/index.html", instruments=instruments)


@router.get("/countries/{code}/treaty-readiness", response_class=HTMLResponse)
async def readiness_page(code: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    try:
        r = await offload(request, svc.readiness, hub, code)
    except NotFound:
        return page(request, "not_found.html", status_code=404, what=code[:20])
    return page(request, "treaty/readiness.html", r=r)
