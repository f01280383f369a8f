"""The action-plan workspace pages (issue 22): /countries/{ISO3}/plan and its seven steps, the team's forms (notes,
measures, members, comments and tasks, sign-off, publication), the versions, and the exports (JSON, CSV, PDF).

Reads are computed off the event loop (the prefill reads the lake); every write is a signed-in form post with CSRF
and the write rate limit, and who may do it is decided by services/action_plans.py. A plan another person may not
see answers the same 404 page as a plan that does not exist.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.compute import offload
from litterhub.http.deps import get_hub
from litterhub.http.security import check_rate, verify_csrf, write_limit
from litterhub.services import action_plans as svc
from litterhub.services import auth, plan_data
from litterhub.services import focal_points as fp
from litterhub.services.hub import Hub
from litterhub.web.rendering import request_language
from litterhub.web.routes.accounts import need, page, viewer
from litterhub.web.routes.countries import WORLD, _bars

router = APIRouter(include_in_schema=False)
EXPORTS = {"json": "application/json", "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def _acting(request: Request) -> fp.Acting | None:
    who = viewer(request)
    return fp.acting_for(who) if who else None


def _not_found(request: Request, code: str) -> Response:
    return page(request, "not_found.html", status_code=404, what=f"{code[:20]}/plan")


async def _form(request: Request) -> dict[str, Any]:
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    out: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str) or key == "csrf_token":
            continue
        if key in ("items", "sources"):
            out.setdefault(key, []).append(value)
        else:
            out[key] = value
    if len(out.get("items", [])) == 1:  # a typed list "G3, G4" as well as a multiple select
        out["items"] = out["items"][0].split(",")
    return out


@router.get("/countries/{code}/plan", response_class=HTMLResponse)
def plan_home(code: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    acting = _acting(request)
    try:
        plan = svc.summary(hub, acting, code)
    except svc.PlanError as exc:
        try:
            known = fp.country_code(code)
        except fp.FigureError:
            return _not_found(request, code)
        may_open = bool(acting and (acting.can("admin") or fp.is_focal_point(hub, acting.user_id, known)))
        if exc.code == "plan-not-found" and may_open:
            return page(request, "plans/open.html", code=known, name=svc.countries_svc.country_name(known) or known)
        return _not_found(request, code)
    return RedirectResponse(f"/countries/{plan['country']}/plan/team", status_code=303)


@router.post("/countries/{code}/plan", response_class=HTMLResponse)
async def open_plan(code: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request)
    fields = await _form(request)
    try:
        plan = await run_in_threadpool(svc.create, hub, fp.acting_for(who), code, fields.get("title", ""))
    except (svc.PlanError, fp.FigureError) as exc:
        return page(request, "plans/open.html", status_code=exc.status, code=code[:3].upper(), name=code,
                    error=exc)
    return RedirectResponse(f"/countries/{plan['country']}/plan/team", status_code=303)


@router.get("/countries/{code}/plan/versions", response_class=HTMLResponse)
def versions(code: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    acting = _acting(request)
    try:
        plan = svc.summary(hub, acting, code)
        rows = svc.revisions(hub, acting, code)
    except (svc.PlanError, fp.FigureError):
        return _not_found(request, code)
    return page(request, "plans/versions.html", plan=plan, rows=rows, steps=svc.STEPS)


@router.get("/countries/{code}/plan/export/{fmt}")
async def export(code: str, fmt: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    if fmt not in EXPORTS:
        return _not_found(request, code)
    acting = _acting(request)
    try:
        data = await offload(request, svc.export, hub, acting, code)
    except (svc.PlanError, fp.FigureError):
        return _not_found(request, code)
    name = f"action-plan-{data['plan']['country']}-r{data['plan']['revision']}"
    if fmt == "json":
        body: bytes | str = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    elif fmt == "csv":
        body = svc.measures_csv(data)
    else:
        from litterhub.web.plan_pdf import render_plan_pdf

        _, body = await offload(request, render_plan_pdf, data, request_language(request))
    return Response(body, media_type=EXPORTS[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"', "Cache-Control": "private, no-store"})


def _step_page(request: Request, data: dict[str, Any], error: Exception | None = None, status_code: int = 200,
               form: dict[str, Any] | None = None) -> Response:
    pre = data["prefill"]
    extra: dict[str, Any] = {}
    if data["step"] == "data":
        rows = [r for r in pre["indicators"]["sdg"]["rows"] if r.get("HEADLINE")]
        extra["sdg_bars"] = _bars([{"year": r["TIME_PERIOD"], "v": r["OBS_VALUE"]} for r in rows], "year", "v")
        extra["p"] = {"indicators": pre["indicators"], "country": data["plan"]["country"]}
    if data["step"] == "stakeholders":
        extra.update(world=WORLD, points=pre["points"],
                     highlight=[{"numeric": svc.countries_svc._numeric(data["plan"]["country"]),
                                 "name": data["plan"]["name"]}])
    for m in data.get("measures", []):
        for c in m["tracking"]["classes"]:
            c["bars"] = _bars([{"year": y["year"], "v": y["median"]} for y in c["years"]], "year", "v")
    done = request.query_params.get("done", "")
    return page(request, "plans/step.html", status_code=status_code, d=data, plan=data["plan"], steps=svc.STEPS,
                error=error, form=form or {}, instruments=svc.INSTRUMENTS, sources=svc.SOURCES,
                indicators=plan_data.INDICATORS, roles=svc.ROLES, done=done if done.isalnum() else None, **extra)


@router.get("/countries/{code}/plan/{step}", response_class=HTMLResponse)
async def step_page(code: str, step: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    acting = _acting(request)
    try:
        data = await offload(request, svc.workspace, hub, acting, code, step)
    except (svc.PlanError, fp.FigureError):
        return _not_found(request, code)
    return _step_page(request, data)


async def _write(request: Request, hub: Hub, code: str, step: str, fn, *args) -> Response:
    """Run a write for the signed-in person; on a refusal show the step again with the error."""
    who = need(request)
    fields = await _form(request)
    acting = fp.acting_for(who)
    try:
        await run_in_threadpool(fn, hub, acting, code, *[a(fields) if callable(a) else a for a in args])
    except (svc.PlanError, fp.FigureError, auth.AuthError) as exc:
        try:
            data = await offload(request, svc.workspace, hub, acting, code, step)
        except (svc.PlanError, fp.FigureError):
            return _not_found(request, code)
        return _step_page(request, data, exc, getattr(exc, "status", 422), fields)
    return RedirectResponse(f"/countries/{code.upper()[:3]}/plan/{step}?done=saved", status_code=303)


def _user(hub: Hub, email: str | None) -> int | None:
    if not email:
        return None
    user = auth.find_user(hub, email)
    if user is None:
        raise svc.PlanError("plan-unknown-user", "no account with that e-mail address", 404, "email")
    return user.id


@router.post("/countries/{code}/plan/{step}/notes", response_class=HTMLResponse)
async def save_notes(code: str, step: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return await _write(request, hub, code, step, svc.save_notes, step, lambda f: f.get("notes", ""))


@router.post("/countries/{code}/plan/{step}/note", response_class=HTMLResponse)
async def add_note(code: str, step: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    def note(h, acting, c, f):
        return svc.add_note(h, acting, c, step, f.get("kind", "comment"), f.get("body", ""),
                            _user(h, f.get("assignee")), f.get("due") or None)

    return await _write(request, hub, code, step, lambda h, a, c, f: note(h, a, c, f), lambda f: f)


@router.post("/countries/{code}/plan/{step}/tasks/{note_id}/done", response_class=HTMLResponse)
async def task_done(code: str, step: str, note_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return await _write(request, hub, code, step, svc.complete_task, note_id)


@router.post("/countries/{code}/plan/team/members", response_class=HTMLResponse)
async def set_member(code: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    def member(h, acting, c, f):
        role = f.get("role") or None
        return svc.set_member(h, acting, c, _user(h, f.get("email")) or 0, None if role == "remove" else role)

    return await _write(request, hub, code, "team", member, lambda f: f)


@router.post("/countries/{code}/plan/action-plan/measures", response_class=HTMLResponse)
async def add_measure(code: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return await _write(request, hub, code, "action-plan", svc.add_measure, lambda f: f)


@router.post("/countries/{code}/plan/action-plan/measures/{measure_id}/remove", response_class=HTMLResponse)
async def remove_measure(code: str, measure_id: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return await _write(request, hub, code, "action-plan", svc.remove_measure, measure_id[:20])


@router.post("/countries/{code}/plan/review/{action}", response_class=HTMLResponse)
async def review(code: str, action: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    if action not in ("sign-off", "publish"):
        return _not_found(request, code)
    return await _write(request, hub, code, "review", svc.sign_off if action == "sign-off" else svc.publish)
