"""/api/v1 national figures and focal points (issue 17, item 4).

- GET /countries/{ISO3}/figures: the approved national figures (everyone) and the pending ones the caller may see
  (their submitter, the country's focal points, reviewers), with the country's focal points.
- POST /countries/{ISO3}/figures: a focal point of that country submits inventory inputs or beach widths, each
  with its source (signed in, or an API key with the `submit` scope); a focal point of another country gets 403
  `figures-not-focal-point`.
- GET /national-figures/queue, GET /national-figures/{id}, POST /national-figures/{id}/{claim|approve|reject|
  request-changes}: review (reviewer role, `curate` scope for keys).
- GET/POST /focal-points, POST /focal-points/revoke: assignments (admin role, `admin` scope).

Errors are problem+json with the stable `figures-…` codes of services/focal_points.py (docs/countries.md).
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.security import current_user, require_role
from litterhub.services import auth
from litterhub.services import focal_points as svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(tags=["countries", "national figures"])
ERRORS = {403: {"description": "not a focal point of this country, or not a reviewer/admin (problem+json)"},
          404: {"description": "unknown country, submission or account (problem+json)"},
          422: {"description": "figures, widths or sources not usable; each problem listed (problem+json)"}}


class FigureIn(BaseModel):
    field: str = Field(..., max_length=80, description="a model input, e.g. waste_kg_per_person_day")
    value: float
    source: str = Field(..., max_length=500, description="where the figure comes from")


class WidthIn(BaseModel):
    site_id: str = Field(..., max_length=40)
    width_m: float
    source: str = Field(..., max_length=500)
    note: str | None = Field(None, max_length=2000)


class SubmissionIn(BaseModel):
    kind: Literal["inventory", "widths"]
    submitter: str = Field(..., max_length=svc.MAX_SUBMITTER, description="the national body the figures are from")
    note: str | None = Field(None, max_length=svc.MAX_TEXT)
    method: str | None = Field(None, description="inventory: jambeck | meijer | borrelle")
    year: int | None = None
    scenario: str | None = None
    figures: list[FigureIn] | None = Field(None, max_length=svc.MAX_FIGURES)
    widths: list[WidthIn] | None = Field(None, max_length=svc.MAX_WIDTHS)


class DecisionIn(BaseModel):
    text: str = Field("", max_length=svc.MAX_TEXT, description="approve: a note; reject/request-changes: the reason")


class FocalPointIn(BaseModel):
    email: str = Field(..., max_length=320)
    country: str = Field(..., min_length=3, max_length=3)


def _acting(request: Request) -> svc.Acting | None:
    try:
        who = current_user(request)
    except Problem:
        return None
    return svc.acting_for(who) if who else None


async def _off_loop(fn, *args) -> Any:
    """`fn` in a worker thread; its FigureError (a HubError) is answered by the app's one error handler."""
    return await run_in_threadpool(fn, *args)


@router.get("/countries/{code}/figures", responses=ERRORS)
async def country_figures(code: str, request: Request, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """The country's national figures (approved for everyone; pending ones for those who may see them)."""
    known = await _off_loop(svc.country_code, code)
    section = await _off_loop(svc.profile_section, hub, known, _acting(request))
    return {"country": known, **section}


@router.post("/countries/{code}/figures", status_code=201, responses=ERRORS)
async def submit(code: str, body: SubmissionIn, hub: Hub = Depends(get_hub),
                 principal: Principal = Depends(require_role("contributor", "submit"))) -> dict[str, Any]:
    """Send the country's own figures for review (focal points of that country only)."""
    data = body.model_dump()
    for key in ("figures", "widths"):
        data[key] = data[key] or []
    return await _off_loop(svc.submit, hub, svc.acting_for(principal), code, body.kind, data)


@router.get("/national-figures/queue", responses=ERRORS)
async def queue(hub: Hub = Depends(get_hub),
                principal: Principal = Depends(require_role(svc.REVIEW_ROLE, "curate"))) -> dict[str, Any]:
    """Submissions waiting for review, oldest first."""
    return {"items": await _off_loop(svc.queue, hub, svc.acting_for(principal))}


@router.get("/national-figures/{figure_id}", responses=ERRORS)
async def one(figure_id: int, request: Request, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return await _off_loop(svc.visible, hub, _acting(request), figure_id)


@router.post("/national-figures/{figure_id}/{action}", responses=ERRORS)
async def decide(figure_id: int, action: Literal["claim", "approve", "reject", "request-changes"],
                 body: DecisionIn | None = None, hub: Hub = Depends(get_hub),
                 principal: Principal = Depends(require_role(svc.REVIEW_ROLE, "curate"))) -> dict[str, Any]:
    """A reviewer's decision; repeating one already taken answers `changed: false`."""
    return await _off_loop(svc.decide, hub, svc.acting_for(principal), figure_id, action, body.text if body else "")


@router.get("/focal-points", responses=ERRORS)
async def list_focal_points(country: str | None = Query(None, min_length=3, max_length=3),
                            include_revoked: bool = False, hub: Hub = Depends(get_hub),
                            principal: Principal = Depends(require_role("admin", "admin"))) -> dict[str, Any]:
    return {"items": await _off_loop(svc.focal_points, hub, country, None, include_revoked, True)}


async def _assignment(hub: Hub, principal: Principal, body: FocalPointIn, fn) -> dict[str, Any]:
    user = auth.find_user(hub, body.email)
    if user is None:
        raise Problem(404, "no account with that e-mail address",
                      errors=[{"code": "figures-unknown-user", "field": "email", "message": "no such account"}])
    return await _off_loop(fn, hub, svc.acting_for(principal), user.id, body.country)


@router.post("/focal-points", status_code=201, responses=ERRORS)
async def assign(body: FocalPointIn, hub: Hub = Depends(get_hub),
                 principal: Principal = Depends(require_role("admin", "admin"))) -> dict[str, Any]:
    """Make an account the focal point of a country (admins)."""
    return await _assignment(hub, principal, body, svc.assign)


@router.post("/focal-points/revoke", responses=ERRORS)
async def revoke(body: FocalPointIn, hub: Hub = Depends(get_hub),
                 principal: Principal = Depends(require_role("admin", "admin"))) -> dict[str, Any]:
    """End an assignment (kept, with who ended it and when)."""
    return await _assignment(hub, principal, body, svc.revoke)
