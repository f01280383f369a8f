"""/api/v1/countries/{ISO3}/plan: the national action-plan workspace as JSON (issue 22).

Reads: GET …/plan (the plan: status, revision, sign-off, team for its members), GET …/plan/steps/{step} (one step:
saved content, what the hub prefills, comments and tasks for the team, measures with tracking), GET …/plan/export
(the whole plan; `format=csv` the measures with their tracking), GET …/plan/versions. A draft plan answers 404 to
everyone outside its team (`plan-not-found`).

Writes (signed in, or an API key with the `submit` scope; who may do what is decided by
services/action_plans.py): POST …/plan (open), PUT …/plan/steps/{step}/notes, POST …/plan/measures,
DELETE …/plan/measures/{id}, POST …/plan/notes (comment or task), POST …/plan/tasks/{id}/done, PUT
…/plan/members (add, change or remove a member), POST …/plan/sign-off, POST …/plan/publish.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from litterhub.http.compute import offload
from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.http.security import current_user, require_role
from litterhub.services import action_plans as svc
from litterhub.services import auth
from litterhub.services import focal_points as fp
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(prefix="/countries/{code}/plan", tags=["countries", "action plans"])
ERRORS = {403: {"description": "not on the plan's team, or not its lead (problem+json)"},
          404: {"description": "no plan the caller may see, unknown step, measure or task (problem+json)"},
          409: {"description": "plan exists, not signed off, last lead (problem+json)"},
          422: {"description": "fields not usable, each problem listed (problem+json)"}}
WRITER = require_role("contributor", "submit")


class OpenIn(BaseModel):
    title: str = Field("", max_length=300)
    lead: str | None = Field(None, max_length=320, description="e-mail of the team's lead (default: you)")


class NotesIn(BaseModel):
    notes: str = Field(..., max_length=svc.MAX_NOTES)


class MeasureIn(BaseModel):
    title: str = Field(..., max_length=300)
    items: list[str] = Field(..., max_length=100, description="master-list codes, e.g. G3, G4")
    instrument: str
    responsible: str = Field(..., max_length=300)
    start_year: int
    end_year: int | None = None
    cost: float | None = None
    currency: str | None = Field(None, max_length=3)
    indicator: str = "items-per-survey"
    sources: list[str] = Field(default_factory=list, max_length=20)
    notes: str = Field("", max_length=svc.MAX_TEXT)


class NoteIn(BaseModel):
    step: str
    kind: Literal["comment", "task"] = "comment"
    body: str = Field(..., max_length=svc.MAX_TEXT)
    assignee: str | None = Field(None, max_length=320, description="e-mail of a team member (tasks)")
    due: str | None = Field(None, description="YYYY-MM-DD (tasks)")


class MemberIn(BaseModel):
    email: str = Field(..., max_length=320)
    role: Literal["lead", "member"] | None = Field(..., description="null removes the member")


def _acting(request: Request) -> fp.Acting | None:
    try:
        who = current_user(request)
    except Problem:
        return None
    return fp.acting_for(who) if who else None


async def _off_loop(fn, *args, heavy: bool = False, request: Request | None = None) -> Any:
    """`fn` off the loop (the compute pool when heavy); PlanError and FigureError are HubErrors, answered by the
    app's one error handler."""
    if heavy and request is not None:
        return jsonable_encoder(await offload(request, fn, *args))
    return jsonable_encoder(await run_in_threadpool(fn, *args))


def _user_id(hub: Hub, email: str | None) -> int | None:
    if not email:
        return None
    user = auth.find_user(hub, email)
    if user is None:
        raise Problem(404, "no account with that e-mail address",
                      errors=[{"code": "plan-unknown-user", "field": "email", "message": "no such account"}])
    return user.id


@router.get("", responses=ERRORS)
async def get_plan(code: str, request: Request, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return await _off_loop(svc.summary, hub, _acting(request), code)


@router.post("", status_code=201, responses=ERRORS)
async def open_plan(code: str, body: OpenIn, hub: Hub = Depends(get_hub),
                    principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    """Open the country's plan (admins, or a focal point of the country)."""
    return await _off_loop(svc.create, hub, fp.acting_for(principal), code, body.title, _user_id(hub, body.lead))


@router.get("/steps/{step}", responses=ERRORS)
async def step(code: str, step: str, request: Request, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    """One step, prefilled from the hub (computed in the compute pool)."""
    return await _off_loop(svc.workspace, hub, _acting(request), code, step, heavy=True, request=request)


@router.put("/steps/{step}/notes", responses=ERRORS)
async def save_notes(code: str, step: str, body: NotesIn, hub: Hub = Depends(get_hub),
                     principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    """Save the team's text for a step as the plan's next revision."""
    revision = await _off_loop(svc.save_notes, hub, fp.acting_for(principal), code, step, body.notes)
    return {"revision": revision}


@router.post("/measures", status_code=201, responses=ERRORS)
async def add_measure(code: str, body: MeasureIn, hub: Hub = Depends(get_hub),
                      principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _off_loop(svc.add_measure, hub, fp.acting_for(principal), code, body.model_dump())


@router.delete("/measures/{measure_id}", status_code=204, responses=ERRORS)
async def remove_measure(code: str, measure_id: str, hub: Hub = Depends(get_hub),
                         principal: Principal = Depends(WRITER)) -> Response:
    await _off_loop(svc.remove_measure, hub, fp.acting_for(principal), code, measure_id)
    return Response(status_code=204)


@router.post("/notes", status_code=201, responses=ERRORS)
async def add_note(code: str, body: NoteIn, hub: Hub = Depends(get_hub),
                   principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _off_loop(svc.add_note, hub, fp.acting_for(principal), code, body.step, body.kind, body.body,
                       _user_id(hub, body.assignee), body.due)


@router.post("/tasks/{note_id}/done", status_code=204, responses=ERRORS)
async def task_done(code: str, note_id: int, hub: Hub = Depends(get_hub),
                    principal: Principal = Depends(WRITER)) -> Response:
    await _off_loop(svc.complete_task, hub, fp.acting_for(principal), code, note_id)
    return Response(status_code=204)


@router.put("/members", responses=ERRORS)
async def set_member(code: str, body: MemberIn, hub: Hub = Depends(get_hub),
                     principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    """Add a member, change their role, or remove them (`role: null`): the lead or an admin."""
    return {"members": await _off_loop(svc.set_member, hub, fp.acting_for(principal), code,
                                   _user_id(hub, body.email), body.role)}


@router.post("/sign-off", responses=ERRORS)
async def sign_off(code: str, hub: Hub = Depends(get_hub), principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _off_loop(svc.sign_off, hub, fp.acting_for(principal), code)


@router.post("/publish", responses=ERRORS)
async def publish(code: str, hub: Hub = Depends(get_hub), principal: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _off_loop(svc.publish, hub, fp.acting_for(principal), code)


@router.get("/versions", responses=ERRORS)
async def versions(code: str, request: Request, hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return {"revisions": await _off_loop(svc.revisions, hub, _acting(request), code)}


@router.get("/export", responses=ERRORS)
async def export(code: str, request: Request, format: str = Query("json", pattern="^(json|csv)$"),
                 hub: Hub = Depends(get_hub)) -> Any:
    """The whole plan as structured data (`format=csv`: the measures with their tracking)."""
    data = await _off_loop(svc.export, hub, _acting(request), code, heavy=True, request=request)
    if format == "csv":
        return Response(svc.measures_csv(data), media_type="text/csv; charset=utf-8")
    return data
