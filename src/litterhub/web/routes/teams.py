"""Web pages of volunteer teams: the list with create and join forms, a team's page (its surveys and how the
approved ones moved the site's and the country's figures, its cleanups, members for members, the owners' tools),
one's own volunteering page, and the opt-in leaderboards.

Writes are signed-in form posts with CSRF and the write rate limit; services/teams.py decides who may do what (only
owners manage members, the join code and the team's leaderboard opt-in). The figures are computed off the event loop.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.compute import offload
from litterhub.http.deps import get_hub
from litterhub.http.security import check_rate, verify_csrf, write_limit
from litterhub.services import teams as svc
from litterhub.services.auth import Principal
from litterhub.services.hub import Hub
from litterhub.web.routes.accounts import page, viewer
from litterhub.web.session import signed_in

router = APIRouter(include_in_schema=False)


async def _fields(request: Request) -> dict[str, str]:
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def _teams_page(request: Request, hub: Hub, error: str | None = None, status_code: int = 200,
                values: dict | None = None) -> HTMLResponse:
    who = viewer(request)
    return page(request, "teams/list.html", status_code=status_code, teams=svc.list_teams(hub),
                mine=svc.my_teams(hub, who) if who else [], error=error, values=values or {})


@router.get("/teams", response_class=HTMLResponse)
def teams_page(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return _teams_page(request, hub)


@router.post("/teams", response_class=HTMLResponse)
async def create(request: Request, hub: Hub = Depends(get_hub), who: Principal = Depends(signed_in())) -> Response:
    f = await _fields(request)
    try:
        team = await run_in_threadpool(svc.create_team, hub, who, f.get("name", ""), f.get("description", ""),
                                       f.get("country"))
    except svc.TeamInvalid as exc:
        return _teams_page(request, hub, str(exc), 422, f)
    return RedirectResponse(team["url"], status_code=303)


@router.post("/teams/join", response_class=HTMLResponse)
async def join(request: Request, hub: Hub = Depends(get_hub), who: Principal = Depends(signed_in())) -> Response:
    f = await _fields(request)
    try:
        team = await run_in_threadpool(svc.join, hub, who, f.get("code", ""))
    except svc.TeamInvalid as exc:
        return _teams_page(request, hub, str(exc), 422, f)
    return RedirectResponse(team["url"], status_code=303)


@router.get("/teams/{team_id}", response_class=HTMLResponse)
async def team_page(team_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    data = await offload(request, svc.team_page, hub, team_id, viewer(request))
    return page(request, "teams/team.html", **data)


@router.post("/teams/{team_id}/leave", response_class=HTMLResponse)
async def leave(team_id: int, request: Request, hub: Hub = Depends(get_hub),
                who: Principal = Depends(signed_in())) -> Response:
    await _fields(request)
    await run_in_threadpool(svc.leave, hub, who, team_id)
    return RedirectResponse("/teams", status_code=303)


@router.post("/teams/{team_id}/members", response_class=HTMLResponse)
async def member(team_id: int, request: Request, hub: Hub = Depends(get_hub),
                 who: Principal = Depends(signed_in())) -> Response:
    f = await _fields(request)
    role = f.get("role")
    try:
        user_id = int(f.get("user_id", ""))
    except ValueError:
        raise svc.TeamInvalid("choose a member", field="user_id") from None
    await run_in_threadpool(svc.set_member, hub, who, team_id, user_id, None if role == "remove" else role)
    return RedirectResponse(f"/teams/{team_id}", status_code=303)


@router.post("/teams/{team_id}/code", response_class=HTMLResponse)
async def renew_code(team_id: int, request: Request, hub: Hub = Depends(get_hub),
                     who: Principal = Depends(signed_in())) -> Response:
    await _fields(request)
    await run_in_threadpool(svc.renew_code, hub, who, team_id)
    return RedirectResponse(f"/teams/{team_id}", status_code=303)


@router.post("/teams/{team_id}/leaderboard", response_class=HTMLResponse)
async def team_leaderboard(team_id: int, request: Request, hub: Hub = Depends(get_hub),
                           who: Principal = Depends(signed_in())) -> Response:
    f = await _fields(request)
    await run_in_threadpool(svc.set_team_leaderboard, hub, who, team_id, f.get("on") == "on")
    return RedirectResponse(f"/teams/{team_id}", status_code=303)


@router.get("/volunteering", response_class=HTMLResponse)
async def mine(request: Request, hub: Hub = Depends(get_hub), who: Principal = Depends(signed_in())) -> Response:
    data = await offload(request, svc.person_page, hub, who)
    return page(request, "teams/mine.html", **data)


@router.post("/volunteering/leaderboard", response_class=HTMLResponse)
async def my_leaderboard(request: Request, hub: Hub = Depends(get_hub),
                         who: Principal = Depends(signed_in())) -> Response:
    f = await _fields(request)
    await run_in_threadpool(svc.set_person_leaderboard, hub, who, f.get("on") == "on")
    return RedirectResponse("/volunteering", status_code=303)


@router.get("/leaderboards", response_class=HTMLResponse)
def leaderboards(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return page(request, "teams/leaderboards.html", boards=svc.leaderboards(hub))
