"""/api/v1/teams: volunteer teams, their surveys and what those changed, and the opt-in leaderboards.

Reads: GET /teams, GET /teams/{id} (member names for members, the join code for owners), GET /teams/{id}/surveys
(surveys and the with/without figures of the approved ones), GET /leaderboards (opted-in teams and people only),
GET /me/volunteering (signed in: one's own surveys and their effect). Writes (session with CSRF, or an API key with
the `submit` scope): POST /teams, POST /teams/join, POST /teams/{id}/leave, PUT /teams/{id}/members/{user_id} (owners),
POST /teams/{id}/code (owners: a new join code), PUT /teams/{id}/leaderboard (owners), PUT /me/leaderboard.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from litterhub.http.compute import offload
from litterhub.http.deps import get_hub
from litterhub.http.security import request_principal, require_role
from litterhub.services import teams as svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub

router = APIRouter(tags=["teams"])
WRITER = require_role("contributor", "submit")
ERRORS = {401: {"description": "not signed in (problem+json)"},
          403: {"description": "not an owner of the team (problem+json)"},
          404: {"description": "no such team or member (problem+json)"},
          409: {"description": "the team's last owner (problem+json)"},
          422: {"description": "fields not usable (problem+json)"}}


class TeamIn(BaseModel):
    name: str = Field(..., max_length=svc.MAX_NAME)
    description: str = Field("", max_length=svc.MAX_TEXT)
    country: str | None = Field(None, max_length=3)


class JoinIn(BaseModel):
    code: str = Field(..., max_length=64)


class MemberIn(BaseModel):
    role: Literal["owner", "member"] | None = Field(..., description="null removes the member")


class OptIn(BaseModel):
    on: bool


async def _run(fn, *args) -> Any:
    return jsonable_encoder(await run_in_threadpool(fn, *args))


@router.get("/teams")
async def list_teams(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return {"teams": await _run(svc.list_teams, hub)}


@router.post("/teams", status_code=201, responses=ERRORS)
async def create(body: TeamIn, hub: Hub = Depends(get_hub), who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.create_team, hub, who, body.name, body.description, body.country)


@router.post("/teams/join", responses=ERRORS)
async def join(body: JoinIn, hub: Hub = Depends(get_hub), who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.join, hub, who, body.code)


@router.get("/teams/{team_id}", responses=ERRORS)
async def get_team(team_id: int, hub: Hub = Depends(get_hub),
                   who: Principal | None = Depends(request_principal)) -> dict[str, Any]:
    return await _run(svc.get_team, hub, team_id, who)


@router.get("/teams/{team_id}/surveys", responses=ERRORS)
async def surveys(team_id: int, request: Request, hub: Hub = Depends(get_hub),
                  who: Principal | None = Depends(request_principal)) -> dict[str, Any]:
    """The team's surveys and, for the approved ones, the figures with and without them (computed in the pool)."""
    return jsonable_encoder(await offload(request, svc.team_page, hub, team_id, who))


@router.post("/teams/{team_id}/leave", status_code=204, responses=ERRORS)
async def leave(team_id: int, hub: Hub = Depends(get_hub), who: Principal = Depends(WRITER)) -> None:
    await _run(svc.leave, hub, who, team_id)


@router.put("/teams/{team_id}/members/{user_id}", responses=ERRORS)
async def member(team_id: int, user_id: int, body: MemberIn, hub: Hub = Depends(get_hub),
                 who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.set_member, hub, who, team_id, user_id, body.role)


@router.post("/teams/{team_id}/code", responses=ERRORS)
async def renew_code(team_id: int, hub: Hub = Depends(get_hub), who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.renew_code, hub, who, team_id)


@router.put("/teams/{team_id}/leaderboard", responses=ERRORS)
async def team_leaderboard(team_id: int, body: OptIn, hub: Hub = Depends(get_hub),
                           who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return await _run(svc.set_team_leaderboard, hub, who, team_id, body.on)


@router.get("/leaderboards")
async def leaderboards(hub: Hub = Depends(get_hub)) -> dict[str, Any]:
    return await _run(svc.leaderboards, hub)


@router.get("/me/volunteering", responses=ERRORS)
async def mine(request: Request, hub: Hub = Depends(get_hub), who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return jsonable_encoder(await offload(request, svc.person_page, hub, who))


@router.put("/me/leaderboard", responses=ERRORS)
async def my_leaderboard(body: OptIn, hub: Hub = Depends(get_hub), who: Principal = Depends(WRITER)) -> dict[str, Any]:
    return {"on": await _run(svc.set_person_leaderboard, hub, who, body.on)}
