"""/api/v1/evidence: the living evidence review as JSON (issue 19 item 4).

Reads (public): GET /evidence/vocabulary (the named lists), /evidence/records (filter by topic, stage, endpoint,
compartment, exposure_route, design, effect), /evidence/records/{id}, /evidence/map (stage × endpoint counts, same
filters), /evidence/export?format=csv|ris, /evidence/projects, /evidence/projects/{slug} (candidates blinded for
the caller). Writes (signed in, or an API key with the `submit` scope; who may do what is decided by
services/evidence.py): POST /evidence/projects, PUT …/screeners, POST …/candidates, POST
…/candidates/{id}/screen, POST …/candidates/{id}/resolve, POST /evidence/records/{id}/appraisal.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.security import current_user, require_role
from litterhub.services import auth
from litterhub.services import evidence as svc
from litterhub.services.auth import Principal
from litterhub.services.focal_points import Acting, acting_for
from litterhub.services.hub import Hub

router = APIRouter(prefix="/evidence", tags=["evidence review"])
ERRORS = {401: {"description": "not signed in (problem+json)"},
          403: {"description": "not the project's lead, or not an assigned screener (problem+json)"},
          404: {"description": "no such project, candidate or record (problem+json)"},
          409: {"description": "already screened, screened by two, no conflict to resolve (problem+json)"},
          422: {"description": "a value outside its named list, a missing reason (problem+json)"}}
WRITER = require_role("contributor", "submit")


class ProjectIn(BaseModel):
    title: str = Field(..., max_length=300)
    question: str = Field(..., max_length=svc.MAX_TEXT)
    criteria: str = Field(..., max_length=svc.MAX_TEXT, description="inclusion criteria")
    topic: str = "source-to-sea"
    slug: str | None = Field(None, max_length=80)


class ScreenerIn(BaseModel):
    email: str = Field(..., max_length=320)
    assigned: bool = True


class CandidateIn(BaseModel):
    title: str = Field(..., max_length=svc.MAX_TITLE)
    authors: list[str] = Field(default_factory=list, max_length=100)
    year: int | None = None
    journal: str | None = Field(None, max_length=300)
    doi: str | None = Field(None, max_length=300)
    url: str | None = Field(None, max_length=1000)
    abstract: str = Field("", max_length=svc.MAX_TEXT)
    stage: str | None = None
    compartment: str | None = None
    exposure_route: str | None = None
    organism: str | None = Field(None, max_length=200)
    endpoint: str | None = None
    effect: str | None = None
    design: str | None = None
    finding: str = Field("", max_length=1000)


class ScreenIn(BaseModel):
    decision: Literal["include", "exclude"]
    reason: str | None = Field(None, description="exclusion reason code (see /evidence/vocabulary)")
    note: str = Field("", max_length=1000)


class ResolveIn(BaseModel):
    decision: Literal["include", "exclude"]
    reason: str = Field(..., max_length=1000)


class AppraisalIn(BaseModel):
    scores: dict[str, int]
    note: str = Field("", max_length=1000)


def _acting(request: Request) -> Acting | None:
    try:
        who = current_user(request)
    except Problem:
        return None
    return acting_for(who) if who else None


async def _run(fn, *args, **kwargs) -> Any:
    return jsonable_encoder(await run_in_threadpool(fn, *args, **kwargs))


def _filters(topic: str | None = None, stage: str | None = None, endpoint: str | None = None,
             compartment: str | None = None, exposure_route: str | None = None, design: str | None = None,
             effect: str | None = None) -> dict[str, str | None]:
    """Filters on the coded fields; a value outside its named list answers 422 with the field named."""
    return {"topic": topic, "stage": stage, "endpoint": endpoint, "compartment": compartment,
            "exposure_route": exposure_route, "design": design, "effect": effect}


Filters = Depends(_filters)


@router.get("/vocabulary")
def vocabulary() -> dict[str, Any]:
    return svc.vocabulary()


@router.get("/records", responses=ERRORS)
async def records(hub: Hub = Depends(get_hub), filters: dict = Filters) -> dict[str, Any]:
    return {"records": await _run(svc.records, hub, **filters)}


@router.get("/records/{record_id}", responses=ERRORS)
async def record(record_id: int, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return await _run(svc.record, hub, record_id)


@router.get("/map", responses=ERRORS)
async def evidence_map(hub: Hub = Depends(get_hub), filters: dict = Filters) -> dict[str, Any]:
    """Counts of evidence records per source-to-sea stage × endpoint."""
    return await _run(svc.evidence_map, hub, **filters)


@router.get("/export", responses=ERRORS)
async def export(format: str = Query("csv", pattern="^(csv|ris)$"), hub: Hub = Depends(get_hub),
                 filters: dict = Filters) -> Response:
    """The filtered records as CSV or RIS (reference managers)."""
    rows = await run_in_threadpool(svc.records, hub, **filters)
    body, media = (svc.to_csv(rows), "text/csv; charset=utf-8") if format == "csv" else (
        svc.to_ris(rows), "application/x-research-info-systems; charset=utf-8")
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="evidence.{format}"'})


@router.get("/projects")
async def projects(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return {"projects": await _run(svc.projects, hub)}


@router.post("/projects", status_code=201, responses=ERRORS)
async def open_project(body: ProjectIn, hub: Hub = Depends(get_hub),
                       principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.create_project, hub, acting_for(principal), body.model_dump())


@router.get("/projects/{slug}", responses=ERRORS)
async def project(slug: str, request: Request, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The project and its candidates; screening decisions are blinded for the caller (services/evidence.py)."""
    return await _run(svc.project, hub, _acting(request), slug)


@router.put("/projects/{slug}/screeners", responses=ERRORS)
async def set_screener(slug: str, body: ScreenerIn, hub: Hub = Depends(get_hub),
                       principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    user = auth.find_user(hub, body.email)
    if user is None:
        raise svc.EvidenceError("evidence-unknown-user", "no account with that e-mail address", 404, "email")
    return {"members": await _run(svc.set_screener, hub, acting_for(principal), slug, user.id, body.assigned)}


@router.post("/projects/{slug}/candidates", status_code=201, responses=ERRORS)
async def add_candidate(slug: str, body: CandidateIn, hub: Hub = Depends(get_hub),
                        principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.add_candidate, hub, acting_for(principal), slug, body.model_dump())


@router.post("/projects/{slug}/candidates/{candidate_id}/screen", responses=ERRORS)
async def screen(slug: str, candidate_id: int, body: ScreenIn, hub: Hub = Depends(get_hub),
                 principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.screen, hub, acting_for(principal), slug, candidate_id, body.decision, body.reason,
                      body.note)


@router.post("/projects/{slug}/candidates/{candidate_id}/resolve", responses=ERRORS)
async def resolve(slug: str, candidate_id: int, body: ResolveIn, hub: Hub = Depends(get_hub),
                  principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.resolve, hub, acting_for(principal), slug, candidate_id, body.decision, body.reason)


@router.post("/records/{record_id}/appraisal", responses=ERRORS)
async def appraise(record_id: int, body: AppraisalIn, hub: Hub = Depends(get_hub),
                   principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.appraise, hub, acting_for(principal), record_id, body.scores, body.note)
