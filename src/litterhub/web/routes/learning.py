"""The learning centre pages (issue 22): /learning (resources filtered by level, language, format, skill, protocol
or a dataset's protocol, and the learning paths), /learning/paths/{id} (a path's steps in order) and
/learning/needs/{id} (learning resources for a capacity need). Read-only: resources and paths are registry records,
added and reviewed through the registry's own forms."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from litterhub.http.deps import get_hub
from litterhub.registry.entities import source_url
from litterhub.services import learning as svc
from litterhub.services.hub import Hub
from litterhub.web.routes.accounts import page

router = APIRouter(include_in_schema=False)


def _param(request: Request, name: str, limit: int = 120) -> str | None:
    return (request.query_params.get(name) or "").strip()[:limit] or None


@router.get("/learning", response_class=HTMLResponse)
async def learning_page(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    filters = {"level": _param(request, "level"), "language": _param(request, "language", 8),
               "fmt": _param(request, "format"), "skill": _param(request, "skill")}
    protocol, dataset = _param(request, "protocol"), _param(request, "dataset")
    data = await run_in_threadpool(svc.overview, hub, **filters)
    focus = None
    try:
        if dataset:
            focus = await run_in_threadpool(svc.for_dataset, hub, dataset)
        elif protocol:
            focus = await run_in_threadpool(svc.for_protocol, hub, protocol)
    except svc.LearningError as exc:
        return page(request, "not_found.html", status_code=exc.status, what=(dataset or protocol or "")[:80])
    return page(request, "learning/index.html", data=data, focus=focus, filters=filters, source_url=source_url)


@router.get("/learning/paths/{path_id}", response_class=HTMLResponse)
async def path_page(path_id: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    try:
        p = await run_in_threadpool(svc.path, hub, path_id)
    except svc.LearningError:
        return page(request, "not_found.html", status_code=404, what=path_id[:80])
    return page(request, "learning/path.html", p=p, source_url=source_url)


@router.get("/learning/needs/{need_id}", response_class=HTMLResponse)
async def need_page(need_id: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    try:
        m = await run_in_threadpool(svc.for_need, hub, need_id)
    except svc.LearningError:
        return page(request, "not_found.html", status_code=404, what=need_id[:80])
    return page(request, "learning/need.html", m=m)
