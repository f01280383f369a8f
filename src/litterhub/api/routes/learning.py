"""/api/v1/learning: the learning centre as JSON (issue 22). Resources and paths are registry records (types
learning_resource and learning_path; write them through /api/v1/registry/records); these reads join them:
GET /learning (filters level, language, format, skill, protocol), GET /learning/paths, GET /learning/paths/{id},
GET /learning/datasets/{id} (the training for a dataset's protocol), GET /learning/protocols/{id},
GET /learning/needs/{id} (resources matched to a capacity need). Unknown ids answer 404 problem+json."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from litterhub.http.deps import get_hub
from litterhub.services import learning as svc
from litterhub.services.hub import Hub

router = APIRouter(prefix="/learning", tags=["learning"])
NOT_FOUND = {404: {"description": "unknown path, protocol, dataset or need (problem+json)"}}


async def _off_loop(fn, *args, **kwargs) -> Any:
    """`fn` in a worker thread; its LearningError (a HubError) is answered by the app's one error handler."""
    return await run_in_threadpool(fn, *args, **kwargs)


@router.get("")
async def resources(level: str | None = Query(None, max_length=40), language: str | None = Query(None, max_length=8),
                    format: str | None = Query(None, max_length=40), skill: str | None = Query(None, max_length=120),
                    protocol: str | None = Query(None, max_length=120), hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """Published learning resources matching every filter given."""
    return {"resources": await _off_loop(svc.resources, hub, level, language, format, skill, protocol)}


@router.get("/paths")
async def paths(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return {"paths": await _off_loop(svc.paths, hub)}


@router.get("/paths/{path_id}", responses=NOT_FOUND)
async def path(path_id: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return await _off_loop(svc.path, hub, path_id)


@router.get("/datasets/{dataset_id}", responses=NOT_FOUND)
async def for_dataset(dataset_id: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return await _off_loop(svc.for_dataset, hub, dataset_id)


@router.get("/protocols/{guideline_id}", responses=NOT_FOUND)
async def for_protocol(guideline_id: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return await _off_loop(svc.for_protocol, hub, guideline_id)


@router.get("/needs/{need_id}", responses=NOT_FOUND)
async def for_need(need_id: str, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return await _off_loop(svc.for_need, hub, need_id)
